import { constants, copyFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { sha256OfFile } from '../ingest/hash';
import { fileColumns, prepareFile, stampOf } from '../ingest/prepare';
import { indexSaid } from '../ingest/searchText';
import { removeThumbs } from '../thumbs/files';
import { deferPictures } from '../media/deferredPictures';
import { IngestError } from '../util/ingestError';
import { nowIso } from '../util/ids';
import { statements } from '../db/statements';

export interface Replacement {
  derivation: { kind: string; params: unknown; [k: string]: unknown };
  jobId: string;
  language?: string | null;
  /** The bytes the job put there last time: anything else is the creator's and is kept. */
  expectSha: string;
}

/**
 * A job made an output again (a localisation re-run after an edited cue): the new file takes the
 * place of the asset it made last time, so the creator's rating, tags, labels, collections and
 * packs stay with it instead of a second copy appearing beside the first. The file is swapped by
 * a rename (readers see the old file or the new one, never half of one); unchanged bytes leave
 * everything as it was. An asset whose file is no longer what the job made (the creator edited
 * it) is left alone: `diverged`, and the temp file is kept for the caller to add as a new asset.
 */
export async function replaceOutput(
  core: Atelier,
  assetId: string,
  tempFile: string,
  spec: Replacement,
): Promise<'replaced' | 'unchanged' | 'diverged'> {
  const row = statements(core.sqlite)
    .get('SELECT path, sha256, size_bytes, mtime_ms, thumb_key, language FROM assets WHERE id = ?')
    .get(assetId) as
    | {
        path: string;
        sha256: string;
        size_bytes: number;
        mtime_ms: number;
        thumb_key: string | null;
        language: string | null;
      }
    | undefined;
  if (!row) throw new AppError('not_found', `No asset ${assetId} to replace`);
  if (row.sha256 !== spec.expectSha) return 'diverged';
  // Hashed first: a re-run mostly makes the same bytes again, which need no probe or pictures.
  const made = (await sha256OfFile(tempFile)).sha256;
  const onDisk = await fileState(row, spec.expectSha, made);
  if (onDisk === 'theirs') return 'diverged';
  if (made === row.sha256) {
    rmSync(tempFile, { force: true });
    return 'unchanged';
  }
  let prepared;
  try {
    prepared = await prepareFile(tempFile, await stampOf(tempFile), core.layout, () => false, {
      pictures: false,
      language: spec.language,
    });
  } catch (err) {
    if (err instanceof IngestError)
      throw new AppError('internal', `The output is not a valid file: ${err.message}`);
    throw err;
  }
  const facts = prepared.probe!;
  // 'ours-new': a crash between the swap and the row's update left these very bytes in place.
  if (onDisk === 'ours-new') rmSync(tempFile, { force: true });
  else swapInto(tempFile, row.path);
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
  if (prepared.type === 'subtitles') indexSaid(core.sqlite, assetId, facts.said);
  // Other paths that held the same bytes are no longer copies of it; the old pictures go
  // unless another asset still shows them.
  statements(core.sqlite).get('DELETE FROM asset_copies WHERE asset_id = ?').run(assetId);
  if (row.thumb_key && row.thumb_key !== prepared.sha256) {
    const users = statements(core.sqlite)
      .get('SELECT count(*) n FROM assets WHERE thumb_key = ?')
      .get(row.thumb_key) as { n: number };
    if (users.n === 0) await removeThumbs(core.layout, row.thumb_key);
  }
  if (prepared.type === 'audio' || prepared.type === 'video') deferPictures(core, assetId);
  core.events.emit('status.changed', { reason: 'asset-updated' });
  return 'replaced';
}

/**
 * What is on disk at the asset's path: what the job made last time (`ours`; gone counts, there is
 * nothing of the creator's to keep), what it makes now (`ours-new`, a swap whose row update was
 * cut off), or anything else (`theirs`: outputs/ is not watched, so an edit made with another
 * program shows only here). Size and time as recorded are trusted, as ingest does.
 */
async function fileState(
  row: { path: string; size_bytes: number; mtime_ms: number },
  lastSha: string,
  newSha: string,
): Promise<'ours' | 'ours-new' | 'theirs'> {
  let st;
  try {
    st = statSync(row.path);
  } catch {
    return 'ours';
  }
  if (st.size === row.size_bytes && Math.floor(st.mtimeMs) === row.mtime_ms) return 'ours';
  const sha = (await sha256OfFile(row.path)).sha256;
  return sha === lastSha ? 'ours' : sha === newSha ? 'ours-new' : 'theirs';
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
