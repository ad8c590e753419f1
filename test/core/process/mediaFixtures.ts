import { execFileSync } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import type { Atelier } from '../../../src-main/core/app/atelier';
import { probeMedia, sha256File } from './ffprobeFacts';
import { nowIso, uuidv7 } from '../../../src-main/core/util/ids';

/** A small noisy PNG (Real-ESRGAN on lavapipe takes ~2 s at 32 px). */
export async function makeImage(dir: string, name = 'castle.png', size = 32): Promise<string> {
  const file = path.join(dir, name);
  await sharp({
    create: {
      width: size,
      height: size,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toFile(file);
  return file;
}

/** A tone with noise: something for afftdn to remove and loudnorm to measure. */
export function makeAudio(dir: string, name = 'voice.wav', seconds = 2): string {
  const file = path.join(dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=d=${seconds}:a=0.05`,
    '-filter_complex',
    'amix=inputs=2,volume=0.3',
    '-ar',
    '44100',
    '-y',
    file,
  ]);
  return file;
}

export function makeVideo(dir: string, name = 'clip.mp4', seconds = 2): string {
  const file = path.join(dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=160x120:rate=15:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=330:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    '-y',
    file,
  ]);
  return file;
}

/** Registers a file as a library asset the way ingest would (ingest is another domain). */
export async function addAsset(
  core: Atelier,
  file: string,
  extra: { prompt?: string } = {},
): Promise<string> {
  const f = await probeMedia(file, 'ffprobe');
  const id = uuidv7();
  const at = nowIso();
  await core.db
    .insertInto('assets')
    .values({
      id,
      path: file,
      filename: path.basename(file),
      ext: path.extname(file).slice(1),
      type: f.type,
      mime: f.mime,
      sha256: await sha256File(file),
      size_bytes: f.sizeBytes,
      width: f.width,
      height: f.height,
      duration_sec: f.durationSec,
      sample_rate: f.sampleRate,
      has_audio: f.hasAudio ? 1 : 0,
      folder_id: null,
      project_id: null,
      phash: null,
      channels: f.channels,
      fps: f.fps,
      codec: f.codec,
      audio_codec: f.audioCodec,
      bit_rate: f.bitRate,
      format: f.format,
      orientation: null,
      theme: null,
      source: null,
      prompt: extra.prompt ?? null,
      negative_prompt: null,
      seed: null,
      model: null,
      model_hash: null,
      generation_params: null,
      raw_metadata: null,
      derived_from: null,
      derivation: null,
      job_id: null,
      thumb_key: null,
      created_at: at,
      added_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  return id;
}
