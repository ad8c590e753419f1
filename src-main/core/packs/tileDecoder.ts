import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { startProgram, type ProgramHandle } from '../engines/runProgram';

/** Contact-sheet cell: the Library's small thumbnail is at most this on its long edge. */
export const TILE = 256;
const FRAME_BYTES = TILE * TILE * 4;
/**
 * Bytes handed to ffmpeg ahead of the picture being waited for. Its image2pipe input reads in
 * 4 KB packets and holds a picture back until it has read past its end; a window counted in
 * files deadlocked on tiny (flat) thumbnails.
 */
const AHEAD_BYTES = 128 << 10;

export interface WebpSize {
  width: number;
  height: number;
}

/**
 * Width and height from the header of a still WebP, or null when the bytes are not one whole
 * still WebP (wrong RIFF length, animation, unknown chunk). Only files that pass go to ffmpeg:
 * its WebP parser cuts the input stream by the RIFF length, so a truncated file would swallow
 * the start of the next one and shift every tile after it.
 */
export function stillWebpSize(buf: Buffer): WebpSize | null {
  if (
    buf.length < 30 ||
    buf.toString('latin1', 0, 4) !== 'RIFF' ||
    buf.toString('latin1', 8, 12) !== 'WEBP'
  )
    return null;
  if (buf.readUInt32LE(4) + 8 !== buf.length) return null;
  const chunk = buf.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    if (buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return null;
    return { width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (buf[20] !== 0x2f) return null;
    const bits = buf.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    if (buf[20]! & 0x02) return null; // animated: ffmpeg's decoder does not take those
    return { width: buf.readUIntLE(24, 3) + 1, height: buf.readUIntLE(27, 3) + 1 };
  }
  return null;
}

export interface TileSource {
  index: number;
  file: string;
}

/**
 * A decoded thumbnail: `rgba` is a TILE × TILE RGBA frame with the picture (`width` × `height`)
 * centred on transparency, valid until the next one is asked for. `rgba` null: this thumbnail
 * could not be decoded here, and the caller draws the tile another way.
 */
export type DecodedTile =
  | { index: number; rgba: Buffer; width: number; height: number }
  | { index: number; rgba: null };

type Ffmpeg = ProgramHandle & {
  stdin: Writable;
  nextFrame: () => Promise<Buffer | null>;
};

function startFfmpeg(ffmpeg: string): Ffmpeg {
  const child = startProgram(
    ffmpeg,
    [
      '-nostdin',
      '-v',
      'error',
      // Stop at the first picture that does not decode, rather than skip it: the frames that
      // follow would then belong to the wrong tiles. The caller restarts after it.
      '-xerror',
      '-threads',
      '1',
      '-filter_threads',
      '1',
      // Start at once: by default ffmpeg reads megabytes ahead to probe the stream, more than
      // the window it is given.
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-fpsprobesize',
      '0',
      '-f',
      'image2pipe',
      '-c:v',
      'webp',
      '-i',
      'pipe:0',
      // Every frame the same size, the picture centred on transparency: frames need no header.
      '-vf',
      `format=rgba,pad=${TILE}:${TILE}:(ow-iw)/2:(oh-ih)/2:color=0x00000000`,
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      'pipe:1',
    ],
    { label: 'ffmpeg (contact-sheet tiles)', stdin: 'pipe', stdout: 'pipe', stderr: 'ignore' },
  );
  const stdin = child.stdin!;
  // EPIPE when ffmpeg stopped at a bad picture: the missing frames say which one.
  stdin.on('error', () => undefined);
  return Object.assign(child, { stdin, nextFrame: frameReader(child.stdout!) });
}

/**
 * Cuts ffmpeg's output into frames, copied into a few reused buffers: a fresh 256 KB buffer per
 * frame made V8 run a full garbage collection every ~100 ms to account for them. A frame handed
 * out is valid until the next call. Data events, not read(n): waiting on 'readable' for a size
 * not yet buffered re-fires on the next tick and starves the event loop.
 */
function frameReader(out: Readable): () => Promise<Buffer | null> {
  const free: Buffer[] = [];
  const ready: Buffer[] = [];
  let filling: Buffer | null = null;
  let filled = 0;
  let lent: Buffer | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  out.on('data', (c: Buffer) => {
    for (let off = 0; off < c.length; ) {
      if (!filling) {
        filling = free.pop() ?? Buffer.allocUnsafe(FRAME_BYTES);
        filled = 0;
      }
      const n = Math.min(c.length - off, FRAME_BYTES - filled);
      c.copy(filling, filled, off, off + n);
      filled += n;
      off += n;
      if (filled === FRAME_BYTES) {
        ready.push(filling);
        filling = null;
      }
    }
    if (ready.length >= 2) out.pause();
    wake?.();
  });
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  out.on('end', onEnd);
  out.on('close', onEnd);
  out.on('error', onEnd);
  return async () => {
    if (lent) free.push(lent);
    lent = null;
    while (ready.length === 0) {
      if (ended) return null;
      out.resume();
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    lent = ready.shift()!;
    if (ready.length < 2) out.resume();
    return lent;
  };
}

/**
 * Decodes the Library's small WebP thumbnails in one ffmpeg process, in order. libvips costs
 * ~5 ms of CPU per 256 px WebP here (most of it per-image set-up, not decoding); ffmpeg fed a
 * stream of them costs ~1.6 ms, which is most of what a contact sheet of 1,000 assets costs.
 *
 * Yields one entry per source, in the order given. A file that is missing, not a still WebP,
 * larger than a tile or undecodable yields `rgba: null`, as does every source when `ffmpeg` is
 * null; the rest go on. Aborting (or leaving the loop) kills ffmpeg.
 */
export async function* decodeWebpTiles(
  sources: TileSource[],
  ffmpeg: string | null,
  signal?: AbortSignal,
): AsyncGenerator<DecodedTile> {
  let child: Ffmpeg | null = null;
  const kill = () => child?.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });
  /** In source order: each either waits for ffmpeg's next frame, or is already known to fail. */
  const queue: { index: number; data: Buffer | null; size: WebpSize | null }[] = [];
  let inFlightBytes = 0;
  let next = 0;
  // Three pictures in a row that ffmpeg could not decode: it is missing or broken here, and the
  // rest are drawn the other way instead of starting a process per picture.
  let failuresInARow = 0;
  let usable = ffmpeg;
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      // Keep ffmpeg AHEAD_BYTES ahead; at the end of the sources, close its input so the
      // last frames come out.
      while (next < sources.length && inFlightBytes < AHEAD_BYTES) {
        const src = sources[next++]!;
        const data = await readFile(src.file).catch(() => null);
        const size = data && usable ? stillWebpSize(data) : null;
        if (
          !data ||
          !size ||
          size.width > TILE ||
          size.height > TILE ||
          size.width === 0 ||
          size.height === 0
        ) {
          queue.push({ index: src.index, data: null, size: null });
          continue;
        }
        child ??= startFfmpeg(usable!);
        child.stdin.write(data);
        queue.push({ index: src.index, data, size });
        inFlightBytes += data.length;
      }
      if (next >= sources.length && child && child.stdin.writable && !child.stdin.writableEnded)
        child.stdin.end();
      const head = queue.shift();
      if (!head) break;
      if (!head.data) {
        yield { index: head.index, rgba: null };
        continue;
      }
      inFlightBytes -= head.data.length;
      const frame = await child!.nextFrame();
      if (frame) {
        failuresInARow = 0;
        yield {
          index: head.index,
          rgba: frame,
          width: head.size!.width,
          height: head.size!.height,
        };
        continue;
      }
      if (signal?.aborted) throw signal.reason;
      // ffmpeg stopped at this picture: it gets drawn another way, and a fresh ffmpeg takes the
      // ones already handed to the old one.
      child!.kill('SIGKILL');
      child = null;
      if (++failuresInARow >= 3) usable = null;
      yield { index: head.index, rgba: null };
      for (const q of queue) {
        if (!q.data) continue;
        if (!usable) {
          inFlightBytes -= q.data.length;
          q.data = null;
          continue;
        }
        child ??= startFfmpeg(usable);
        child.stdin.write(q.data);
      }
    }
  } finally {
    signal?.removeEventListener('abort', kill);
    kill();
  }
}
