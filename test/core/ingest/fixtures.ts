import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export type TextChunk = { key: string; text: string; kind: 'tEXt' | 'zTXt' | 'iTXt' | 'iTXt-z' };

export function textChunk(t: TextChunk): Buffer {
  const key = Buffer.from(t.key + '\0', 'latin1');
  if (t.kind === 'tEXt')
    return pngChunk('tEXt', Buffer.concat([key, Buffer.from(t.text, 'latin1')]));
  if (t.kind === 'zTXt')
    return pngChunk(
      'zTXt',
      Buffer.concat([key, Buffer.from([0]), deflateSync(Buffer.from(t.text, 'latin1'))]),
    );
  const compressed = t.kind === 'iTXt-z';
  const body = compressed ? deflateSync(Buffer.from(t.text, 'utf8')) : Buffer.from(t.text, 'utf8');
  return pngChunk(
    'iTXt',
    Buffer.concat([key, Buffer.from([compressed ? 1 : 0, 0]), Buffer.from('\0\0'), body]),
  );
}

/** Inserts chunks right after IHDR (where generators put their text). */
export function withChunks(png: Buffer, chunks: Buffer[]): Buffer {
  const ihdrEnd = 8 + 8 + png.readUInt32BE(8) + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

let seed = 1;
export async function pngBuffer(
  w = 64,
  h = 48,
  options: { seed?: number; alpha?: boolean } = {},
): Promise<Buffer> {
  const channels = options.alpha ? 4 : 3;
  const raw = Buffer.alloc(w * h * channels);
  let s = options.seed ?? seed++;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = (s >> 16) & 0xff;
  }
  return sharp(raw, { raw: { width: w, height: h, channels } })
    .png()
    .toBuffer();
}

export async function writePng(
  file: string,
  options: { w?: number; h?: number; seed?: number; texts?: TextChunk[] } = {},
): Promise<Buffer> {
  let png = await pngBuffer(options.w ?? 64, options.h ?? 48, { seed: options.seed });
  if (options.texts) png = withChunks(png, options.texts.map(textChunk));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, png);
  return png;
}

export async function writeJpeg(
  file: string,
  options: {
    w?: number;
    h?: number;
    orientation?: number;
    exif?: Record<string, Record<string, string>>;
  } = {},
): Promise<void> {
  const png = await pngBuffer(options.w ?? 80, options.h ?? 40);
  let img = sharp(png).jpeg({ quality: 80 });
  if (options.exif) img = img.withExif(options.exif);
  if (options.orientation) img = img.withMetadata({ orientation: options.orientation });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await img.toBuffer());
}

export function writeWav(file: string, seconds = 0.5): void {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-ar',
    '22050',
    file,
  ]);
}

export function writeMp4(file: string, seconds = 1): void {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=300:duration=${seconds}`,
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
}

/** A PNG header claiming 100000×100000 pixels over a tiny body: a decompression bomb. */
export function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = deflateSync(Buffer.alloc(100_001 * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
