import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Atelier } from '../app/atelier';
import type { DataDirLayout } from '../datadir/dataDir';
import { appLog } from '../log/appLog';
import { stmt } from './jobStore';
import { resetSegments } from './segments';

/**
 * Persistent work folders, work/<jobId>/: what a resumable job has made so far (finished
 * segments' files, a trainer's saved state). Start-up leaves them alone. A job that completes
 * takes its folder with it; one that failed or was cancelled keeps it, so a retry continues,
 * until the sweep removes it some days later (its finished segments then run again).
 */

export const WORK_RETENTION_DAYS = 7;

export function workDirOf(layout: DataDirLayout, jobId: string): string {
  return path.join(layout.work, jobId);
}

export function removeWorkDir(layout: DataDirLayout, jobId: string): void {
  rmSync(workDirOf(layout, jobId), { recursive: true, force: true });
}

/**
 * Removes the work folders no job needs: of jobs gone or completed, and of jobs that failed or
 * were cancelled more than `retentionDays` ago. Queued and running jobs keep theirs.
 */
export function sweepWorkDirs(core: Atelier, retentionDays = WORK_RETENTION_DAYS): string[] {
  let entries: string[];
  try {
    entries = readdirSync(core.layout.work);
  } catch {
    return [];
  }
  const cutoff = new Date(Date.now() - retentionDays * 86_400_000).toISOString();
  const state = stmt(core.sqlite, 'SELECT status, finished_at FROM jobs WHERE id = ?');
  const removed: string[] = [];
  for (const id of entries) {
    const job = state.get(id) as { status: string; finished_at: string | null } | undefined;
    const stale =
      !job ||
      job.status === 'completed' ||
      ((job.status === 'failed' || job.status === 'cancelled') && (job.finished_at ?? '') < cutoff);
    if (!stale) continue;
    removeWorkDir(core.layout, id);
    if (job) resetSegments(core.sqlite, id);
    removed.push(id);
  }
  if (removed.length) appLog.info('jobs', `swept ${removed.length} work folder(s)`);
  return removed;
}
