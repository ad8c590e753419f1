import type { ModelScanSummary } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { enqueueJob } from '../jobs/enqueue';
import { statements } from '../db/statements';
import { unhashedLocalFiles } from './registry';
import { scanLocalModels } from './scanLocal';
import { scanServerModels } from './scanServers';

const running = new WeakMap<Atelier, Promise<ModelScanSummary>>();

/**
 * One scan at a time per library: the folders here (headers only; a file whose size and mtime
 * held is not read again), then every engine server's listing. New files are hashed by a
 * background job on the disk pool, so a scan of a folder of 6 GB checkpoints returns at once.
 */
export function scanModels(core: Atelier): Promise<ModelScanSummary> {
  const inFlight = running.get(core);
  if (inFlight) return inFlight;
  const p = doScan(core).finally(() => running.delete(core));
  running.set(core, p);
  return p;
}

async function doScan(core: Atelier): Promise<ModelScanSummary> {
  const t0 = performance.now();
  const before = (
    statements(core.sqlite).all('SELECT count(*) n FROM models', []) as { n: number }[]
  )[0]!.n;
  const knownLocal = new Set(
    (
      statements(core.sqlite).all(`SELECT path FROM model_files WHERE location = 'local'`, []) as {
        path: string;
      }[]
    ).map((r) => r.path),
  );
  const local = await scanLocalModels(core);
  const servers = await scanServerModels(core);
  const all = [...local, ...servers.found];
  const after = (
    statements(core.sqlite).all('SELECT count(*) n FROM models', []) as { n: number }[]
  )[0]!.n;
  await hashNewModelFiles(core);
  const problems = local
    .filter((f) => f.problem)
    .map((f) => ({ path: f.path, problem: f.problem! }));
  core.events.emit('models.changed', {});
  return {
    files: all.length,
    models: new Set(
      (
        statements(core.sqlite).all(
          'SELECT DISTINCT model_id FROM model_files WHERE model_id IS NOT NULL',
          [],
        ) as {
          model_id: string;
        }[]
      ).map((r) => r.model_id),
    ).size,
    added: Math.max(0, after - before),
    // Files seen before whose size or mtime moved (new files are in `added` or `problems`).
    changed: local.filter((f) => f.changed && !f.problem && knownLocal.has(f.path)).length,
    problems,
    serverProblems: servers.problems,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** Queues the background hashing of local model files that have no hash yet (once). */
export async function hashNewModelFiles(core: Atelier): Promise<void> {
  if (unhashedLocalFiles(core).length && !hashJobPending(core))
    await enqueueJob(core, 'hash_models', {}, { title: 'Hash model files' });
}

function hashJobPending(core: Atelier): boolean {
  return (
    statements(core.sqlite).all(
      `SELECT 1 FROM jobs WHERE kind = 'hash_models' AND status IN ('queued', 'running') LIMIT 1`,
      [],
    ).length > 0
  );
}
