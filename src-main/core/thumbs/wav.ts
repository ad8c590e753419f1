import { open } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * PCM WAV read in JavaScript: the header gives everything ffprobe would, and the samples give
 * the waveform. Two child processes per WAV (ffprobe + an ffmpeg showwavespic) cost ~0.2 s of
 * CPU each; this costs a few milliseconds. Anything unusual (compressed WAV, RF64, a header
 * past the first 64 KB) returns null and the ffprobe/ffmpeg path handles it.
 */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  float: boolean;
  dataOffset: number;
  dataBytes: number;
  durationSec: number;
  codec: string;
  bitRate: number;
  /** LIST/INFO tags under the names ffprobe gives them (title, comment, encoder…). */
  texts: Record<string, string>;
}

const infoNames: Record<string, string> = {
  INAM: 'title',
  IART: 'artist',
  ICMT: 'comment',
  ISFT: 'encoder',
  ICRD: 'date',
  IGNR: 'genre',
  ICOP: 'copyright',
  IPRD: 'album',
};

const HEAD_BYTES = 64 * 1024;

export function parseWavHeader(head: Buffer, fileSize: number): WavInfo | null {
  if (
    head.length < 12 ||
    head.toString('latin1', 0, 4) !== 'RIFF' ||
    head.toString('latin1', 8, 12) !== 'WAVE'
  )
    return null;
  let pos = 12;
  let fmt: {
    format: number;
    channels: number;
    sampleRate: number;
    bits: number;
    blockAlign: number;
  } | null = null;
  const texts: Record<string, string> = {};
  while (pos + 8 <= head.length) {
    const id = head.toString('latin1', pos, pos + 4);
    const size = head.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) return null;
      let format = head.readUInt16LE(body);
      if (format === 0xfffe) {
        if (size < 40 || body + 26 > head.length) return null;
        format = head.readUInt16LE(body + 24); // the sub-format GUID starts with the real tag
      }
      fmt = {
        format,
        channels: head.readUInt16LE(body + 2),
        sampleRate: head.readUInt32LE(body + 4),
        blockAlign: head.readUInt16LE(body + 12),
        bits: head.readUInt16LE(body + 14),
      };
    } else if (
      id === 'LIST' &&
      body + 4 <= head.length &&
      head.toString('latin1', body, body + 4) === 'INFO'
    ) {
      let p = body + 4;
      const end = Math.min(body + size, head.length);
      while (p + 8 <= end) {
        const tag = head.toString('latin1', p, p + 4);
        const len = head.readUInt32LE(p + 4);
        const value = head
          .subarray(p + 8, Math.min(p + 8 + len, end))
          .toString('utf8')
          .replace(/\0+$/, '')
          .trim();
        if (infoNames[tag] && value) texts[infoNames[tag]] = value;
        p += 8 + len + (len & 1);
      }
    } else if (id === 'data') {
      if (!fmt) return null;
      const { format, channels, sampleRate, bits, blockAlign } = fmt;
      const pcm = format === 1 && [8, 16, 24, 32].includes(bits);
      const float = format === 3 && bits === 32;
      if (
        !(pcm || float) ||
        channels < 1 ||
        channels > 16 ||
        sampleRate < 1000 ||
        sampleRate > 768_000
      )
        return null;
      if (blockAlign !== channels * (bits / 8)) return null;
      // A truncated file (or a streaming writer's 0/0xFFFFFFFF size) plays what is there.
      const available = Math.max(0, fileSize - body);
      const declared = size === 0 || size === 0xffffffff ? available : size;
      const dataBytes =
        Math.min(declared, available) - (Math.min(declared, available) % blockAlign);
      const codec = float ? 'pcm_f32le' : bits === 8 ? 'pcm_u8' : `pcm_s${bits}le`;
      return {
        sampleRate,
        channels,
        bitsPerSample: bits,
        float,
        dataOffset: body,
        dataBytes,
        durationSec: dataBytes / (sampleRate * blockAlign),
        codec,
        bitRate: sampleRate * blockAlign * 8,
        texts,
      };
    }
    pos = body + size + (size & 1);
  }
  return null;
}

export async function readWavInfo(file: string, fileSize: number): Promise<WavInfo | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, fileSize));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return parseWavHeader(head.subarray(0, bytesRead), fileSize);
  } finally {
    await fh.close();
  }
}

const COLUMNS = 1024;
const HEIGHT = 256;
/** Bytes read per turn: large enough that the loop dominates, small enough to stay off the heap's radar. */
const CHUNK_FRAMES = 256 * 1024;
/** Frames read for the picture: beyond this, frames are strided. */
const MAX_FRAMES = 2_000_000;

export interface Waveform {
  /** RGBA pixels, COLUMNS × HEIGHT, transparent where there is no sound. */
  pixels: Buffer;
  width: number;
  height: number;
}

/**
 * Per-sample reads through Buffer methods cost ~100 ms for two minutes of stereo audio, as much
 * as the ffmpeg denoise that made the file. Each chunk is first turned into the mono mix of every
 * `stride`-th frame in a Float32Array, one tight loop per sample format (typed-array views, no
 * calls per sample), then scanned for peaks. Typed arrays use the platform's byte order, and
 * every platform Atelier ships on is little-endian like WAV. Returns how many frames it wrote.
 */
