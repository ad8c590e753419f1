import { AppError, type ErrorCode } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import type { JobRow } from '../db/schema';
import { nowIso } from '../util/ids';
import type { JobLog } from './jobLog';
import { stmt } from './jobStore';
import { emitChanged, emitQueueSoon } from './notify';
import { refreshParent } from './parents';
import { deleteSegments } from './segments';
import type { JobKind, JobOutcome } from './types';
import { removeWorkDir } from './workDirs';

/** Why a running job's signal was aborted. */
export type AbortReason = 'cancel' | 'shutdown' | 'failover';

/** Errors a retry cannot fix: the same input would fail the same way. */
const permanent: ErrorCode[] = [
  'invalid_input',
  'not_found',
  'engine_missing',
  'conflict',
  'cancelled',
  'unauthorized',
];

export function backoffMs(attempt: number): number {
  return Math.min(60_000, 2000 * 2 ** Math.max(0, attempt - 1));
}

export interface Ending {
  row: JobRow;
  kind: JobKind | undefined;
  outcome: JobOutcome | undefined;
  error: unknown;
  reason: AbortReason | undefined;
  /** Pool label, for "went offline" messages. */
  poolLabel: string;
  seconds: number;
  /** For the ledger: the slot's seconds, whether they were GPU or CPU, the engine and model. */
  usage?: {
    engine: string | null;
    model: string | null;
    slotSeconds: number;
    resource: 'gpu' | 'cpu' | null;
  };
  log: JobLog;
}

/** What finish() decided, for the runner: when to look again for a retry. */
export interface Decided {
  retryAt: number | null;
}

/**
 * Records how a job ended, by its restart policy:
 * - done → completed (its work folder goes);
 * - cancel → cancelled (the work folder stays a while: a retry continues from it);
 * - shutdown or its server going away → `rerun` and `resume` kinds wait in the queue (a rerun
 *   starts over, a resume continues), `fail` kinds fail as interrupted;
 * - an error → retried with backoff while attempts remain (not `fail` kinds), else failed.
 */
export function finishJob(core: Atelier, e: Ending): Decided {
  const db = core.sqlite;
  const { row, kind, log } = e;
  const at = nowIso();
  // Every attempt's use is charged with the state it ends in, in the same statement: the
  // ledger and the job's status never disagree.
  const u = e.usage;
  const gpu = u?.resource === 'gpu' ? u.slotSeconds : 0;
  const cpu = u?.resource === 'cpu' ? u.slotSeconds : 0;
  const update = (sets: string, ...args: unknown[]) =>
    stmt(
      db,
      `UPDATE jobs SET ${sets}, resource_seconds = resource_seconds + ?, gpu_seconds = gpu_seconds + ?,
       cpu_seconds = cpu_seconds + ?, engine = coalesce(?, engine), model = coalesce(?, model),
       updated_at = ? WHERE id = ?`,
    ).run(...args, e.seconds, gpu, cpu, u?.engine ?? null, u?.model ?? null, at, row.id);
  const restart = kind?.restart ?? 'fail';
  let retryAt: number | null = null;
  if (e.error === undefined && e.reason === undefined) {
    const result = {
      ...((e.outcome?.result as object | undefined) ?? {}),
      ...(e.outcome?.assetIds ? { assetIds: e.outcome.assetIds } : {}),
    };
    update(
      "status = 'completed', progress = 1, eta_sec = NULL, error = NULL, result = ?, finished_at = ?",
      JSON.stringify(result),
      at,
    );
    if (e.outcome?.assetIds?.length)
      log.write('info', `Done: ${e.outcome.assetIds.length} output(s)`);
    removeWorkDir(core.layout, row.id);
  } else if (e.reason === 'cancel') {
    log.write('info', 'Cancelled; the process tree was stopped and temp files removed');
    update("status = 'cancelled', eta_sec = NULL, error = 'Cancelled', finished_at = ?", at);
  } else if (e.reason === 'shutdown' || e.reason === 'failover') {
    const why =
      e.reason === 'shutdown' ? 'Atelier stopped during this job' : `${e.poolLabel} went offline`;
    if (restart === 'fail') {
      log.write('error', `Interrupted: ${why}`);
      update(
        "status = 'failed', eta_sec = NULL, error = ?, finished_at = ?",
        `Interrupted: ${why}`,
        at,
      );
    } else {
      if (restart === 'rerun') {
        deleteSegments(db, row.id);
        removeWorkDir(core.layout, row.id);
      }
      const next =
        restart === 'resume'
          ? `${why}; it will continue where it stopped`
          : `${why}; it will run again`;
      log.write('warn', next);
      // A fail-over is not the job's fault: the attempt it lost is given back.
      update(
        `status = 'queued', progress = ?, eta_sec = NULL, started_at = NULL, progress_message = ?,
         attempts = attempts - ?`,
        restart === 'resume' ? row.progress : 0,
        e.reason === 'shutdown' ? 'Waiting to run again after a restart' : `Re-queued: ${why}`,
        e.reason === 'failover' ? 1 : 0,
      );
    }
  } else {
    const code: ErrorCode = e.error instanceof AppError ? e.error.code : 'internal';
    const message = e.error instanceof Error ? e.error.message : String(e.error);
    log.write('error', message);
    const retry =
      restart !== 'fail' && !permanent.includes(code) && row.attempts < row.max_attempts;
    if (retry) {
      retryAt = Date.now() + backoffMs(row.attempts);
      const runAfter = new Date(retryAt).toISOString();
      log.write('warn', `Will retry automatically at ${runAfter}`);
      if (restart === 'rerun') deleteSegments(db, row.id);
      update(
        "status = 'queued', progress = 0, eta_sec = NULL, error = ?, run_after = ?, progress_message = ?",
        message,
        runAfter,
        `Retrying after an error (attempt ${row.attempts + 1} of ${row.max_attempts})`,
      );
    } else {
      update("status = 'failed', eta_sec = NULL, error = ?, finished_at = ?", message, at);
    }
  }
  emitChanged(core, row.id);
  if (row.parent_id) refreshParent(core, row.parent_id);
  emitQueueSoon(core);
  return { retryAt };
}
