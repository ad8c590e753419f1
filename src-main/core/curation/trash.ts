import { rm } from 'node:fs/promises';
import type { CurationResult, Selection } from '../../contract/curation';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso } from '../util/ids';
import { idsOf, plural } from './curate';
import { changeFields } from './fieldChanges';
import { notifyCurated, notifyLibraryChanged } from './notify';
import { resolveSelection } from './selection';
import { pushUndo } from './undoLog';

/**
 * How files leave the disk when the user confirms it. Core has no OS trash of its own; the
 * desktop host replaces this with Electron's shell.trashItem so files go to the OS trash.
 */
export type FileRemover = (path: string) => Promise<void>;
const removers = new WeakMap<Atelier, FileRemover>();

export function setFileRemover(core: Atelier, remover: FileRemover): void {
  removers.set(core, remover);
}

const defaultRemover: FileRemover = (p) => rm(p, { force: false });

/** Soft delete: the asset leaves every view but keeps its row, curation and file. Undoable. */
export function moveToTrash(core: Atelier, selection: Selection): CurationResult {
  const selected = resolveSelection(core.sqlite, selection);
  const at = nowIso();
  const live = statements(core.sqlite).all(
    'SELECT rid FROM assets WHERE deleted_at IS NULL AND rid IN (SELECT value FROM json_each(?))',
    [JSON.stringify(selected.map((s) => s.rid))],
  ) as { rid: number }[];
  const r = core.sqlite.transaction(() => {
    const c = changeFields(core.sqlite, [
      { rids: live.map((l) => l.rid), set: { deleted_at: at } },
    ]);
    return {
      ...c,
      undoId: c.changed.length
        ? pushUndo(
            core.sqlite,
            `Move to trash · ${plural(c.changed.length, 'asset')}`,
            c.changed.length,
            [c.op],
          )
        : null,
    };
  })();
  notifyCurated(core, idsOf(selected, r.changed), ['deleted_at']);
  if (r.changed.length) notifyLibraryChanged(core, 'trash');
  return { changed: r.changed.length, undoId: r.undoId };
}

export function restoreFromTrash(core: Atelier, selection: Selection): CurationResult {
  const selected = resolveSelection(core.sqlite, selection);
  const r = core.sqlite.transaction(() => {
    const c = changeFields(core.sqlite, [
      { rids: selected.map((s) => s.rid), set: { deleted_at: null } },
    ]);
    return {
      ...c,
      undoId: c.changed.length
        ? pushUndo(
            core.sqlite,
            `Restore · ${plural(c.changed.length, 'asset')}`,
            c.changed.length,
            [c.op],
          )
        : null,
    };
  })();
  notifyCurated(core, idsOf(selected, r.changed), ['deleted_at']);
  if (r.changed.length) notifyLibraryChanged(core, 'restore');
  return { changed: r.changed.length, undoId: r.undoId };
}

/**
 * Removes trashed rows for good (not undoable: the confirm in the UI says so). Files stay on
 * disk unless deleteFiles was confirmed; then the asset's file and its known copies go, and
 * every file that could not be removed is reported rather than stopping the rest.
 */
interface FileRow {
  path: string;
  sha256: string;
  size_bytes: number;
  mtime_ms: number;
}

export async function emptyTrash(
  core: Atelier,
  options: { ids?: string[]; deleteFiles: boolean },
): Promise<{
  removed: number;
  filesDeleted: number;
  fileErrors: { path: string; reason: string }[];
}> {
  const cache = statements(core.sqlite);
  const rows = (
    options.ids
      ? cache.all(
          'SELECT id, path, sha256, size_bytes, mtime_ms FROM assets WHERE deleted_at IS NOT NULL AND id IN (SELECT value FROM json_each(?))',
          [JSON.stringify(options.ids)],
        )
      : cache.all(
          'SELECT id, path, sha256, size_bytes, mtime_ms FROM assets WHERE deleted_at IS NOT NULL',
          [],
        )
  ) as (FileRow & { id: string })[];
  if (!rows.length) return { removed: 0, filesDeleted: 0, fileErrors: [] };
  const idsJson = JSON.stringify(rows.map((r) => r.id));
  const copies = cache.all(
    'SELECT c.path, a.sha256, c.size_bytes, c.mtime_ms FROM asset_copies c JOIN assets a ON a.id = c.asset_id WHERE c.asset_id IN (SELECT value FROM json_each(?))',
    [idsJson],
  ) as FileRow[];
  const files = [...rows, ...copies];
  const forget = statements(core.sqlite).get(
    'INSERT OR REPLACE INTO forgotten_files (path, sha256, size_bytes, mtime_ms, forgotten_at) VALUES (?, ?, ?, ?, ?)',
  );
  const at = nowIso();
  // Rows first: if the app dies while files are being removed, no row points at a deleted file.
  // Every file is remembered as forgotten in the same transaction, so a rescan in between cannot
  // bring one back; the ones really deleted below are then let go of.
  core.sqlite.transaction(() => {
    cache
      .get(
        'DELETE FROM assets WHERE deleted_at IS NOT NULL AND id IN (SELECT value FROM json_each(?))',
      )
      .run(idsJson);
    for (const f of files) forget.run(f.path, f.sha256, f.size_bytes, f.mtime_ms, at);
  })();
  let filesDeleted = 0;
  const fileErrors: { path: string; reason: string }[] = [];
  if (options.deleteFiles) {
    const remove = removers.get(core) ?? defaultRemover;
    const gone = statements(core.sqlite).get('DELETE FROM forgotten_files WHERE path = ?');
    for (const { path: p } of files) {
      try {
        await remove(p);
        filesDeleted++;
        gone.run(p);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') gone.run(p);
        fileErrors.push({
          path: p,
          reason: e.code === 'ENOENT' ? 'the file was already gone' : e.message,
        });
      }
    }
  }
  notifyLibraryChanged(core, 'trash-emptied');
  return { removed: rows.length, filesDeleted, fileErrors };
}