function monoMix(
  info: WavInfo,
  buf: Buffer,
  frames: number,
  first: number,
  stride: number,
  out: Float32Array,
): number {
  const ch = info.channels;
  const ab = buf.buffer;
  const off = buf.byteOffset;
  let n = 0;
  if (info.float || info.bitsPerSample === 16 || info.bitsPerSample === 32) {
    const a = info.float
      ? new Float32Array(ab, off, frames * ch)
      : info.bitsPerSample === 16
        ? new Int16Array(ab, off, frames * ch)
        : new Int32Array(ab, off, frames * ch);
    const scale = (info.float ? 1 : info.bitsPerSample === 16 ? 32768 : 2147483648) * ch;
    if (ch === 1) for (let f = first; f < frames; f += stride) out[n++] = a[f]! / scale;
    else if (ch === 2)
      for (let f = first; f < frames; f += stride) out[n++] = (a[2 * f]! + a[2 * f + 1]!) / scale;
    else
      for (let f = first; f < frames; f += stride) {
        let v = 0;
        for (let c = 0, s = f * ch; c < ch; c++) v += a[s + c]!;
        out[n++] = v / scale;
      }
    return n;
  }
  const a = new Uint8Array(ab, off, buf.length);
  if (info.bitsPerSample === 8) {
    for (let f = first; f < frames; f += stride) {
      let v = 0;
      for (let c = 0, s = f * ch; c < ch; c++) v += a[s + c]! - 128;
      out[n++] = v / (128 * ch);
    }
    return n;
  }
  for (let f = first; f < frames; f += stride) {
    let v = 0;
    for (let c = 0, o = f * ch * 3; c < ch; c++, o += 3)
      v += ((a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16)) << 8) >> 8;
    out[n++] = v / (8388608 * ch);
  }
  return n;
}

/**
 * Peak envelope of the mono mix, per column. Past MAX_FRAMES frames only every `stride`-th is
 * read: a column of a long file still spans thousands of frames, so its peaks stay visible.
 */
export async function waveformEnvelope(
  file: string,
  info: WavInfo,
): Promise<{ min: Float32Array; max: Float32Array }> {
  const frameBytes = (info.bitsPerSample / 8) * info.channels;
  const frames = Math.floor(info.dataBytes / frameBytes);
  const stride = Math.max(1, Math.ceil(frames / MAX_FRAMES));
  const min = new Float32Array(COLUMNS);
  const max = new Float32Array(COLUMNS);
  if (frames === 0) return { min, max };
  // A fresh ArrayBuffer is aligned for every view; a pooled Buffer might not be.
  const chunk = Buffer.from(new ArrayBuffer(CHUNK_FRAMES * frameBytes));
  const mono = new Float32Array(CHUNK_FRAMES);
  const fh = await open(file, 'r');
  try {
    let frame = 0;
    while (frame < frames) {
      const want = Math.min(CHUNK_FRAMES, frames - frame) * frameBytes;
      const { bytesRead } = await fh.read(chunk, 0, want, info.dataOffset + frame * frameBytes);
      const got = Math.floor(bytesRead / frameBytes);
      if (got === 0) break; // the file shrank under us: draw what was read
      const first = (stride - (frame % stride)) % stride;
      const n = monoMix(info, chunk, got, first, stride, mono);
      // mono[k] is frame `frame + first + k * stride`; walk it a column at a time.
      const base = frame + first;
      let k = 0;
      while (k < n) {
        const col = Math.min(COLUMNS - 1, Math.floor(((base + k * stride) * COLUMNS) / frames));
        const colEnd = Math.ceil(((col + 1) * frames) / COLUMNS); // first frame of the next column
        const end = Math.min(n, Math.max(k + 1, Math.ceil((colEnd - base) / stride)));
        let lo = min[col]!;
        let hi = max[col]!;
        for (let i = k; i < end; i++) {
          const v = mono[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        min[col] = lo;
        max[col] = hi;
        k = end;
      }
      frame += got;
    }
  } finally {
    await fh.close();
  }
  return { min, max };
}

/** The envelope drawn like ffmpeg's showwavespic. */
export function waveformPixels(env: { min: Float32Array; max: Float32Array }): Waveform {
  const pixels = Buffer.alloc(COLUMNS * HEIGHT * 4);
  const mid = HEIGHT / 2;
  for (let x = 0; x < COLUMNS; x++) {
    const top = Math.max(0, Math.floor(mid - env.max[x]! * mid));
    const bottom = Math.min(HEIGHT - 1, Math.max(top, Math.ceil(mid - env.min[x]! * mid)));
    for (let y = top; y <= bottom; y++) {
      const i = (y * COLUMNS + x) * 4;
      pixels[i] = 0x6b;
      pixels[i + 1] = 0x4c;
      pixels[i + 2] = 0xe6;
      pixels[i + 3] = 255;
    }
  }
  return { pixels, width: COLUMNS, height: HEIGHT };
}

export async function drawWaveform(file: string, info: WavInfo): Promise<Waveform> {
  return waveformPixels(await waveformEnvelope(file, info));
}

export function waveformPng(w: Waveform): Promise<Buffer> {
  return sharp(w.pixels, { raw: { width: w.width, height: w.height, channels: 4 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
}
