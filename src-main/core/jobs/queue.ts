import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { JobSummary, QueueState } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { JobRow } from '../db/schema';
import { nowIso } from '../util/ids';
import { nextPosition } from './enqueue';
import { BATCH_KIND, getJobRow, isFinal, stmt, summaryOf, toSummary } from './jobStore';
import { emitChanged, emitQueueSoon, queueState } from './notify';
import { refreshParent } from './parents';
import { writePaused } from './queueSettings';
import { requireJobKind } from './registry';
import { runnerOf } from './runnerRegistry';

export function requireJob(core: Atelier, id: string): JobRow {
  const row = getJobRow(core.sqlite, id);
  if (!row) throw new AppError('not_found', `No job ${id}`);
  return row;
}

function markCancelled(core: Atelier, id: string, message: string): void {
  const at = nowIso();
  stmt(
    core.sqlite,
    `UPDATE jobs SET status = 'cancelled', error = ?, finished_at = ?, updated_at = ?, eta_sec = NULL, run_after = NULL
     WHERE id = ? AND status IN ('queued','running')`,
  ).run(message, at, at, id);
  // A job that was running in no live runner (a stale row) may have left temp files.
  rmSync(path.join(core.layout.tmp, 'jobs', id), { recursive: true, force: true });
}

/** Cancel: a queued job never starts; a running one has its process tree killed by the runner. */
export function cancelJob(core: Atelier, id: string): JobSummary {
  const row = requireJob(core, id);
  if (isFinal(row.status)) return toSummary(core.sqlite, row);
  const runner = runnerOf(core);
  if (row.kind === BATCH_KIND) {
    const children = stmt(
      core.sqlite,
      "SELECT id, status FROM jobs WHERE parent_id = ? AND status IN ('queued','running')",
    ).all(id) as {
      id: string;
      status: string;
    }[];
    core.sqlite.transaction(() => {
      for (const c of children)
        if (c.status === 'queued' || !runner?.abort(c.id, 'cancel'))
          markCancelled(core, c.id, 'Cancelled');
    })();
    refreshParent(core, id);
  } else if (row.status === 'running' && runner?.abort(id, 'cancel')) {
    // The runner records the cancel once the process tree is gone and temp files are removed.
  } else {
    markCancelled(core, id, 'Cancelled');
    emitChanged(core, id);
    if (row.parent_id) refreshParent(core, row.parent_id);
  }
  emitQueueSoon(core);
  return summaryOf(core.sqlite, id)!;
}

/**
 * Back into the queue, at its end. Finished segments stay finished, so a retried multi-step job
 * redoes only what did not finish.
 */
function requeue(core: Atelier, id: string): void {
  const at = nowIso();
  const pool = (stmt(core.sqlite, 'SELECT pool FROM jobs WHERE id = ?').get(id) as { pool: string })
    .pool;
  stmt(
    core.sqlite,
    `UPDATE jobs SET status = 'queued', progress = 0, progress_message = ?, eta_sec = NULL, error = NULL,
       result = NULL, attempts = 0, run_after = NULL, started_at = NULL, finished_at = NULL, updated_at = ?, position = ?
     WHERE id = ?`,
  ).run(runnerOf(core)?.waitingReason(pool) ?? null, at, nextPosition(core), id);
}

/** Manual retry of a failed or cancelled job (or a batch's failed and cancelled children). */
export function retryJob(core: Atelier, id: string): JobSummary {
  const row = requireJob(core, id);
  if (row.kind === BATCH_KIND) {
    const children = stmt(
      core.sqlite,
      "SELECT id FROM jobs WHERE parent_id = ? AND status IN ('failed','cancelled')",
    ).all(id) as { id: string }[];
    if (children.length === 0)
      throw new AppError('conflict', 'Nothing in this batch failed or was cancelled.');
    core.sqlite.transaction(() => {
      for (const c of children) requeue(core, c.id);
    })();
    refreshParent(core, id);
  } else {
    if (row.status !== 'failed' && row.status !== 'cancelled') {
      throw new AppError(
        'conflict',
        `Only failed or cancelled jobs can be retried; this one is ${row.status}.`,
      );
    }
    requireJobKind(row.kind);
    requeue(core, id);
    emitChanged(core, id);
    if (row.parent_id) refreshParent(core, row.parent_id);
  }
  emitQueueSoon(core);
  runnerOf(core)?.kick();
  return summaryOf(core.sqlite, id)!;
}

type QueueKey = Pick<JobRow, 'id' | 'priority' | 'position'>;

/**
 * Move a queued job one place (or to either end) in run order: priority first, then position.
 * `sameKind` moves it among the jobs of its own kind only (a training run past the run before
 * it, not past a generation job that happens to sit between them).
 */
export function moveJob(
  core: Atelier,
  id: string,
  direction: 'up' | 'down' | 'top' | 'bottom',
  options: { sameKind?: boolean } = {},
): JobSummary {
  const row = requireJob(core, id);
  if (row.status !== 'queued')
    throw new AppError('conflict', `Only queued jobs can be moved; this one is ${row.status}.`);
  const db = core.sqlite;
  const at = nowIso();
  const setKey = (jid: string, priority: number, position: number) =>
    stmt(db, 'UPDATE jobs SET priority = ?, position = ?, updated_at = ? WHERE id = ?').run(
      priority,
      position,
      at,
      jid,
    );
  const kindFilter = options.sameKind ? `AND kind = '${row.kind.replace(/'/g, "''")}'` : '';
  const base = `FROM jobs WHERE status = 'queued' AND kind != '${BATCH_KIND}' ${kindFilter} AND id != ?`;
  if (direction === 'top' || direction === 'bottom') {
    const edge = stmt(
      db,
      direction === 'top'
        ? `SELECT id, priority, position ${base} ORDER BY priority DESC, position ASC LIMIT 1`
        : `SELECT id, priority, position ${base} ORDER BY priority ASC, position DESC LIMIT 1`,
    ).get(id) as QueueKey | undefined;
    if (edge) setKey(id, edge.priority, edge.position + (direction === 'top' ? -1 : 1));
  } else {
    const neighbour = stmt(
      db,
      direction === 'up'
        ? `SELECT id, priority, position ${base} AND (priority > ? OR (priority = ? AND position < ?)) ORDER BY priority ASC, position DESC LIMIT 1`
        : `SELECT id, priority, position ${base} AND (priority < ? OR (priority = ? AND position > ?)) ORDER BY priority DESC, position ASC LIMIT 1`,
    ).get(id, row.priority, row.priority, row.position) as QueueKey | undefined;
    if (neighbour) {
      core.sqlite.transaction(() => {
        if (neighbour.priority === row.priority) {
          setKey(id, row.priority, neighbour.position);
          setKey(neighbour.id, row.priority, row.position);
        } else {
          // Crossing into another priority band: join it, just past the neighbour.
          setKey(id, neighbour.priority, neighbour.position + (direction === 'up' ? -0.5 : 0.5));
        }
      })();
    }
  }
  emitChanged(core, id);
  return summaryOf(db, id)!;
}

export function setQueuePaused(core: Atelier, paused: boolean): QueueState {
  writePaused(core.sqlite, paused);
  runnerOf(core)?.setPaused(paused);
  const state = queueState(core);
  core.events.emit('jobs.queue', state);
  return state;
}
