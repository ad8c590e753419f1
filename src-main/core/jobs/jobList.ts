import { AppError } from '../../contract/errors';
import type { JobDetail, JobPage, JobStatusName } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { JobRow } from '../db/schema';
import { readLogTail } from './jobLog';
import { BATCH_KIND, parseJson, statusCounts, stmt, toSummary } from './jobStore';
import { requireJob } from './queue';
import { runnerOf } from './runnerRegistry';
import { segmentRows, toSegmentInfo } from './segments';

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
