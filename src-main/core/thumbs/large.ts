import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { thumbPath } from '../thumbs/paths';

/** Thumbnails are viewed, not archived: the lowest encoder effort keeps them cheap. */
export const thumbWebpOptions = { quality: 70, effort: 0 } as const;

/** 100 MP: the same decompression-bomb limit ingest applies. */
const MAX_PIXELS = 100_000_000;

const inFlight = new Map<string, Promise<string | null>>();

/**
 * The 512 px thumbnail of an image, made on first request from the original and kept
 * (content-addressed like every thumbnail). Ingest makes only the 256 px one. Concurrent
 * requests for the same key share one encode; null when the original cannot be read.
 */
export function ensureLargeThumb(
  layout: DataDirLayout,
  key: string,
  original: string,
): Promise<string | null> {
  const target = thumbPath(layout, key, 'thumb');
  if (existsSync(target)) return Promise.resolve(target);
  let job = inFlight.get(key);
  if (!job) {
    job = makeLargeThumb(target, original).finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

async function makeLargeThumb(target: string, original: string): Promise<string | null> {
  if (!existsSync(original)) return null;
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await sharp(original, { limitInputPixels: MAX_PIXELS, failOn: 'none' })
      .rotate()
      .resize(512, 512, { fit: 'inside', withoutEnlargement: true })
      .webp(thumbWebpOptions)
      .toFile(tmp);
    await rename(tmp, target);
    return target;
  } catch {
    await rm(tmp, { force: true });
    return null;
  }
}
