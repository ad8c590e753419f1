/**
 * `npm run bench -- export`: a ~2 GB pack of generated media exported by Atelier and zipped by
 * Info-ZIP `zip -r -0` from the same (warm) files in the same run. Reports throughput and the
 * ratio, Atelier's peak RSS (the export runs in a child process so corpus generation does not
 * count) and what verification costs.
 *
 * Size: EXPORT_BENCH_MB (default 2048). The corpus is cached under EXPORT_BENCH_DIR
 * (default $TMPDIR/atelier-bench-export) so reruns skip generation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openAtelier } from '../../src-main/core/app/atelier';
import { thumbPath } from '../../src-main/core/media/resolveMedia';
import { exportPack } from '../../src-main/core/packs/exportPack';
import { nowIso, uuidv7 } from '../../src-main/core/util/ids';

const MB = 1024 * 1024;

interface Base {
  file: string;
  type: 'image' | 'audio' | 'video';
  ext: string;
  sha: string;
  width?: number;
  height?: number;
}

async function noisePng(file: string, w: number, h: number, seed: number): Promise<void> {
  const raw = Buffer.alloc(w * h * 3);
  let x = Math.imul(seed + 1, 2654435761) >>> 0;
  for (let i = 0; i < raw.length; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    raw.writeUInt32LE(x, i - (i + 4 > raw.length ? i + 4 - raw.length : 0));
  }
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png({ compressionLevel: 1 }).toFile(file);
}

/** A few real base files per type; the corpus is copies of them with a unique tail, so every file hashes differently. */
async function makeCorpus(dir: string, targetBytes: number): Promise<{ files: { file: string; base: Base }[]; bytes: number }> {
  const baseDir = path.join(dir, 'bases');
  const mediaDir = path.join(dir, 'media');
  const manifest = path.join(dir, 'corpus.json');
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(baseDir, { recursive: true });
  mkdirSync(mediaDir, { recursive: true });
  const bases: Base[] = [];
  const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  for (let i = 0; i < 6; i++) {
    const f = path.join(baseDir, `png_${i}.png`);
    const size = i % 2 ? 1024 : 512;
    await noisePng(f, size, size, i);
    bases.push({ file: f, type: 'image', ext: 'png', sha: sha(f), width: size, height: size });
  }
  for (let i = 0; i < 3; i++) {
    const f = path.join(baseDir, `jpg_${i}.jpg`);
    const png = path.join(baseDir, `tmp_${i}.png`);
    await noisePng(png, 1920, 1080, 100 + i);
    await sharp(png).jpeg({ quality: 92 }).toFile(f);
    rmSync(png);
    bases.push({ file: f, type: 'image', ext: 'jpg', sha: sha(f), width: 1920, height: 1080 });
  }
  for (let i = 0; i < 2; i++) {
    const f = path.join(baseDir, `wav_${i}.wav`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${300 + i * 110}:duration=5`, '-ac', '2', '-ar', '48000', f]);
    bases.push({ file: f, type: 'audio', ext: 'wav', sha: sha(f) });
  }
  for (let i = 0; i < 2; i++) {
    const f = path.join(baseDir, `mp4_${i}.mp4`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=3`, '-f', 'lavfi', '-i', 'anoisesrc=d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '10', '-shortest', f]);
    bases.push({ file: f, type: 'video', ext: 'mp4', sha: sha(f) });
  }
  // Mix like MEASUREMENTS.md's corpus: mostly PNG, some JPEG, a few WAV and MP4.
  const pick = (n: number): Base => {
    const r = n % 20;
    const of = (t: string) => bases.filter((b) => b.file.includes(t));
    if (r < 14) return of('png_')[n % 6]!;
    if (r < 17) return of('jpg_')[n % 3]!;
    if (r < 19) return of('wav_')[n % 2]!;
    return of('mp4_')[n % 2]!;
  };
  const files: { file: string; base: Base }[] = [];
  let bytes = 0;
  for (let n = 0; bytes < targetBytes; n++) {
    const base = pick(n);
    const f = path.join(mediaDir, `asset_${String(n).padStart(5, '0')}.${base.ext}`);
    // Bytes after the end marker are ignored by decoders, and make each copy's hash unique.
    writeFileSync(f, Buffer.concat([readFileSync(base.file), randomBytes(32)]));
    bytes += statSync(f).size;
    files.push({ file: f, base });
  }
  const corpus = { files, bytes };
  writeFileSync(manifest, JSON.stringify(corpus));
  return corpus;
}

async function child(dataDir: string, packId: string, outDir: string): Promise<void> {
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  const t0 = performance.now();
  const rec = await exportPack(core, packId, { outDir });
  const ms = performance.now() - t0;
  await core.dispose();
  process.stdout.write(JSON.stringify({ ms, verifyMs: rec.verifyMs, bytes: rec.totalBytes, files: rec.files.length, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const targetMb = Number(process.env.EXPORT_BENCH_MB ?? 2048);
  const root = process.env.EXPORT_BENCH_DIR ?? path.join(os.tmpdir(), 'atelier-bench-export');
  const dir = path.join(root, `${targetMb}mb`);
  let t = performance.now();
  const corpus = await makeCorpus(dir, targetMb * MB);
  console.log(`corpus: ${corpus.files.length} files, ${(corpus.bytes / MB).toFixed(0)} MB (${((performance.now() - t) / 1000).toFixed(1)} s to prepare)`);

  const dataDir = path.join(dir, 'data');
  rmSync(dataDir, { recursive: true, force: true });
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  await core.settings.update({ ownerName: 'Bench Studio', supportContact: 'bench@example.com' });
  // Thumbnails as ingest would have made them (the contact sheet reads these, not the originals).
  const bases = new Map(corpus.files.map((f) => [f.base.sha, f.base]));
  for (const b of bases.values()) {
    const key = b.sha;
    const thumb = thumbPath(core.layout, key, b.type === 'image' ? 'thumb' : b.type === 'video' ? 'poster' : 'waveform');
    mkdirSync(path.dirname(thumb), { recursive: true });
    if (b.type === 'image') {
      await sharp(b.file).resize(512, 512, { fit: 'inside' }).webp().toFile(thumb);
      await sharp(b.file).resize(256, 256, { fit: 'inside' }).webp().toFile(thumbPath(core.layout, key, 'thumb-small'));
    }
    else if (b.type === 'video') execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', b.file, '-frames:v', '1', thumb]);
    else execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', b.file, '-filter_complex', 'showwavespic=s=512x160', '-frames:v', '1', thumb]);
  }
  const insert = core.sqlite.prepare(
    `INSERT INTO assets (id, path, filename, ext, type, sha256, size_bytes, mtime_ms, width, height, duration_sec, status, thumb_key, created_at, added_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'approved', ?, ?, ?, ?)`,
  );
  const ids: string[] = [];
  const at = nowIso();
  core.sqlite.transaction(() => {
    for (const f of corpus.files) {
      const st = statSync(f.file);
      const id = uuidv7();
      const sha = createHash('sha256').update(readFileSync(f.file)).digest('hex');
      insert.run(id, f.file, path.basename(f.file), f.base.ext, f.base.type, sha, st.size, Math.floor(st.mtimeMs), f.base.width ?? null, f.base.height ?? null, f.base.type === 'image' ? null : f.base.type === 'video' ? 3 : 5, f.base.sha, at, at, at);
      ids.push(id);
    }
  })();
  const { createApi } = await import('../../src-main/core/api/dispatch');
  const api = createApi(core);
  const created = (await api.invoke('packs.create', { name: 'Bench Pack', description: 'Generated media for the export benchmark.' })) as { ok: true; value: { id: string } };
  const packId = created.value.id;
  await api.invoke('packs.addAssets', { packId, assetIds: ids });
  await core.dispose();

  const outRoot = path.join(dir, 'out');
  const runs: { zipMs: number; zipSyncMs: number; ours: { ms: number; verifyMs: number; bytes: number; maxRssKb: number } }[] = [];
  const rounds = Number(process.env.EXPORT_BENCH_ROUNDS ?? 2);
  for (let r = 0; r < rounds; r++) {
    rmSync(outRoot, { recursive: true, force: true });
    mkdirSync(outRoot, { recursive: true });
    // Info-ZIP on the same files, store only. Each timed run starts with no dirty pages left by
    // the previous one, so neither pays for the other's write-back.
    spawnSync('sync');
    t = performance.now();
    const z = spawnSync('zip', ['-r', '-0', '-q', path.join(outRoot, 'infozip.zip'), 'media'], { cwd: dir });
    if (z.status !== 0) throw new Error(`zip failed: ${z.stderr}`);
    const zipMs = performance.now() - t;
    // The same archive made durable, as Atelier's is: a second reference, for context only.
    spawnSync('sync', [path.join(outRoot, 'infozip.zip')]);
    const zipSyncMs = performance.now() - t;
    rmSync(path.join(outRoot, 'infozip.zip'));

    spawnSync('sync');
    const tsx = path.join('node_modules', '.bin', 'tsx');
    const c = spawnSync(tsx, [path.join('test', 'bench', 'export.bench.ts'), '--child', dataDir, packId, path.join(outRoot, 'atelier')], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`export child failed: ${c.stderr}`);
    const ours = JSON.parse(c.stdout.trim().split('\n').pop()!);
    runs.push({ zipMs, zipSyncMs, ours });
    const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
    console.log(
      `round ${r + 1}: zip -r -0 ${(zipMs / 1000).toFixed(2)} s (${mbps(corpus.bytes, zipMs).toFixed(0)} MB/s) · ` +
        `Atelier ${(ours.ms / 1000).toFixed(2)} s (${mbps(corpus.bytes, ours.ms).toFixed(0)} MB/s, verify ${(ours.verifyMs / 1000).toFixed(2)} s) · ` +
        `ratio ${(zipMs / ours.ms).toFixed(2)}× (vs zip + sync ${(zipSyncMs / ours.ms).toFixed(2)}×) · peak RSS ${(ours.maxRssKb / 1024).toFixed(0)} MB`,
    );
  }
  const best = runs.reduce((a, b) => (b.zipMs / b.ours.ms > a.zipMs / a.ours.ms ? b : a));
  const median = [...runs].sort((a, b) => a.zipMs / a.ours.ms - b.zipMs / b.ours.ms)[Math.floor(runs.length / 2)]!;
  console.log('');
  console.log(`files                ${corpus.files.length}`);
  console.log(`pack size            ${(corpus.bytes / MB).toFixed(0)} MB`);
  console.log(`throughput ratio     ${(median.zipMs / median.ours.ms).toFixed(2)}× zip -r -0 (median of ${runs.length}; best ${(best.zipMs / best.ours.ms).toFixed(2)}×), target ≥ 1.0×`);
  console.log(`vs zip -r -0 + sync   ${(median.zipSyncMs / median.ours.ms).toFixed(2)}× (Atelier fsyncs its ZIP; Info-ZIP leaves it in the page cache)`);
  console.log(`peak RSS (export)    ${(Math.max(...runs.map((r) => r.ours.maxRssKb)) / 1024).toFixed(0)} MB, target ≤ 250 MB`);
  console.log(`verification         ${(median.ours.verifyMs / 1000).toFixed(2)} s = ${((median.ours.verifyMs / median.ours.ms) * 100).toFixed(0)}% of the export`);
  rmSync(outRoot, { recursive: true, force: true });
}

await main();
