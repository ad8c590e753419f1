import { AppError } from '../../contract/errors';
import type { UsageGrouping, UsageReport, UsageRow } from '../../contract/usage';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';

/**
 * The ledger read back: every finished or running job (batch parents excluded: their children
 * carry the work) summed by one grouping. Time ranges and days go by when the job last changed
 * (finished, for finished jobs), in the studio's local time.
 */

const when = `coalesce(j.finished_at, j.updated_at)`;

/** Group key and label per grouping; `pack` goes through the jobs' outputs. */
const groupings: Record<UsageGrouping, { key: string; label: string; join?: string }> = {
  user: {
    key: 'j.created_by',
    label: `coalesce(u.email, u.name, 'unknown')`,
    join: 'LEFT JOIN users u ON u.id = j.created_by',
  },
  model: { key: 'j.model', label: `coalesce(j.model, 'no model')` },
  engine: { key: 'j.engine', label: `coalesce(j.engine, 'no engine')` },
  kind: { key: 'j.kind', label: 'j.kind' },
  day: { key: `date(${when}, 'localtime')`, label: `date(${when}, 'localtime')` },
  pack: {
    key: 'jp.pack_id',
    label: `coalesce(p.name, 'a deleted pack')`,
    // A job counts once for each pack holding something it made (and an export for its pack).
    join: `JOIN (
        SELECT DISTINCT a.job_id AS job_id, pa.pack_id AS pack_id
        FROM assets a JOIN pack_assets pa ON pa.asset_id = a.id WHERE a.job_id IS NOT NULL
        UNION SELECT id, pack_id FROM jobs WHERE pack_id IS NOT NULL
      ) jp ON jp.job_id = j.id
      LEFT JOIN packs p ON p.id = jp.pack_id`,
  },
};

function isoStart(d: string | undefined, endOfDay: boolean): string | null {
  if (!d) return null;
  if (d.includes('T')) {
    const t = Date.parse(d);
    if (Number.isNaN(t)) throw new AppError('invalid_input', `Not a date: ${d}`);
    return new Date(t).toISOString();
  }
  // A bare date is that day in local time; `until` includes the whole day.
  const local = new Date(`${d}T00:00:00`);
  if (Number.isNaN(local.getTime())) throw new AppError('invalid_input', `Not a date: ${d}`);
  if (endOfDay) local.setDate(local.getDate() + 1);
  return local.toISOString();
}

interface RawRow {
  key: string | null;
  label: string;
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  gpu: number;
  cpu: number;
  wall: number;
  outputs: number;
}

// Kept to the millisecond: a quick job still shows its time.
const hours = (s: number) => Math.round((s / 3600) * 3.6e6) / 3.6e6;

function toRow(r: Omit<RawRow, 'key' | 'label'>): Omit<UsageRow, 'key' | 'label'> {
  const finished = r.completed + r.failed;
  return {
    jobs: r.jobs,
    completed: r.completed,
    failed: r.failed,
    cancelled: r.cancelled,
    failureRate: finished ? Math.round((r.failed / finished) * 1000) / 1000 : null,
    gpuHours: hours(r.gpu),
    cpuHours: hours(r.cpu),
    wallHours: hours(r.wall),
    outputs: r.outputs,
  };
}

export function usageReport(
  core: Atelier,
  input: {
    by: UsageGrouping;
    since?: string;
    until?: string;
    userId?: string | null;
    limit: number;
  },
): UsageReport {
  const g = groupings[input.by];
  const since = isoStart(input.since, false);
  const until = isoStart(input.until, true);
  const where = [`j.kind != 'batch'`];
  const params: unknown[] = [];
  if (since) {
    where.push(`${when} >= ?`);
    params.push(since);
  }
  if (until) {
    where.push(`${when} < ?`);
    params.push(until);
  }
  if (input.userId) {
    where.push('j.created_by = ?');
    params.push(input.userId);
  }
  const sums = `count(*) jobs,
      sum(j.status = 'completed') completed, sum(j.status = 'failed') failed,
      sum(j.status = 'cancelled') cancelled,
      coalesce(sum(j.gpu_seconds), 0) gpu, coalesce(sum(j.cpu_seconds), 0) cpu,
      coalesce(sum(j.resource_seconds), 0) wall, coalesce(sum(o.n), 0) outputs`;
  const from = `FROM jobs j
    LEFT JOIN (SELECT job_id, count(*) n FROM assets WHERE job_id IS NOT NULL GROUP BY job_id) o
      ON o.job_id = j.id
    ${g.join ?? ''}
    WHERE ${where.join(' AND ')}`;
  const s = statements(core.sqlite);
  const rows = s
    .get(
      `SELECT ${g.key} key, ${g.label} label, ${sums} ${from}
       GROUP BY ${g.key} ORDER BY ${input.by === 'day' ? 'key DESC' : 'gpu DESC, wall DESC, jobs DESC'}
       LIMIT ?`,
    )
    .all(...params, input.limit) as RawRow[];
  // The total counts each job once, whatever the grouping (a job in two packs is one job).
  const total = s
    .get(
      `SELECT ${sums} FROM jobs j
       LEFT JOIN (SELECT job_id, count(*) n FROM assets WHERE job_id IS NOT NULL GROUP BY job_id) o
         ON o.job_id = j.id
       WHERE ${where.join(' AND ')}`,
    )
    .get(...params) as Omit<RawRow, 'key' | 'label'>;
  return {
    by: input.by,
    since,
    until,
    userId: input.userId ?? null,
    rows: rows.map((r) => ({ key: r.key, label: String(r.label), ...toRow(r) })),
    total: toRow(total),
  };
}
