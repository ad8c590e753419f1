import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { resolveMedia } from './resolveMedia';

export interface OpenedMedia {
  handle: FileHandle;
  stats: Stats;
  mime: string;
}

/**
 * Media by asset id, opened for a host to stream: the file the database names, checked to
 * still be that asset. An asset file swapped for a symbolic link to /etc/passwd was once served
 * as image/png. The file is opened without following a link unless it was one already, and the
 * open file must be a regular file of the size and modification time recorded at ingest (the
 * watcher records every change the creator makes, so only a swap fails this).
 */
export async function openMedia(
  core: Atelier,
  assetId: string,
  variant: string,
): Promise<OpenedMedia> {
  const { file, mime, expect } = await resolveMedia(core, assetId, variant);
  let handle: FileHandle;
  try {
    const isLink = (await lstat(file)).isSymbolicLink();
    // Not a link when looked at: then it must not become one before it is opened.
    handle = await open(file, constants.O_RDONLY | (isLink ? 0 : (constants.O_NOFOLLOW ?? 0)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      'not_found',
      code === 'ELOOP'
        ? 'The file was replaced by a link; it is not served'
        : 'The file is missing on disk',
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new AppError('not_found', 'Not a file');
    if (
      expect &&
      (stats.size !== expect.size || Math.abs(Math.floor(stats.mtimeMs) - expect.mtimeMs) > 1)
    )
      throw new AppError(
        'conflict',
        'The file changed since it was added to the Library; it is served again once it is rescanned',
      );
    return { handle, stats, mime };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
