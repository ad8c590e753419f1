import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { requirePath, resolveEngines } from '../engines/resolveEngines';
import { startProgram } from '../engines/runProgram';
import { loadSource } from '../process/kindSupport';
import { localizationDir } from './localizeKind';
import { localizationRow } from './localizeStore';

/** Enough to see speech and pauses; ffmpeg decodes a 2-hour film's audio at this in seconds. */
const RATE = 8000;
/** Samples per block while reading: 10 ms, finer than any bucket the editor asks for. */
const BLOCK = RATE / 100;
/** The editor's default: 20 buckets a second of audio, within these bounds. */
const PER_SECOND = 20;
export const MIN_BUCKETS = 200;
export const MAX_BUCKETS = 20_000;
const TIMEOUT_MS = 10 * 60_000;

export interface Waveform {
  durationMs: number;
  peaks: number[];
}

const cached = z.object({
  durationMs: z.number().nonnegative(),
  peaks: z.array(z.number().min(0).max(1)),
});

/** Runs of the same waveform in flight, so two editors opening at once decode it once. */
const running = new Map<string, Promise<Waveform>>();

/**
 * The loudness outline of a localisation's source: `buckets` peaks (0..1) over its whole
 * length, decoded once and kept in the localisation's folder under the source's content hash.
 */
export async function localizationWaveform(
  core: Atelier,
  id: string,
  buckets?: number,
): Promise<Waveform> {
  const L = localizationRow(core, id);
  const asset = await loadSource(core, L.asset_id, ['video', 'audio'], 'The waveform');
  if (asset.type === 'video' && !asset.has_audio)
    throw new AppError(
      'invalid_input',
      `${asset.filename} has no audio track: there is no waveform to draw.`,
    );
  const n =
    buckets ??
    Math.min(
      MAX_BUCKETS,
      Math.max(MIN_BUCKETS, Math.round((asset.duration_sec ?? 0) * PER_SECOND)),
    );
  const dir = localizationDir(core, id);
  const file = path.join(dir, `waveform-${asset.sha256.slice(0, 32)}-${n}.json`);
  const have = await readCache(file);
  if (have) return have;
  let run = running.get(file);
  if (!run) {
    run = (async () => {
      const ffmpeg = requirePath((await resolveEngines(core)).ffmpeg, 'ffmpeg');
      const { blocks, samples } = await decodeBlocks(ffmpeg, asset.path);
      if (!samples)
        throw new AppError(
          'invalid_input',
          `${asset.filename} has no audio to draw: ffmpeg decoded no sound from it.`,
        );
      const w = { durationMs: Math.round((samples / RATE) * 1000), peaks: toBuckets(blocks, n) };
      await mkdir(dir, { recursive: true });
      // Whole or not at all: a half-written cache would be read back as a broken waveform.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(w));
      await rename(tmp, file);
      return w;
    })().finally(() => running.delete(file));
    running.set(file, run);
  }
  return run;
}

async function readCache(file: string): Promise<Waveform | null> {
  if (!existsSync(file)) return null;
  try {
    return cached.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    // Unreadable: decoded again and written over.
    return null;
  }
}

/** A growable list of block peaks, 2 bytes each: 2 hours of 10 ms blocks is 1.4 MB. */
class PeakList {
  private data = new Uint16Array(4096);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const next = new Uint16Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  at(i: number): number {
    return this.data[i]!;
  }
}

/**
 * Decodes the first audio track to mono 8 kHz 16-bit PCM on ffmpeg's stdout and keeps only the
 * loudest sample of every 10 ms as it streams past: memory stays flat however long the source.
 */
async function decodeBlocks(
  ffmpeg: string,
  src: string,
): Promise<{ blocks: PeakList; samples: number }> {
  const child = startProgram(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      src,
      '-map',
      '0:a:0',
      '-vn',
      '-ac',
      '1',
      '-ar',
      String(RATE),
      '-f',
      's16le',
      '-acodec',
      'pcm_s16le',
      'pipe:1',
    ],
    { label: 'ffmpeg (waveform)', stdout: 'pipe', stderr: 'pipe', timeoutMs: TIMEOUT_MS },
  );
  const blocks = new PeakList();
  let samples = 0;
  let peak = 0;
  let inBlock = 0;
  // A chunk may end half-way through a sample: its first byte waits for the next chunk.
  let carry: number | null = null;
  const take = (s: number) => {
    const a = s < 0 ? -s : s;
    if (a > peak) peak = a;
    samples++;
    if (++inBlock === BLOCK) {
      blocks.push(Math.min(peak, 32767));
      peak = 0;
      inBlock = 0;
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    let i = 0;
    if (carry !== null) {
      take((((chunk[0]! << 8) | carry) << 16) >> 16);
      carry = null;
      i = 1;
    }
    for (; i + 1 < chunk.length; i += 2) take(chunk.readInt16LE(i));
    if (i < chunk.length) carry = chunk[i]!;
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const stdoutDone = new Promise<void>((resolve) => child.stdout!.once('close', resolve));
  const exit = await child.exited;
  if (exit.spawnError && child.pid === undefined)
    throw new AppError(
      'engine_missing',
      `ffmpeg could not be started (${exit.spawnError.message}). Install it or set its path in Settings → Engines.`,
    );
  await stdoutDone;
  if (exit.timedOut)
    throw new AppError('engine_failed', 'ffmpeg took too long to read the audio and was stopped.');
  if (exit.exitCode !== 0) {
    const last = stderr.trim().split('\n').pop() ?? '';
    if (/matches no streams/i.test(stderr))
      throw new AppError('invalid_input', 'The source has no audio track: no waveform to draw.');
    throw new AppError(
      'engine_failed',
      `ffmpeg could not read the audio${last ? `: ${last}` : ` (exit ${exit.exitCode ?? exit.signal})`}`,
    );
  }
  if (inBlock > 0) blocks.push(Math.min(peak, 32767));
  return { blocks, samples };
}

/** The loudest block in each of `n` equal spans, as 0..1 (3 decimals keep the JSON small). */
function toBuckets(blocks: PeakList, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  if (!blocks.length) return out;
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * blocks.length) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * blocks.length) / n));
    let max = 0;
    for (let i = from; i < to && i < blocks.length; i++) max = Math.max(max, blocks.at(i));
    out[b] = Math.round((max / 32767) * 1000) / 1000;
  }
  return out;
}
