import { AppError } from '../../contract/errors';
import type { IngestFailure, IngestOutcome } from '../../contract/library';
import type { libraryMethods } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../api/types';
import { importPaths } from '../ingest/importPaths';
import { ingestPipeline } from '../ingest/pipeline';
import { summarize } from '../ingest/summary';
import { receiveUpload } from '../ingest/upload';
import {
  addFolder,
  folderDetail,
  folderDetails,
  removeFolder,
  updateFolder,
} from '../watch/folders';
import { reconcileFolder } from '../watch/reconcile';
import { watchServiceOf } from '../watch/watchService';
import { getAsset, listAssets } from './queries';
import { existsSync } from 'node:fs';
import { osShell } from '../desktop/osShell';

/** The asset's file, or a clear error when the row or the file is gone. */
async function existingAssetPath(core: Atelier, id: string): Promise<string> {
  const row = core.sqlite.prepare('SELECT path FROM assets WHERE id = ?').get(id) as
    | { path: string }
    | undefined;
  if (!row) throw new AppError('not_found', `No asset ${id}`);
  if (!existsSync(row.path))
    throw new AppError('not_found', `The file is missing on disk: ${row.path}`);
  return row.path;
}

function listFailures(core: Atelier, limit: number): IngestFailure[] {
  const rows = core.sqlite
    .prepare(
      'SELECT id, path, folder_id, code, reason, attempts, first_at, last_at FROM ingest_failures ORDER BY last_at DESC, id DESC LIMIT ?',
    )
    .all(limit) as {
    id: string;
    path: string;
    folder_id: string | null;
    code: string;
    reason: string;
    attempts: number;
    first_at: string;
    last_at: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    folderId: r.folder_id,
    code: r.code,
    reason: r.reason,
    attempts: r.attempts,
    firstAt: r.first_at,
    lastAt: r.last_at,
  }));
}

function failurePaths(core: Atelier, ids: string[] | undefined): { id: string; path: string }[] {
  if (!ids)
    return core.sqlite.prepare('SELECT id, path FROM ingest_failures').all() as {
      id: string;
      path: string;
    }[];
  const stmt = core.sqlite.prepare('SELECT id, path FROM ingest_failures WHERE id = ?');
  return ids
    .map((id) => stmt.get(id) as { id: string; path: string } | undefined)
    .filter((r): r is { id: string; path: string } => !!r);
}

export function libraryHandlers(core: Atelier): HandlersFor<keyof typeof libraryMethods> {
  const folderChanged = (id: string | null) => {
    core.events.emit('watchFolders.changed', { id });
    core.events.emit('status.changed', { reason: 'watch_folders' });
  };
  return {
    'assets.list': (input) => listAssets(core, input),
    'assets.get': (input) => getAsset(core, input.id),
    'assets.reveal': async ({ id }) => {
      const file = await existingAssetPath(core, id);
      return { path: file, revealed: await osShell(core).reveal(file) };
    },
    'assets.open': async ({ id }) => {
      const file = await existingAssetPath(core, id);
      return { path: file, opened: await osShell(core).open(file) };
    },
    'ingest.importFiles': (input) => importPaths(core, input.paths),
    'ingest.upload': (input) => receiveUpload(core, input),
    'ingest.progress': () => ingestPipeline(core).progress,
    'ingest.failures': (input) => listFailures(core, input.limit),
    'ingest.retry': async (input) => {
      const rows = failurePaths(core, input.ids);
      const pipeline = ingestPipeline(core);
      const outcomes: IngestOutcome[] = await Promise.all(
        rows.map((r) => pipeline.ingest(r.path, { force: true })),
      );
      return summarize(outcomes);
    },
    'ingest.dismissFailures': (input) => {
      const rows = failurePaths(core, input.ids);
      const del = core.sqlite.prepare('DELETE FROM ingest_failures WHERE id = ?');
      core.sqlite.transaction(() => rows.forEach((r) => del.run(r.id)))();
      return { dismissed: rows.length };
    },
    'watchFolders.details': () => folderDetails(core),
    'watchFolders.add': async (input) => {
      const id = await addFolder(core, input.path, input);
      const service = watchServiceOf(core);
      // With the watcher running, its start-up reconcile ingests what the folder holds.
      if (service) await service.sync();
      folderChanged(id);
      return folderDetail(core, id);
    },
    'watchFolders.update': async (input) => {
      const { id, ...patch } = input;
      await updateFolder(core, id, patch);
      await watchServiceOf(core)?.sync();
      folderChanged(id);
      return folderDetail(core, id);
    },
    'watchFolders.remove': async (input) => {
      await removeFolder(core, input.id);
      await watchServiceOf(core)?.sync();
      folderChanged(input.id);
      return { removed: true as const };
    },
    'watchFolders.rescan': async (input) => {
      const f = await folderDetail(core, input.id);
      if (!f.enabled) throw new AppError('conflict', 'This folder is paused; resume it to scan it');
      const summary = await reconcileFolder(core, {
        id: f.id,
        path: f.path,
        recursive: f.recursive,
      });
      folderChanged(f.id);
      return summary;
    },
  };
}
