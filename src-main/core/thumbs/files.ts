import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataDirLayout } from '../datadir/dataDir';
import { thumbPath, thumbVariants, type ThumbVariant } from './paths';

export function thumbExists(
  layout: DataDirLayout,
  key: string,
  variant: ThumbVariant = 'thumb',
): boolean {
  return existsSync(thumbPath(layout, key, variant));
}

/** Writes a content-addressed thumbnail atomically (temp file + rename): readers never see half a file. */
export async function writeThumb(
  layout: DataDirLayout,
  key: string,
  variant: ThumbVariant,
  data: Buffer,
): Promise<string> {
  const file = thumbPath(layout, key, variant);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
  return file;
}

export async function removeThumbs(layout: DataDirLayout, key: string): Promise<void> {
  for (const v of thumbVariants) {
    await rm(thumbPath(layout, key, v), { force: true });
  }
}
