import { createReadStream } from 'node:fs';
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
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
  let pos = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | null = null;
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
    } else if (id === 'LIST' && body + 4 <= head.length && head.toString('latin1', body, body + 4) === 'INFO') {
      let p = body + 4;
      const end = Math.min(body + size, head.length);
      while (p + 8 <= end) {
        const tag = head.toString('latin1', p, p + 4);
        const len = head.readUInt32LE(p + 4);
        const value = head.subarray(p + 8, Math.min(p + 8 + len, end)).toString('utf8').replace(/\0+$/, '').trim();
        if (infoNames[tag] && value) texts[infoNames[tag]!] = value;
        p += 8 + len + (len & 1);
      }
    } else if (id === 'data') {
      if (!fmt) return null;
      const { format, channels, sampleRate, bits, blockAlign } = fmt;
      const pcm = format === 1 && [8, 16, 24, 32].includes(bits);
      const float = format === 3 && bits === 32;
      if (!(pcm || float) || channels < 1 || channels > 16 || sampleRate < 1000 || sampleRate > 768_000) return null;
      if (blockAlign !== channels * (bits / 8)) return null;
      // A truncated file (or a streaming writer's 0/0xFFFFFFFF size) plays what is there.
      const available = Math.max(0, fileSize - body);
      const declared = size === 0 || size === 0xffffffff ? available : size;
      const dataBytes = Math.min(declared, available) - (Math.min(declared, available) % blockAlign);
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
/** Frames read for the picture: beyond this, frames are strided (peaks of long files stay visible enough). */
const MAX_FRAMES = 2_000_000;

/** Peak envelope of the mono mix, drawn like ffmpeg's showwavespic, written as a PNG. */
export async function drawWaveform(file: string, info: WavInfo, out: string): Promise<void> {
  const bytesPerSample = info.bitsPerSample / 8;
  const frameBytes = bytesPerSample * info.channels;
  const frames = Math.floor(info.dataBytes / frameBytes);
  const stride = Math.max(1, Math.ceil(frames / MAX_FRAMES));
  const min = new Float32Array(COLUMNS).fill(0);
  const max = new Float32Array(COLUMNS).fill(0);
  const read = (b: Buffer, o: number): number => {
    if (info.float) return b.readFloatLE(o);
    switch (info.bitsPerSample) {
      case 8:
        return (b[o]! - 128) / 128;
      case 16:
        return b.readInt16LE(o) / 32768;
      case 24:
        return b.readIntLE(o, 3) / 8388608;
      default:
        return b.readInt32LE(o) / 2147483648;
    }
  };
  let frame = 0;
  let carry: Buffer = Buffer.alloc(0);
  if (frames > 0) {
    const stream = createReadStream(file, { start: info.dataOffset, end: info.dataOffset + frames * frameBytes - 1, highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      const buf = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const whole = buf.length - (buf.length % frameBytes);
      for (let o = 0; o < whole; o += frameBytes, frame++) {
        if (frame % stride !== 0) continue;
        let v = 0;
        for (let c = 0; c < info.channels; c++) v += read(buf, o + c * bytesPerSample);
        v /= info.channels;
        const col = Math.min(COLUMNS - 1, Math.floor((frame / frames) * COLUMNS));
        if (v < min[col]!) min[col] = v;
        if (v > max[col]!) max[col] = v;
      }
      carry = buf.subarray(whole);
    }
  }
  const pixels = Buffer.alloc(COLUMNS * HEIGHT * 4);
  const mid = HEIGHT / 2;
  for (let x = 0; x < COLUMNS; x++) {
    const top = Math.max(0, Math.floor(mid - max[x]! * mid));
    const bottom = Math.min(HEIGHT - 1, Math.max(top, Math.ceil(mid - min[x]! * mid)));
    for (let y = top; y <= bottom; y++) {
      const i = (y * COLUMNS + x) * 4;
      pixels[i] = 0x6b;
      pixels[i + 1] = 0x4c;
      pixels[i + 2] = 0xe6;
      pixels[i + 3] = 255;
    }
  }
  await sharp(pixels, { raw: { width: COLUMNS, height: HEIGHT, channels: 4 } }).png({ compressionLevel: 3 }).toFile(out);
}
