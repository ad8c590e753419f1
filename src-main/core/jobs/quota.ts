import { AppError } from '../../contract/errors';
import type { GpuBalance } from '../../contract/usage';
import type { Atelier } from '../app/atelier';
import { stmt } from './jobStore';
import { resourceOf } from './pools';

/**
 * Per-user GPU quotas (minutes a day, optional, set on the account). A GPU job is checked when
 * it is queued, in the transaction that queues it: the day's charged GPU time, the running jobs'
 * time so far and an estimate for every job still waiting are held against the quota, so a burst
 * of requests cannot all slip under it. The real time is charged when each attempt ends.
 */

/** A job waiting on this pool key spends GPU time (pinned keys name the pool itself). */
function gpuKey(key: string): boolean {
  const kinds = key.startsWith('@') ? [key.slice(1)] : key.split('|');
  return kinds.some((k) => k !== '' && resourceOf(k) === 'gpu');
}

const DEFAULT_ESTIMATE_SEC = 60;

/** Seconds a job of this kind usually holds a GPU: the mean of the last 30 days, else a minute. */
function estimateSeconds(core: Atelier, kind: string): number {
  const since = new Date(Date.now() - 30 * 86400_000).toISOString();
  const r = stmt(
    core.sqlite,
    `SELECT avg(gpu_seconds) s FROM jobs
     WHERE kind = ? AND status = 'completed' AND gpu_seconds > 0 AND finished_at >= ?`,
  ).get(kind, since) as { s: number | null };
  return r.s ?? DEFAULT_ESTIMATE_SEC;
}

/** Local midnight: a quota is per calendar day where the studio is. */
export function startOfDay(now = Date.now()): string {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

export function gpuBalance(core: Atelier, userId: string, now = Date.now()): GpuBalance {
  const user = stmt(core.sqlite, 'SELECT gpu_minutes_per_day q FROM users WHERE id = ?').get(
    userId,
  ) as { q: number | null } | undefined;
  const day = startOfDay(now);
  const charged = stmt(
    core.sqlite,
    `SELECT coalesce(sum(gpu_seconds), 0) s FROM jobs
     WHERE created_by = ? AND updated_at >= ? AND kind != 'batch'`,
  ).get(userId, day) as { s: number };
  let running = 0;
  let held = 0;
  const open = stmt(
    core.sqlite,
    `SELECT kind, pool, status, started_at FROM jobs
     WHERE created_by = ? AND status IN ('queued', 'running') AND kind != 'batch'`,
  ).all(userId) as { kind: string; pool: string; status: string; started_at: string | null }[];
  const estimates = new Map<string, number>();
  for (const j of open) {
    if (!gpuKey(j.pool)) continue;
    if (j.status === 'running' && j.started_at)
      running += Math.max(0, (now - Date.parse(j.started_at)) / 1000);
    else if (j.status === 'queued') {
      if (!estimates.has(j.kind)) estimates.set(j.kind, estimateSeconds(core, j.kind));
      held += estimates.get(j.kind)!;
    }
  }
  const usedMinutes = (charged.s + running) / 60;
  const heldMinutes = held / 60;
  const quota = user?.q ?? null;
  return {
    quotaMinutes: quota,
    usedMinutes: round(usedMinutes),
    heldMinutes: round(heldMinutes),
    remainingMinutes: quota === null ? null : round(Math.max(0, quota - usedMinutes - heldMinutes)),
  };
}

const round = (m: number) => Math.round(m * 10) / 10;

/**
 * Refuses `count` new jobs of `kind` on `poolKey` when they would take `userId` past today's
 * GPU quota; call it inside the transaction that inserts them.
 */
export function checkGpuQuota(
  core: Atelier,
  userId: string | null | undefined,
  kind: string,
  poolKey: string,
  count: number,
): void {
  if (!userId || !gpuKey(poolKey)) return;
  const b = gpuBalance(core, userId);
  if (b.quotaMinutes === null || b.remainingMinutes === null) return;
  const need = (estimateSeconds(core, kind) * count) / 60;
  if (need <= b.remainingMinutes) return;
  throw new AppError(
    'rate_limited',
    `Over your GPU quota for today: ${b.remainingMinutes} of ${b.quotaMinutes} GPU minutes left` +
      (b.heldMinutes > 0 ? ` (${b.heldMinutes} held for your queued jobs)` : '') +
      `, and this needs about ${round(need)}. It starts again at midnight, or an admin can raise it.`,
    { ...b, neededMinutes: round(need) },
  );
}
