import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { DataDirLayout } from '../datadir/dataDir';
import { resolveFfTool } from '../engines/ffmpeg';
import { runProgram } from '../engines/runProgram';
import { uuidv7 } from '../util/ids';
import { IngestError } from '../util/ingestError';
import { thumbsFromFile, thumbsFromPixels } from './draw';
import { writeThumb } from './files';
import { thumbPath } from './paths';
import { drawWaveform, readWavInfo, waveformPng, type WavInfo } from './wav';

/**
 * The pictures an audio or video file gets in the Library: a poster frame for video, a waveform
 * for audio, each turned into the usual WebP thumbnails under the file's content key. Ingest
 * draws them while probing; job outputs have them drawn later (media/deferredPictures.ts).
 */

const TIMEOUT_MS = 60_000;

export function ffTool(name: 'ffmpeg' | 'ffprobe'): string {
  const p = resolveFfTool(name, null).path;
  if (!p)
    throw new IngestError(
      'engine_missing',
      `${name} was not found: install ffmpeg or set ${name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'}`,
    );
  return p;
}

/** ffmpeg or ffprobe as background work: low priority, spaced spawns, a time limit. */
export function runFf(
  file: string,
  args: string[],
  options: { allowFailure?: boolean; label?: string } = {},
) {
  return runProgram(file, args, {
    label: options.label ?? path.basename(file),
    background: true,
    timeoutMs: TIMEOUT_MS,
    captureStdout: 'text',
    allowFailure: options.allowFailure,
  });
}

/** The engine's own last words, short enough for an ingest failure reason. */
export function engineReason(err: unknown): string {
  if (err instanceof AppError) {
    const tail = (err.details as { stderrTail?: string[] } | undefined)?.stderrTail;
    const line = tail?.filter(Boolean).pop();
    return (line ?? err.message).slice(0, 300);
  }
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/**
 * The pictures probeMedia makes, for a file whose facts are already known; resolves with the
 * perceptual hash (video posters have one, waveforms do not).
 */
export async function drawMediaPictures(
  file: string,
  kind: 'audio' | 'video',
  durationSec: number | null,
  key: string,
  layout: DataDirLayout,
): Promise<string | null> {
  if (kind === 'video') return drawVideoPictures(file, durationSec, key, layout);
  if (/\.wav$/i.test(file)) {
    const info = await readWavInfo(file, (await stat(file)).size).catch(() => null);
    if (info && info.dataBytes > 0) {
      await drawPcmWavPictures(file, info, key, layout);
      return null;
    }
  }
  await drawAudioPicturesWithFfmpeg(file, key, layout);
  return null;
}

async function drawAudioPicturesWithFfmpeg(
  file: string,
  key: string,
  layout: DataDirLayout,
): Promise<void> {
  const tmp = path.join(layout.tmp, `${uuidv7()}.png`);
  try {
    await renderWaveformWithFfmpeg(file, tmp);
    await keepWaveform(tmp, key, layout);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** A rendered waveform PNG becomes the asset's thumbnails and its `waveform` picture. */
export async function keepWaveform(png: string, key: string, layout: DataDirLayout): Promise<void> {
  await thumbsFromFile(png, key, layout);
  await moveInto(png, thumbPath(layout, key, 'waveform'));
}

export async function renderWaveformWithFfmpeg(file: string, out: string): Promise<void> {
  const ffmpeg = ffTool('ffmpeg');
  try {
    await runFf(ffmpeg, [
      '-v',
      'error',
      '-y',
      '-vn',
      '-i',
      file,
      '-filter_complex',
      'aformat=channel_layouts=mono,showwavespic=s=1024x256:colors=0x6b4ce6',
      '-frames:v',
      '1',
      out,
    ]);
  } catch (err) {
    throw new IngestError('corrupt', `ffmpeg could not decode this audio: ${engineReason(err)}`);
  }
}

export async function drawVideoPictures(
  file: string,
  durationSec: number | null,
  key: string,
  layout: DataDirLayout,
): Promise<string> {
  const ffmpeg = ffTool('ffmpeg');
  const tmp = path.join(layout.tmp, `${uuidv7()}.jpg`);
  try {
    // A frame a little in, so fades from black do not make every poster black.
    const at = durationSec ? Math.min(1, durationSec / 3) : 0;
    await extractFrame(ffmpeg, file, at, tmp);
    if (!(await nonEmpty(tmp)) && at > 0) await extractFrame(ffmpeg, file, 0, tmp);
    if (!(await nonEmpty(tmp)))
      throw new IngestError('corrupt', 'ffmpeg could not decode a frame of this video');
    const phash = await thumbsFromFile(tmp, key, layout);
    await moveInto(tmp, thumbPath(layout, key, 'poster'));
    return phash;
  } finally {
    await rm(tmp, { force: true });
  }
}

export async function drawPcmWavPictures(
  file: string,
  info: WavInfo,
  key: string,
  layout: DataDirLayout,
): Promise<void> {
  const wave = await drawWaveform(file, info);
  await Promise.all([
    waveformPng(wave).then((png) => writeThumb(layout, key, 'waveform', png)),
    thumbsFromPixels(
      { data: wave.pixels, width: wave.width, height: wave.height, channels: 4 },
      key,
      layout,
    ),
  ]);
}

async function extractFrame(ffmpeg: string, file: string, at: number, out: string): Promise<void> {
  await runFf(
    ffmpeg,
    [
      '-v',
      'error',
      '-y',
      '-ss',
      String(at),
      '-an',
      '-sn',
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      "scale='min(1024,iw)':-2",
      '-q:v',
      '3',
      out,
    ],
    { allowFailure: true },
  ).catch(() => undefined); // the caller looks at what was written, and tries frame 0
}

async function nonEmpty(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

async function moveInto(tmp: string, dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  await rename(tmp, dest);
}
