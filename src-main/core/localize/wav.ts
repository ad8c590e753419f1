import { open } from 'node:fs/promises';

/** A PCM WAV's format and length, from its header (no decoding, no child process). */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

export async function readWavInfo(file: string): Promise<WavInfo> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await fh.read(head, 0, head.length, 0);
    if (head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE')
      throw new Error(`${file} is not a WAV file`);
    let at = 12;
    let fmt: { rate: number; ch: number; bits: number } | null = null;
    while (at + 8 <= head.length) {
      const id = head.toString('ascii', at, at + 4);
      const len = head.readUInt32LE(at + 4);
      if (id === 'fmt ')
        fmt = {
          ch: head.readUInt16LE(at + 10),
          rate: head.readUInt32LE(at + 12),
          bits: head.readUInt16LE(at + 22),
        };
      if (id === 'data') {
        if (!fmt) throw new Error(`${file}: data before format`);
        // Streamed WAVs (espeak-ng to a pipe, ffmpeg) may say 0 or 0xFFFFFFFF: the file's end is the truth.
        const dataBytes =
          len === 0 || len === 0xffffffff || at + 8 + len > size ? size - at - 8 : len;
        const bytesPerSec = fmt.rate * fmt.ch * (fmt.bits / 8);
        return {
          sampleRate: fmt.rate,
          channels: fmt.ch,
          bitsPerSample: fmt.bits,
          dataOffset: at + 8,
          dataBytes,
          durationMs: (dataBytes / bytesPerSec) * 1000,
        };
      }
      at += 8 + len + (len % 2);
    }
    throw new Error(`${file}: no audio data found`);
  } finally {
    await fh.close();
  }
}

/** A canonical 44-byte header for 16-bit PCM. */
export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
