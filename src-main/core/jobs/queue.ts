import { rmSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../contract/errors';
import type {
  JobDetail,
  JobPage,
  JobStatusName,
  JobSummary,
  QueueState,
} from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { JobRow } from '../db/schema';
import { nowIso, uuidv7 } from '../util/ids';
import { readLogTail } from './jobLog';
import {
  getJobRow,
  isFinal,
  parseJson,
  statusCounts,
  stmt,
  summaryOf,
  toSummary,
  BATCH_KIND,
} from './jobStore';
import { emitChanged, emitQueueSoon, queueState } from './notify';
import { refreshParent } from './parents';
import { writePaused } from './queueSettings';
import { requireJobKind } from './registry';
import { poolKey } from './pools';
import { runnerOf } from './runnerRegistry';
import { segmentRows, toSegmentInfo } from './segments';
import type { JobKind } from './types';

export interface EnqueueOptions {
  priority?: number;
  assetId?: string | null;
  packId?: string | null;
  /** Overrides the kind's title. */
  title?: string;
  /** Run only on this pool (an engine server the creator chose), not any of the kind's. */
  pool?: string | null;
  /** The user who asked for it. */
  createdBy?: string | null;
}

const positions = new WeakMap<Atelier, { next: number }>();

/** Queue positions only grow, so a new job goes last among equal priorities without a scan. */
function nextPosition(core: Atelier): number {
  let p = positions.get(core);
  if (!p) {
    const r = stmt(core.sqlite, 'SELECT coalesce(max(position), 0) m FROM jobs').get() as {
      m: number;
    };
    positions.set(core, (p = { next: Math.floor(r.m) + 1 }));
  }
  return p.next++;
}

function parseParams<P extends z.ZodType>(schema: P, params: unknown, kind: string): z.output<P> {
  const r = schema.safeParse(params ?? {});
  if (!r.success) {
    const msg = r.error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw new AppError('invalid_input', `${kind}: ${msg}`, r.error.issues);
  }
  return r.data;
}

interface NewJob {
  id: string;
  kind: string;
  title: string;
  params: unknown;
  pool: string;
  maxAttempts: number;
  priority: number;
  parentId: string | null;
  assetId: string | null;
  packId: string | null;
  createdBy: string | null;
}

/** Automatic attempts: kinds that may run again get theirs; `fail` kinds run once. */
function attemptsOf(kind: JobKind): number {
  return kind.restart === 'fail' ? 1 : Math.max(1, kind.maxAttempts ?? 1);
}

function insertJob(core: Atelier, j: NewJob, status: JobStatusName = 'queued'): void {
  const at = nowIso();
  stmt(
    core.sqlite,
    `INSERT INTO jobs (id, kind, status, priority, position, pool, params, max_attempts, parent_id, asset_id, pack_id, created_by, title, progress_message, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    j.id,
    j.kind,
    status,
    j.priority,
    nextPosition(core),
    j.pool,
    JSON.stringify(j.params ?? {}),
    j.maxAttempts,
    j.parentId,
    j.assetId,
    j.packId,
    j.createdBy,
    j.title.slice(0, 300),
    // A job no online pool can take says so from the start.
    j.pool && j.kind !== BATCH_KIND ? (runnerOf(core)?.waitingReason(j.pool) ?? null) : null,
    at,
    at,
  );
}

/**
 * Queue one job of a registered kind. Params are validated by the kind's schema here, so a bad
 * job is refused at once rather than failing later in the queue.
 *
 * @example
 * const job = await enqueueJob(core, 'export_pack', { packId }, { packId });
 */
export async function enqueueJob(
  core: Atelier,
  kindName: string,
  params: unknown,
  options: EnqueueOptions = {},
): Promise<JobSummary> {
  const kind = requireJobKind(kindName);
  const parsed = parseParams(kind.params, params, kindName);
  const id = uuidv7();
  insertJob(core, {
    id,
    kind: kindName,
    title: options.title ?? (await kind.title(parsed, core)),
    params: parsed,
    pool: poolKey(kind.pools, options.pool),
    maxAttempts: attemptsOf(kind),
    priority: options.priority ?? 0,
    parentId: null,
    assetId: options.assetId ?? null,
    packId: options.packId ?? null,
    createdBy: options.createdBy ?? null,
  });
  emitChanged(core, id);
  emitQueueSoon(core);
  runnerOf(core)?.jobQueued(poolKey(kind.pools, options.pool));
  return summaryOf(core.sqlite, id)!;
}

export interface BatchItem {
  params: unknown;
  assetId?: string | null;
  title?: string;
}

/**
 * Queue a batch: one parent (never run itself; it aggregates) and a child per item, inserted in
 * one transaction so a crash never leaves half a batch.
 */
export async function enqueueBatch(
  core: Atelier,
  kindName: string,
  title: string,
  items: BatchItem[],
  options: Pick<EnqueueOptions, 'priority' | 'pool' | 'createdBy'> = {},
): Promise<{ parent: JobSummary; childIds: string[] }> {
  const kind = requireJobKind(kindName);
  const prepared: NewJob[] = [];
  const parentId = uuidv7();
  for (const item of items) {
    const parsed = parseParams(kind.params, item.params, kindName);
    prepared.push({
      id: uuidv7(),
      kind: kindName,
      title: item.title ?? (await kind.title(parsed, core)),
      params: parsed,
      pool: poolKey(kind.pools, options.pool),
      maxAttempts: attemptsOf(kind),
      priority: options.priority ?? 0,
      parentId,
      assetId: item.assetId ?? null,
      packId: null,
      createdBy: options.createdBy ?? null,
    });
  }
  core.sqlite.transaction(() => {
    insertJob(core, {
      id: parentId,
      kind: BATCH_KIND,
      title,
      params: { kind: kindName, count: items.length },
      pool: '',
      maxAttempts: 1,
      priority: options.priority ?? 0,
      parentId: null,
      assetId: null,
      packId: null,
      createdBy: options.createdBy ?? null,
    });
    for (const p of prepared) insertJob(core, p);
  })();
  emitChanged(core, parentId);
  emitQueueSoon(core);
  runnerOf(core)?.jobQueued(poolKey(kind.pools, options.pool));
  return { parent: summaryOf(core.sqlite, parentId)!, childIds: prepared.map((p) => p.id) };
}

function requireJob(core: Atelier, id: string): JobRow {
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

/** Move a queued job one place (or to either end) in run order: priority first, then position. */
export function moveJob(
  core: Atelier,
  id: string,
  direction: 'up' | 'down' | 'top' | 'bottom',
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
  const base = `FROM jobs WHERE status = 'queued' AND kind != '${BATCH_KIND}' AND id != ?`;
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

interface ListInput {
  status?: JobStatusName[];
  kind?: string;
  parentId?: string | null;
  order: 'recent' | 'queue';
  limit: number;
  cursor?: string;
}

function decodeCursor(cursor: string | undefined, size: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === size) return v as (string | number)[];
  } catch {}
  throw new AppError('invalid_input', 'jobs.list: the cursor is not one this list gave out');
}

const encodeCursor = (v: (string | number)[]) =>
  Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/**
 * A page of jobs. Keyset-paginated on (created_at, id) or on queue order, so page 100 costs what
 * page 1 does and the Jobs page stays fast with tens of thousands of jobs.
 */
export function listJobs(core: Atelier, input: ListInput): JobPage {
  const where: string[] = [];
  const args: (string | number | null)[] = [];
  if (input.status?.length) {
    where.push(`status IN (${input.status.map(() => '?').join(',')})`);
    args.push(...input.status);
  }
  if (input.kind) {
    where.push('kind = ?');
    args.push(input.kind);
  }
  if (input.parentId === null) where.push('parent_id IS NULL');
  else if (input.parentId) {
    where.push('parent_id = ?');
    args.push(input.parentId);
  }
  let orderBy: string;
  if (input.order === 'queue') {
    // Matches the jobs_queue index from 0001; positions are unique, created_at only breaks ties.
    orderBy = 'priority DESC, position ASC, created_at ASC';
    const c = decodeCursor(input.cursor, 3);
    if (c) {
      where.push(
        '(priority < ? OR (priority = ? AND (position > ? OR (position = ? AND created_at > ?))))',
      );
      args.push(c[0]!, c[0]!, c[1]!, c[1]!, c[2]!);
    }
  } else {
    orderBy = 'created_at DESC, id DESC';
    const c = decodeCursor(input.cursor, 2);
    if (c) {
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      args.push(c[0]!, c[0]!, c[1]!);
    }
  }
  const sqlText = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy} LIMIT ?`;
  const rows = stmt(core.sqlite, sqlText).all(...args, input.limit + 1) as JobRow[];
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toSummary(core.sqlite, r)),
    nextCursor:
      more && last
        ? encodeCursor(
            input.order === 'queue'
              ? [last.priority, last.position, last.created_at]
              : [last.created_at, last.id],
          )
        : null,
    counts: statusCounts(core.sqlite, input.parentId),
  };
}

export function getJob(core: Atelier, id: string, logLines: number): JobDetail {
  const row = requireJob(core, id);
  const childRows =
    row.kind === BATCH_KIND
      ? (stmt(
          core.sqlite,
          'SELECT * FROM jobs WHERE parent_id = ? ORDER BY created_at, id LIMIT 200',
        ).all(id) as JobRow[])
      : [];
  return {
    ...toSummary(core.sqlite, row),
    params: parseJson(row.params),
    result: parseJson(row.result),
    logTail: readLogTail(core, id, logLines),
    childJobs: childRows.map((r) => toSummary(core.sqlite, r)),
    segments: segmentRows(core.sqlite, id).map(toSegmentInfo),
    preview: runnerOf(core)?.preview(id) ?? null,
  };
}
