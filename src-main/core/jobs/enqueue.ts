import type { z } from 'zod';
import { AppError } from '../../contract/errors';
import type { JobStatusName, JobSummary } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import { nowIso, uuidv7 } from '../util/ids';
import { BATCH_KIND, stmt, summaryOf } from './jobStore';
import { emitChanged, emitQueueSoon } from './notify';
import { poolKey } from './pools';
import { checkGpuQuota } from './quota';
import { requireJobKind } from './registry';
import { runnerOf } from './runnerRegistry';
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
export function nextPosition(core: Atelier): number {
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

/**
 * Jobs one user may have waiting at once: a runaway script (20,010 jobs queued in 2 s) must not
 * bury the queue. Large batches fit (10,000 files at a time is the api's own limit).
 */
export const MAX_QUEUED_PER_USER = 20_000;

function checkQueueRoom(core: Atelier, createdBy: string | null | undefined, adding: number): void {
  if (!createdBy) return;
  const { n } = stmt(
    core.sqlite,
    "SELECT count(*) n FROM jobs WHERE created_by = ? AND status = 'queued' AND kind != 'batch'",
  ).get(createdBy) as { n: number };
  if (n + adding > MAX_QUEUED_PER_USER)
    throw new AppError(
      'rate_limited',
      `You have ${n.toLocaleString('en')} jobs waiting; at most ${MAX_QUEUED_PER_USER.toLocaleString('en')} may wait at once. Let some finish (or cancel them) and queue the rest then.`,
      { queued: n, adding, limit: MAX_QUEUED_PER_USER },
    );
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
  const pool = poolKey(kind.pools, options.pool);
  const title = options.title ?? (await kind.title(parsed, core));
  // Limits are checked in the transaction that queues: a burst of requests cannot all pass.
  core.sqlite
    .transaction(() => {
      checkQueueRoom(core, options.createdBy, 1);
      checkGpuQuota(core, options.createdBy, kindName, pool, 1);
      insertJob(core, {
        id,
        kind: kindName,
        title,
        params: parsed,
        pool,
        maxAttempts: attemptsOf(kind),
        priority: options.priority ?? 0,
        parentId: null,
        assetId: options.assetId ?? null,
        packId: options.packId ?? null,
        createdBy: options.createdBy ?? null,
      });
    })
    .immediate();
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
  options: Pick<EnqueueOptions, 'priority' | 'pool' | 'createdBy'> & {
    /**
     * Runs in the transaction that queues the batch, with its ids: records that point at the
     * jobs (an order's items) are written with them or not at all.
     */
    inTransaction?: (parentId: string, childIds: string[]) => void;
  } = {},
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
  core.sqlite
    .transaction(() => {
      checkQueueRoom(core, options.createdBy, items.length);
      checkGpuQuota(
        core,
        options.createdBy,
        kindName,
        poolKey(kind.pools, options.pool),
        items.length,
      );
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
      options.inTransaction?.(
        parentId,
        prepared.map((p) => p.id),
      );
    })
    .immediate();
  emitChanged(core, parentId);
  emitQueueSoon(core);
  runnerOf(core)?.jobQueued(poolKey(kind.pools, options.pool));
  return { parent: summaryOf(core.sqlite, parentId)!, childIds: prepared.map((p) => p.id) };
}
