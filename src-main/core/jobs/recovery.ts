import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Atelier } from '../app/atelier';
import { appLog } from '../log/appLog';
import { nowIso } from '../util/ids';
import { stmt, BATCH_KIND } from './jobStore';
import { refreshParent } from './parents';
import { findJobKind } from './registry';
import { JobLog } from './jobLog';
import { undoUnregisteredPlacement } from './placementJournal';
import { deleteSegments } from './segments';
import { removeWorkDir } from './workDirs';
import { statements } from '../db/statements';

export interface RecoveryReport {
  requeued: string[];
  failed: string[];
  tempRemoved: number;
}

/**
 * Runs once when the queue starts, before any job does. Anything still marked running was cut
 * off by a crash, kill -9 or power loss, and goes by its kind's restart policy: `rerun` kinds go
 * back to the queue to start over, `resume` kinds to continue from their last finished segment
 * (their work folders under work/ are kept), `fail` kinds fail as "interrupted" (running them
 * twice could do harm). No job can be running at this point (the data-dir lock guarantees one
 * runner), so every leftover in tmp/jobs/ is debris.
 */
export function recoverInterrupted(core: Atelier): RecoveryReport {
  const db = core.sqlite;
  const rows = stmt(
    db,
    "SELECT id, kind, parent_id, title FROM jobs WHERE status = 'running' AND kind != ?",
  ).all(BATCH_KIND) as {
    id: string;
    kind: string;
    parent_id: string | null;
    title: string;
  }[];
  const report: RecoveryReport = { requeued: [], failed: [], tempRemoved: 0 };
  const at = nowIso();
  const parents = new Set<string>();
  db.transaction(() => {
    for (const r of rows) {
      const kind = findJobKind(r.kind);
      const log = new JobLog(core, r.id, `${r.title || r.kind} · recovered at start-up`);
      if (kind && kind.restart !== 'fail') {
        const resume = kind.restart === 'resume';
        if (!resume) {
          deleteSegments(db, r.id);
          removeWorkDir(core.layout, r.id);
        }
        stmt(
          db,
          `UPDATE jobs SET status = 'queued', progress = 0, eta_sec = NULL, started_at = NULL,
             progress_message = ?, updated_at = ? WHERE id = ?`,
        ).run(
          resume
            ? 'Continues where it stopped after an interruption'
            : 'Re-queued after an interruption',
          at,
          r.id,
        );
        log.write(
          'warn',
          `Atelier stopped during this job (crash or power loss); queued to ${resume ? 'continue where it stopped' : 'run again'}`,
        );
        report.requeued.push(r.id);
      } else {
        const error = 'Interrupted: Atelier stopped while this job was running';
        stmt(
          db,
          "UPDATE jobs SET status = 'failed', eta_sec = NULL, error = ?, finished_at = ?, updated_at = ? WHERE id = ?",
        ).run(error, at, at, r.id);
        log.write('error', error);
        report.failed.push(r.id);
      }
      if (r.parent_id) parents.add(r.parent_id);
    }
  })();
  for (const p of parents) refreshParent(core, p);
  // Parents whose children all finished while the parent row was left "running".
  for (const p of stmt(
    db,
    "SELECT id FROM jobs WHERE kind = ? AND status IN ('queued','running')",
  ).all(BATCH_KIND) as { id: string }[]) {
    if (!parents.has(p.id)) refreshParent(core, p.id);
  }
  const tmpJobs = path.join(core.layout.tmp, 'jobs');
  let entries: string[] = [];
  try {
    entries = readdirSync(tmpJobs);
  } catch {}
  const registered = statements(db).get('SELECT 1 FROM assets WHERE path = ?');
  for (const e of entries) {
    const removed = undoUnregisteredPlacement(
      path.join(tmpJobs, e),
      (f) => registered.get(f) !== undefined,
    );
    if (removed)
      appLog.warn('jobs', `removed an output whose asset was never recorded: ${removed}`);
    rmSync(path.join(tmpJobs, e), { recursive: true, force: true });
    report.tempRemoved++;
  }
  if (rows.length)
    appLog.warn(
      'jobs',
      `recovered ${report.requeued.length} re-queued, ${report.failed.length} interrupted`,
    );
  return report;
}
