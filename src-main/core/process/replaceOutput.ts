import { constants, copyFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { fileColumns, prepareFile, stampOf } from '../ingest/prepare';
import { deferPictures } from '../media/deferredPictures';
import { IngestError } from '../util/ingestError';
import { nowIso } from '../util/ids';
import { statements } from '../db/statements';

export interface Replacement {
  derivation: { kind: string; params: unknown; [k: string]: unknown };
  jobId: string;
  language?: string | null;
}

/**
 * A job made an output again (a localisation re-run after an edited cue): the new file takes the
 * place of the asset it made last time, so the creator's rating, tags, labels, collections and
 * packs stay with it instead of a second copy appearing beside the first. The file is swapped by
 * a rename (readers see the old file or the new one, never half of one); unchanged bytes leave
 * everything as it was. Returns whether the asset changed.
 */
export async function replaceOutput(
  core: Atelier,
  assetId: string,
  tempFile: string,
  spec: Replacement,
): Promise<boolean> {
  const row = statements(core.sqlite)
    .get('SELECT path, sha256, language FROM assets WHERE id = ?')
    .get(assetId) as { path: string; sha256: string; language: string | null } | undefined;
  if (!row) throw new AppError('not_found', `No asset ${assetId} to replace`);
  let prepared;
  try {
    prepared = await prepareFile(tempFile, await stampOf(tempFile), core.layout, () => false, {
      pictures: false,
    });
  } catch (err) {
    if (err instanceof IngestError)
      throw new AppError('internal', `The output is not a valid file: ${err.message}`);
    throw err;
  }
  const facts = prepared.probe!;
  if (prepared.sha256 === row.sha256) {
    rmSync(tempFile, { force: true });
    return false;
  }
  swapInto(tempFile, row.path);
  const stamp = statSync(row.path);
  statements(core.sqlite)
    .get(
      `UPDATE assets SET type = @type, mime = @mime, sha256 = @sha256, phash = @phash, size_bytes = @size_bytes,
        mtime_ms = @mtime_ms, width = @width, height = @height, duration_sec = @duration_sec,
        sample_rate = @sample_rate, channels = @channels, fps = @fps, codec = @codec,
        audio_codec = @audio_codec, bit_rate = @bit_rate, format = @format, has_alpha = @has_alpha,
        has_audio = @has_audio, is_animated = @is_animated, orientation = @orientation,
        language = @language, thumb_key = @thumb_key, derivation = @derivation, job_id = @job_id,
        missing = 0, updated_at = @updated_at
      WHERE id = @id`,
    )
    .run({
      ...fileColumns(prepared, facts),
      size_bytes: stamp.size,
      mtime_ms: Math.floor(stamp.mtimeMs),
      language: spec.language ?? facts.language ?? row.language,
      derivation: JSON.stringify(spec.derivation),
      job_id: spec.jobId,
      updated_at: nowIso(),
      id: assetId,
    });
  if (prepared.type === 'audio' || prepared.type === 'video') deferPictures(core, assetId);
  core.events.emit('status.changed', { reason: 'asset-updated' });
  return true;
}

/** Renames the new file over the old one; across file systems via a hidden copy beside it. */
function swapInto(tempFile: string, target: string): void {
  try {
    renameSync(tempFile, target);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.atelier-partial`);
  try {
    copyFileSync(tempFile, partial, constants.COPYFILE_FICLONE);
    const { atime, mtime } = statSync(tempFile);
    utimesSync(partial, atime, mtime);
    renameSync(partial, target);
    rmSync(tempFile, { force: true });
  } finally {
    rmSync(partial, { force: true });
  }
}
