import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../contract/errors';
import type { JobSegmentInfo, JobStatusName } from '../../contract/jobs';
import { nowIso, uuidv7 } from '../util/ids';
import { parseJson, stmt } from './jobStore';

/**
 * The parts of a multi-step job (job_segments): cues to speak, images of a batch, training
 * checkpoints. Planned once; each part runs at most once to completion, so a job that resumes
 * after a crash, or is retried after an error, redoes only the parts that did not finish. A part
 * whose inputs changed (a different `inputHash` in a new plan) runs again, and only it.
 */

export interface SegmentSpec {
  label?: string;
  /** The part's span of a media timeline, when it has one. */
  startMs?: number;
  endMs?: number;
  params?: unknown;
  /** A hash of what the part is made from: when it changes, the part is redone. */
  inputHash?: string;
}

export interface SegmentContext {
  readonly index: number;
  readonly label: string | null;
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly params: unknown;
  /** This attempt at the part (1 for the first). */
  readonly attempt: number;
  readonly signal: AbortSignal;
  /** The part's own 0..1; the job's progress is finished parts plus this one's share. */
  progress(fraction: number, message?: string): void;
}

export interface Segments {
  /** Plans the parts, keeping what an earlier run of the same plan finished. */
  plan(specs: SegmentSpec[]): JobSegmentInfo[];
  /** Runs part `index` unless it already finished (then its stored result comes back). */
  run<T>(index: number, fn: (seg: SegmentContext) => Promise<T>): Promise<T>;
  list(): JobSegmentInfo[];
  /** How many parts finished. */
  readonly done: number;
}

interface SegmentRow {
  id: string;
  job_id: string;
  idx: number;
  status: JobStatusName;
  progress: number;
  params: string;
  result: string | null;
  started_at: string | null;
  finished_at: string | null;
  label: string | null;
  start_ms: number | null;
  end_ms: number | null;
  attempts: number;
  error: string | null;
  input_hash: string | null;
}

export function toSegmentInfo(r: SegmentRow): JobSegmentInfo {
  return {
    index: r.idx,
    label: r.label,
    status: r.status,
    progress: r.progress,
    startMs: r.start_ms,
    endMs: r.end_ms,
    attempts: r.attempts,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export function segmentRows(db: BetterSqlite3.Database, jobId: string): SegmentRow[] {
  return stmt(db, 'SELECT * FROM job_segments WHERE job_id = ? ORDER BY idx').all(
    jobId,
  ) as SegmentRow[];
}

/** After a work folder is swept, finished parts that lived in it must run again. */
export function resetSegments(db: BetterSqlite3.Database, jobId: string): void {
  stmt(
    db,
    `UPDATE job_segments SET status = 'queued', progress = 0, result = NULL, error = NULL,
       started_at = NULL, finished_at = NULL WHERE job_id = ?`,
  ).run(jobId);
}

export function deleteSegments(db: BetterSqlite3.Database, jobId: string): void {
  stmt(db, 'DELETE FROM job_segments WHERE job_id = ?').run(jobId);
}

export function createSegments(
  db: BetterSqlite3.Database,
  jobId: string,
  signal: AbortSignal,
  report: (fraction: number, message?: string) => void,
): Segments {
  let rows: SegmentRow[] = segmentRows(db, jobId);
  const done = () => rows.filter((r) => r.status === 'completed').length;
  const reload = () => (rows = segmentRows(db, jobId));
  const at = (index: number) => {
    const r = rows.find((x) => x.idx === index);
    if (!r) throw new AppError('internal', `Segment ${index} is not in this job's plan`);
    return r;
  };
  return {
    get done() {
      return done();
    },
    list: () => rows.map(toSegmentInfo),
    plan(specs) {
      if (specs.length === 0)
        throw new AppError('internal', 'A segment plan needs at least one part');
      const same =
        rows.length === specs.length &&
        rows.every((r, i) => (r.label ?? undefined) === (specs[i]!.label ?? undefined));
      db.transaction(() => {
        if (!same) {
          // A different plan: what the old one finished belongs to other parts.
          deleteSegments(db, jobId);
          const insert = stmt(
            db,
            `INSERT INTO job_segments (id, job_id, idx, status, params, label, start_ms, end_ms, input_hash)
             VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
          );
          specs.forEach((s, i) =>
            insert.run(
              uuidv7(),
              jobId,
              i,
              JSON.stringify(s.params ?? {}),
              s.label ?? null,
              s.startMs ?? null,
              s.endMs ?? null,
              s.inputHash ?? null,
            ),
          );
          return;
        }
        const update = stmt(
          db,
          `UPDATE job_segments SET params = ?, start_ms = ?, end_ms = ?, input_hash = ?,
             status = CASE WHEN input_hash IS NOT ? THEN 'queued' ELSE status END,
             result = CASE WHEN input_hash IS NOT ? THEN NULL ELSE result END,
             progress = CASE WHEN input_hash IS NOT ? THEN 0 ELSE progress END,
             finished_at = CASE WHEN input_hash IS NOT ? THEN NULL ELSE finished_at END
           WHERE job_id = ? AND idx = ?`,
        );
        specs.forEach((s, i) => {
          const h = s.inputHash ?? null;
          update.run(
            JSON.stringify(s.params ?? {}),
            s.startMs ?? null,
            s.endMs ?? null,
            h,
            h,
            h,
            h,
            h,
            jobId,
            i,
          );
        });
        // Parts left "running" by a crash start again.
        stmt(
          db,
          "UPDATE job_segments SET status = 'queued' WHERE job_id = ? AND status IN ('running','failed','cancelled')",
        ).run(jobId);
      })();
      reload();
      report(done() / rows.length);
      return rows.map(toSegmentInfo);
    },
    async run(index, fn) {
      let row = at(index);
      if (row.status === 'completed') return parseJson(row.result) as never;
      signal.throwIfAborted();
      const total = rows.length;
      const startedAt = nowIso();
      stmt(
        db,
        `UPDATE job_segments SET status = 'running', attempts = attempts + 1, started_at = ?,
           error = NULL, progress = 0 WHERE id = ?`,
      ).run(startedAt, row.id);
      row = { ...row, status: 'running', attempts: row.attempts + 1, started_at: startedAt };
      rows = rows.map((r) => (r.id === row.id ? row : r));
      const base = done();
      const ctx: SegmentContext = {
        index,
        label: row.label,
        startMs: row.start_ms,
        endMs: row.end_ms,
        params: parseJson(row.params),
        attempt: row.attempts,
        signal,
        progress: (f, message) =>
          report((base + Math.min(1, Math.max(0, f))) / total, message ?? row.label ?? undefined),
      };
      try {
        const value = await fn(ctx);
        const finished = nowIso();
        stmt(
          db,
          `UPDATE job_segments SET status = 'completed', progress = 1, result = ?, finished_at = ?, error = NULL
           WHERE id = ?`,
        ).run(JSON.stringify(value ?? null), finished, row.id);
        reload();
        report(done() / total);
        return value;
      } catch (err) {
        const cancelled = signal.aborted;
        stmt(db, 'UPDATE job_segments SET status = ?, error = ? WHERE id = ?').run(
          cancelled ? 'cancelled' : 'failed',
          err instanceof Error ? err.message.slice(0, 2000) : String(err),
          row.id,
        );
        reload();
        throw err;
      }
    },
  };
}
