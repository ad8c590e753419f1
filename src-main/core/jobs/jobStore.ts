import type BetterSqlite3 from 'better-sqlite3';
import type {
  JobChildCounts,
  JobMetrics,
  JobStatusName,
  JobSummary,
  LocalPool,
} from '../../contract/jobs';
import { statements } from '../db/statements';
import type { JobRow } from '../db/schema';
import { endpointKindLabels } from '../engines/endpoints';
import { localPoolLabels } from './pools';

/** The kind name batch parents carry; they are never run, only aggregated. */
export const BATCH_KIND = 'batch';

/** Statements prepared once per database (the one statement cache): the scheduler runs them per job. */
export function stmt(db: BetterSqlite3.Database, sqlText: string): BetterSqlite3.Statement {
  return statements(db).get(sqlText);
}

export const finalStatuses: readonly JobStatusName[] = ['completed', 'failed', 'cancelled'];
export const isFinal = (s: string) => s === 'completed' || s === 'failed' || s === 'cancelled';

export function getJobRow(db: BetterSqlite3.Database, id: string): JobRow | undefined {
  return stmt(db, 'SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
}

export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function outputIds(result: string | null): string[] {
  const r = parseJson(result) as { assetIds?: unknown } | null;
  return Array.isArray(r?.assetIds) ? r.assetIds.filter((x) => typeof x === 'string') : [];
}

export function childCounts(
  db: BetterSqlite3.Database,
  parentId: string,
): JobChildCounts & { progressSum: number } {
  const r = stmt(
    db,
    `SELECT count(*) total,
       coalesce(sum(status = 'queued'), 0) queued, coalesce(sum(status = 'running'), 0) running,
       coalesce(sum(status = 'completed'), 0) completed, coalesce(sum(status = 'failed'), 0) failed,
       coalesce(sum(status = 'cancelled'), 0) cancelled,
       coalesce(sum(CASE WHEN status IN ('completed','failed','cancelled') THEN 1.0 ELSE progress END), 0) progressSum
     FROM jobs WHERE parent_id = ?`,
  ).get(parentId) as JobChildCounts & { progressSum: number };
  return r;
}

/** A pool's name for lists: this computer's, or the engine server's as the creator named it. */
export function poolLabel(db: BetterSqlite3.Database, poolId: string | null): string | null {
  if (!poolId) return null;
  if (poolId in localPoolLabels) return localPoolLabels[poolId as LocalPool];
  if (!poolId.startsWith('endpoint:')) return poolId;
  const e = stmt(db, 'SELECT kind, name FROM engine_endpoints WHERE id = ?').get(
    poolId.slice('endpoint:'.length),
  ) as { kind: string; name: string } | undefined;
  return e
    ? `${endpointKindLabels[e.kind as keyof typeof endpointKindLabels] ?? e.kind} '${e.name}'`
    : 'a removed engine server';
}

export function toSummary(db: BetterSqlite3.Database, row: JobRow): JobSummary {
  let children: JobChildCounts | null = null;
  if (row.kind === BATCH_KIND) {
    const { progressSum: _p, ...counts } = childCounts(db, row.id);
    children = counts;
  }
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    status: row.status,
    priority: row.priority,
    pool: row.pool,
    leasePool: row.lease_pool,
    leaseLabel: poolLabel(db, row.lease_pool),
    progress: row.progress,
    message: row.progress_message,
    etaSec: row.eta_sec,
    metrics: parseJson(row.metrics) as JobMetrics | null,
    error: row.error,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAfter: row.run_after,
    parentId: row.parent_id,
    assetId: row.asset_id,
    packId: row.pack_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    children,
    outputAssetIds: row.status === 'completed' ? outputIds(row.result) : [],
  };
}

export function summaryOf(db: BetterSqlite3.Database, id: string): JobSummary | null {
  const row = getJobRow(db, id);
  return row ? toSummary(db, row) : null;
}

/**
 * Jobs per status. `parentId` scopes them like the list they head: null counts top-level jobs
 * (a batch counts once, not once per file), an id counts that batch's children.
 */
export function statusCounts(
  db: BetterSqlite3.Database,
  parentId?: string | null,
): Record<JobStatusName, number> {
  const counts: Record<JobStatusName, number> = {
    queued: 0,
    running: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
  };
  const scope =
    parentId === null ? 'WHERE parent_id IS NULL' : parentId ? 'WHERE parent_id = ?' : '';
  for (const r of stmt(db, `SELECT status, count(*) n FROM jobs ${scope} GROUP BY status`).all(
    ...(parentId ? [parentId] : []),
  ) as {
    status: JobStatusName;
    n: number;
  }[]) {
    counts[r.status] = r.n;
  }
  return counts;
}

export function countStatus(db: BetterSqlite3.Database, status: JobStatusName): number {
  return (stmt(db, 'SELECT count(*) n FROM jobs WHERE status = ?').get(status) as { n: number }).n;
}
