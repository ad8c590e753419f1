import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataDirLayout } from '../datadir/dataDir';
import { ffTool, runFf } from './mediaPictures';
import { thumbPath } from './paths';

/** Frames in a video's hover-scrub sprite, side by side in one WebP. */
export const spriteFrames = 10;
/** Each frame's height; the width follows the video's shape. */
export const spriteFrameHeight = 180;

const inFlight = new Map<string, Promise<string | null>>();

/**
 * A video's hover-scrub sprite: `spriteFrames` frames, one from the middle of each tenth of the
 * video, side by side in one WebP, content-addressed like every thumbnail and made on first
 * request (the grid asks when the mouse first moves over a card). One ffmpeg command seeks to
 * each frame (ten fast input seeks, not a decode of the whole video); a file whose seeks fail
 * falls back to sampling the whole stream. Concurrent requests share one run; null when ffmpeg
 * cannot make it (no duration, no frames).
 */
export function ensureVideoSprite(
  layout: DataDirLayout,
  key: string,
  file: string,
  durationSec: number | null,
): Promise<string | null> {
  const target = thumbPath(layout, key, 'sprite');
  if (existsSync(target)) return Promise.resolve(target);
  if (!durationSec || durationSec <= 0 || !existsSync(file)) return Promise.resolve(null);
  let job = inFlight.get(key);
  if (!job) {
    job = makeSprite(layout, target, file, durationSec).finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

/** The time of each frame: the middle of each equal slice of the video. */
export function spriteTimes(durationSec: number, frames = spriteFrames): number[] {
  return Array.from({ length: frames }, (_, i) =>
    Number(((durationSec * (i + 0.5)) / frames).toFixed(3)),
  );
}

async function makeSprite(
  layout: DataDirLayout,
  target: string,
  file: string,
  durationSec: number,
): Promise<string | null> {
  await mkdir(path.dirname(target), { recursive: true });
  await mkdir(layout.tmp, { recursive: true });
  const tmp = path.join(
    layout.tmp,
    `sprite-${process.pid}-${Math.random().toString(36).slice(2)}.webp`,
  );
  const ffmpeg = ffTool('ffmpeg');
  const out = ['-frames:v', '1', '-c:v', 'libwebp', '-quality', '70', '-compression_level', '2'];
  try {
    const seeks = spriteTimes(durationSec).flatMap((t) => [
      '-ss',
      String(t),
      '-an',
      '-sn',
      '-i',
      file,
    ]);
    const chains = Array.from(
      { length: spriteFrames },
      (_, i) => `[${i}:v]trim=end_frame=1,scale=-2:${spriteFrameHeight},setsar=1[f${i}]`,
    );
    const inputs = Array.from({ length: spriteFrames }, (_, i) => `[f${i}]`).join('');
    await runFf(
      ffmpeg,
      [
        '-v',
        'error',
        '-y',
        ...seeks,
        '-filter_complex',
        `${chains.join(';')};${inputs}hstack=inputs=${spriteFrames}[s]`,
        '-map',
        '[s]',
        ...out,
        tmp,
      ],
      { allowFailure: true, label: 'ffmpeg sprite' },
    ).catch(() => undefined);
    if (!(await nonEmpty(tmp))) {
      // A stream that cannot seek (or a frame past the end): sample it whole, evenly.
      await runFf(
        ffmpeg,
        [
          '-v',
          'error',
          '-y',
          '-an',
          '-sn',
          '-i',
          file,
          '-vf',
          `fps=${spriteFrames}/${durationSec},scale=-2:${spriteFrameHeight},setsar=1,tile=${spriteFrames}x1`,
          ...out,
          tmp,
        ],
        { allowFailure: true, label: 'ffmpeg sprite' },
      ).catch(() => undefined);
    }
    if (!(await nonEmpty(tmp))) return null;
    await rename(tmp, target);
    return target;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function nonEmpty(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}
