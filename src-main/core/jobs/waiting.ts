import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../util/ids';
import { stmt } from './jobStore';

/**
 * Queued jobs that no online pool can take say what they wait for ("Waiting for ComfyUI
 * 'studio-pc' (offline: …)"); the message goes when a pool that takes them is back. Returns how
 * many jobs changed.
 */
export function refreshWaitingMessages(
  db: BetterSqlite3.Database,
  keys: string[],
  reasonFor: (key: string) => string | null,
): number {
  const set = stmt(
    db,
    `UPDATE jobs SET progress_message = ?, updated_at = ? WHERE status = 'queued' AND pool = ?
       AND (progress_message IS NULL OR progress_message LIKE 'Waiting for %' OR progress_message LIKE 'Re-queued: %')
       AND progress_message IS NOT ?`,
  );
  const clear = stmt(
    db,
    `UPDATE jobs SET progress_message = NULL, updated_at = ? WHERE status = 'queued' AND pool = ?
       AND progress_message LIKE 'Waiting for %'`,
  );
  const at = nowIso();
  let changed = 0;
  db.transaction(() => {
    for (const key of keys) {
      const why = reasonFor(key);
      changed += why ? set.run(why, at, key, why).changes : clear.run(at, key).changes;
    }
  })();
  return changed;
}
