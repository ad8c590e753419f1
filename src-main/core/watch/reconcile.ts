import { existsSync } from 'node:fs';
import path from 'node:path';
import type { IngestOutcome, IngestSummary } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { IngestError } from '../util/ingestError';
import { ingestPipeline } from '../ingest/pipeline';
import { summarize } from '../ingest/summary';
import { walkFolder } from '../ingest/walk';
import { nowIso } from '../util/ids';
import { statements } from '../db/statements';

export interface FolderRef {
  id: string;
  path: string;
  recursive: boolean;
}

interface KnownFile {
  path: string;
  size_bytes: number;
  mtime_ms: number;
  missing: number;
}

/**
 * Brings the library in line with a folder after time unwatched (start-up, resume, rescan):
 * files whose size and mtime match are trusted without re-hashing; gone files are handled
 * first (marked missing or switched to a live copy), so a file moved while Atelier was closed
 * is then found by its hash and its asset restored at the new path.
 */
export async function reconcileFolder(core: Atelier, folder: FolderRef): Promise<IngestSummary> {
  const pipeline = ingestPipeline(core);
  if (!existsSync(folder.path)) {
    const err = new IngestError(
      'vanished',
      'The watched folder does not exist (unplugged drive or moved folder?)',
    );
    return summarize([pipeline.recordFailure(folder.path, err)]);
  }
  const walked = await walkFolder(folder.path, folder.recursive);
  const known = knownUnder(core, folder);
  const seen = new Map(walked.files.map((f) => [f.path, f]));
  const blocked = walked.unreadableDirs.map((d) => d + path.sep);

  const outcomes: Promise<IngestOutcome | void>[] = [];
  for (const k of known) {
    if (seen.has(k.path) || k.missing === 1) continue;
    if (blocked.some((b) => k.path.startsWith(b))) continue;
    outcomes.push(pipeline.remove(k.path));
  }
  await Promise.all(outcomes);

  const knownByPath = new Map(known.map((k) => [k.path, k]));
  const tasks: Promise<IngestOutcome>[] = walked.failures.map((f) =>
    Promise.resolve(pipeline.recordFailure(f.path, f.error)),
  );
  for (const f of walked.files) {
    const k = knownByPath.get(f.path);
    if (k && k.missing === 0 && k.size_bytes === f.size && k.mtime_ms === f.mtimeMs) continue;
    tasks.push(pipeline.ingest(f.path));
  }
  const summary = summarize(await Promise.all(tasks));
  summary.unchanged += walked.files.length - (tasks.length - walked.failures.length);
  statements(core.sqlite)
    .get('UPDATE watch_folders SET last_scan_at = ? WHERE id = ?')
    .run(nowIso(), folder.id);
  return summary;
}

/**
 * Every library file (assets and their copies) under the folder, by a range scan on path, and
 * the forgotten files: unchanged, they are passed over like known ones; gone, they are let go of.
 */
function knownUnder(core: Atelier, folder: FolderRef): KnownFile[] {
  const lo = folder.path + path.sep;
  const hi = folder.path + String.fromCharCode(path.sep.charCodeAt(0) + 1);
  const rows = statements(core.sqlite)
    .get(
      `SELECT path, size_bytes, mtime_ms, missing FROM assets WHERE path > ? AND path < ? AND deleted_at IS NULL
       UNION ALL SELECT path, size_bytes, mtime_ms, missing FROM asset_copies WHERE path > ? AND path < ?
       UNION ALL SELECT path, size_bytes, mtime_ms, 0 FROM forgotten_files WHERE path > ? AND path < ?`,
    )
    .all(lo, hi, lo, hi, lo, hi) as KnownFile[];
  return folder.recursive ? rows : rows.filter((r) => path.dirname(r.path) === folder.path);
}
