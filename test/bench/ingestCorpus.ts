import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface CorpusSpec {
  png: number;
  jpeg: number;
  wav: number;
  mp4: number;
}

/** Noisy pixels over a gradient: PNG cannot compress it away, as with real renders. */
export function noisyRaw(w: number, h: number, seed: number): Buffer {
  const raw = Buffer.alloc(w * h * 3);
  let s = seed * 2654435761 || 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const n = (s >>> 24) & 0x3f;
      const i = (y * w + x) * 3;
      raw[i] = ((x * 255) / w + n) & 0xff;
      raw[i + 1] = ((y * 255) / h + n) & 0xff;
      raw[i + 2] = ((seed * 37) & 0xff) ^ n;
    }
  }
  return raw;
}

export async function noisyPng(size: number, seed: number): Promise<Buffer> {
  return sharp(noisyRaw(size, size, seed), { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Builds the corpus once per spec (cached under `root`); returns its folder. */
export async function ensureCorpus(
  root: string,
  spec: CorpusSpec,
  log: (s: string) => void,
): Promise<string> {
  const dir = path.join(root, `corpus-${spec.png}-${spec.jpeg}-${spec.wav}-${spec.mp4}`);
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return dir;
  mkdirSync(dir, { recursive: true });
  log(`generating corpus in ${dir} …`);
  const jobs: Array<() => Promise<void>> = [];
  for (let i = 0; i < spec.png; i++) {
    jobs.push(async () => {
      const file = path.join(dir, 'png', `img-${String(i).padStart(5, '0')}.png`);
      if (!existsSync(file)) writeFileSync(file, await noisyPng(i % 2 === 0 ? 512 : 1024, i + 1));
    });
  }
  for (let i = 0; i < spec.jpeg; i++) {
    jobs.push(async () => {
      const file = path.join(dir, 'jpeg', `photo-${String(i).padStart(4, '0')}.jpg`);
      if (!existsSync(file)) {
        await sharp(noisyRaw(1920, 1080, 100_000 + i), {
          raw: { width: 1920, height: 1080, channels: 3 },
        })
          .jpeg({ quality: 85 })
          .toFile(file);
      }
    });
  }
  mkdirSync(path.join(dir, 'png'), { recursive: true });
  mkdirSync(path.join(dir, 'jpeg'), { recursive: true });
  mkdirSync(path.join(dir, 'wav'), { recursive: true });
  mkdirSync(path.join(dir, 'mp4'), { recursive: true });
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
  for (let i = 0; i < spec.wav; i++) {
    const file = path.join(dir, 'wav', `tone-${i}.wav`);
    if (!existsSync(file))
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${200 + i * 10}:duration=5`,
        '-ar',
        '44100',
        '-ac',
        '2',
        file,
      ]);
  }
  for (let i = 0; i < spec.mp4; i++) {
    const file = path.join(dir, 'mp4', `clip-${i}.mp4`);
    if (!existsSync(file)) {
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=1280x720:rate=30:duration=3`,
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${300 + i}:duration=3`,
        '-vf',
        `hue=h=${i * 17}`,
        '-pix_fmt',
        'yuv420p',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-c:a',
        'aac',
        '-shortest',
        file,
      ]);
    }
  }
  writeFileSync(done, new Date().toISOString());
  return dir;
}

export function listCorpus(dir: string): { path: string; size: number; kind: string }[] {
  const out: { path: string; size: number; kind: string }[] = [];
  for (const kind of ['png', 'jpeg', 'wav', 'mp4']) {
    const sub = path.join(dir, kind);
    if (!existsSync(sub)) continue;
    for (const f of readdirSync(sub).sort())
      out.push({ path: path.join(sub, f), size: statSync(path.join(sub, f)).size, kind });
  }
  return out;
}
