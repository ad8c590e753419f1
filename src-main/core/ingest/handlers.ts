import type { IngestFailure, IngestOutcome, libraryMethods } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { checkHostPath } from '../app/hostPaths';
import { importPaths } from './importPaths';
import { ingestPipeline } from './pipeline';
import { summarize } from './summary';
import { receiveUpload } from './upload';
import { statements } from '../db/statements';

type IngestMethod = Extract<keyof typeof libraryMethods, `ingest.${string}`>;

function listFailures(core: Atelier, limit: number): IngestFailure[] {
  const rows = statements(core.sqlite)
    .get(
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
    return statements(core.sqlite).get('SELECT id, path FROM ingest_failures').all() as {
      id: string;
      path: string;
    }[];
  const stmt = statements(core.sqlite).get('SELECT id, path FROM ingest_failures WHERE id = ?');
  return ids
    .map((id) => stmt.get(id) as { id: string; path: string } | undefined)
    .filter((r): r is { id: string; path: string } => !!r);
}

export function ingestHandlers(core: Atelier): HandlersFor<IngestMethod> {
  return {
    'ingest.importFiles': (input, ctx) =>
      importPaths(
        core,
        input.paths.map((p) => checkHostPath(core, ctx, p, 'Files to import')),
      ),
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
      const del = statements(core.sqlite).get('DELETE FROM ingest_failures WHERE id = ?');
      core.sqlite.transaction(() => rows.forEach((r) => del.run(r.id)))();
      return { dismissed: rows.length };
    },
  };
}
