import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Atelier } from '../../../src-main/core/app/atelier';
import { nowIso, uuidv7 } from '../../../src-main/core/util/ids';

export const sha256Of = (file: string) =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

/** A real PNG of noise-ish colour blocks (seeded by `seed`) so near-duplicate hashes differ. */
export async function makePng(file: string, seed: number, size = 96): Promise<void> {
  const raw = Buffer.alloc(size * size * 3);
  let x = Math.imul(seed, 2654435761) >>> 0;
  for (let i = 0; i < raw.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    raw[i] = (x >>> 16) & 0xff;
  }
  await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toFile(file);
}

export async function makeJpeg(file: string, seed: number, size = 128): Promise<void> {
  await sharp({
    create: {
      width: size,
      height: size,
      channels: 3,
      background: { r: (seed * 40) % 255, g: 120, b: 200 },
    },
  })
    .jpeg()
    .toFile(file);
}

export function makeWav(file: string, seconds = 0.5): void {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    file,
  ]);
}

export function makeMp4(file: string, seconds = 1): void {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=${seconds}`,
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
}

export interface AssetOverrides {
  status?: 'pending' | 'approved' | 'rejected';
  provenance?: 'unknown' | 'ai_generated' | 'user_provided' | 'enhanced';
  prompt?: string | null;
  model?: string | null;
  seed?: string | null;
  phash?: string | null;
  filename?: string;
  width?: number | null;
  height?: number | null;
}

/** Inserts an asset row for a real file, as ingest would (hash, size, mtime from the file). */
export function insertAsset(
  core: Atelier,
  file: string,
  type: 'image' | 'audio' | 'video' | 'subtitles',
  o: AssetOverrides = {},
): string {
  const id = uuidv7();
  const st = statSync(file);
  const at = nowIso();
  core.sqlite
    .prepare(
      `INSERT INTO assets (id, path, filename, ext, type, sha256, phash, size_bytes, mtime_ms, width, height, status, provenance,
         prompt, model, seed, created_at, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      file,
      o.filename ?? path.basename(file),
      path.extname(file).slice(1).toLowerCase(),
      type,
      sha256Of(file),
      o.phash ?? null,
      st.size,
      Math.floor(st.mtimeMs),
      o.width ?? null,
      o.height ?? null,
      o.status ?? 'approved',
      o.provenance ?? 'user_provided',
      o.prompt ?? null,
      o.model ?? null,
      o.seed ?? null,
      at,
      at,
      at,
    );
  return id;
}

/** A small mixed library: images, a WAV, an MP4 and an AI-generated image with a prompt. */
export async function makeLibrary(core: Atelier, dir: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const f = path.join(dir, `img_${i}.png`);
    await makePng(f, i + 1);
    ids.push(insertAsset(core, f, 'image', { width: 96, height: 96 }));
  }
  const ai = path.join(dir, 'castle.jpg');
  await makeJpeg(ai, 7);
  ids.push(
    insertAsset(core, ai, 'image', {
      provenance: 'ai_generated',
      prompt: 'a castle at dawn',
      seed: '42',
      model: 'sdxl_base',
    }),
  );
  const wav = path.join(dir, 'tone.wav');
  makeWav(wav);
  ids.push(insertAsset(core, wav, 'audio'));
  const mp4 = path.join(dir, 'clip.mp4');
  makeMp4(mp4);
  ids.push(insertAsset(core, mp4, 'video'));
  const srt = path.join(dir, 'clip.es.srt');
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:00,900\nHola.\n');
  ids.push(insertAsset(core, srt, 'subtitles'));
  return ids;
}

export async function setOwner(
  call: (
    m: 'settings.update',
    i: { ownerName: string; supportContact: string },
  ) => Promise<unknown>,
): Promise<void> {
  await call('settings.update', { ownerName: 'Ada Lovelace', supportContact: 'ada@example.com' });
}

export function writeText(file: string, text: string): void {
  writeFileSync(file, text);
}
