import type { Atelier } from '../app/atelier';
import { nowIso } from '../util/ids';
import { childCounts, getJobRow, isFinal, parseJson, stmt } from './jobStore';
import { emitChanged } from './notify';

/**
 * A batch parent's status and progress follow its children: running while any runs, final
 * when none is left (failed if any failed, cancelled if all were), progress the mean of theirs.
 */
export function refreshParent(core: Atelier, parentId: string): void {
  const db = core.sqlite;
  const parent = getJobRow(db, parentId);
  if (!parent) return;
  const c = childCounts(db, parentId);
  if (c.total === 0) return;
  const at = nowIso();
  const progress = c.progressSum / c.total;
  const done = c.completed + c.failed + c.cancelled;
  let status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  if (c.running > 0 || (c.queued > 0 && done > 0)) status = 'running';
  else if (c.queued > 0) status = 'queued';
  else if (c.failed > 0) status = 'failed';
  else if (c.cancelled === c.total) status = 'cancelled';
  else status = 'completed';
  const message = `${done} of ${c.total} done${c.failed ? ` · ${c.failed} failed` : ''}${c.cancelled ? ` · ${c.cancelled} cancelled` : ''}`;
  let result: string | null = parent.result;
  let error: string | null = null;
  if (isFinal(status)) {
    const assetIds: string[] = [];
    for (const r of stmt(
      db,
      "SELECT result FROM jobs WHERE parent_id = ? AND status = 'completed'",
    ).all(parentId) as { result: string | null }[]) {
      const ids = (parseJson(r.result) as { assetIds?: string[] } | null)?.assetIds;
      if (Array.isArray(ids)) assetIds.push(...ids);
    }
    result = JSON.stringify({
      assetIds,
      completed: c.completed,
      failed: c.failed,
      cancelled: c.cancelled,
    });
    if (status === 'failed') error = `${c.failed} of ${c.total} failed`;
  }
  const changed = status !== parent.status;
  stmt(
    db,
    `UPDATE jobs SET status = ?, progress = ?, progress_message = ?, result = ?, error = ?,
       started_at = coalesce(started_at, CASE WHEN ? != 'queued' THEN ? END),
       finished_at = CASE WHEN ? IN ('completed','failed','cancelled') THEN ? ELSE NULL END, updated_at = ?
     WHERE id = ?`,
  ).run(
    status,
    isFinal(status) ? 1 : progress,
    message,
    result,
    error,
    status,
    at,
    status,
    at,
    at,
    parentId,
  );
  if (changed) emitChanged(core, parentId);
  else
    core.events.emit('jobs.progress', {
      id: parentId,
      parentId: null,
      progress: isFinal(status) ? 1 : progress,
      message,
      etaSec: null,
    });
}

const pending = new WeakMap<Atelier, Map<string, NodeJS.Timeout>>();

/** The same, at most every 250 ms per parent, for progress ticks of its children. */
export function refreshParentSoon(core: Atelier, parentId: string): void {
  let m = pending.get(core);
  if (!m) pending.set(core, (m = new Map<string, NodeJS.Timeout>()));
  if (m.has(parentId)) return;
  const map = m;
  const t = setTimeout(() => {
    map.delete(parentId);
    if (!core.disposables.isDisposed) refreshParent(core, parentId);
  }, 250);
  t.unref();
  m.set(parentId, t);
}
