import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import type { OpenedMedia } from '../media/openMedia';
import { getExport } from './exportHistory';
import { stmt } from './packStore';

export interface OpenedExport extends OpenedMedia {
  /** The name the browser saves it under. */
  filename: string;
}

/**
 * One file of a completed export, opened for a served browser's Download: only a file the
 * export's record lists (never a path from the request), of a pack that is not in the trash,
 * still the regular file of the size the export wrote (a file swapped for a link or another
 * file is refused, as openMedia refuses a swapped asset). Every signed-in person may download
 * (they see every pack, and packs.exports lists these files to them).
 */
export async function openExportFile(
  core: Atelier,
  exportId: string,
  index: number,
): Promise<OpenedExport> {
  const rec = getExport(core, exportId);
  if (!rec) throw new AppError('not_found', 'No such export');
  const pack = stmt(core.sqlite, 'SELECT deleted_at FROM packs WHERE id = ?').get(rec.packId) as
    | { deleted_at: string | null }
    | undefined;
  if (!pack || pack.deleted_at) throw new AppError('not_found', 'No such export');
  if (rec.status !== 'completed') throw new AppError('conflict', 'The export did not complete');
  const file = Number.isInteger(index) ? rec.files[index] : undefined;
  if (!file) throw new AppError('not_found', 'No such file in the export');
  let handle: FileHandle;
  try {
    if ((await lstat(file.path)).isSymbolicLink()) throw new Error('link');
    handle = await open(file.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    throw new AppError('not_found', 'The exported file is no longer on disk');
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size !== file.bytes)
      throw new AppError('conflict', 'The exported file changed on disk since it was written');
    return {
      handle,
      stats,
      mime: file.kind === 'zip' ? 'application/zip' : 'image/jpeg',
      filename: path.basename(file.path),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
