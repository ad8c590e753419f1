import type { Atelier } from '../app/atelier';
import { nowIso } from '../util/ids';

/** Sign-ins (good and bad) and what admins did, kept for the owner to read. */
export async function audit(
  core: Atelier,
  entry: {
    userId: string | null;
    ip?: string;
    action: string;
    target?: string | null;
    details?: unknown;
  },
): Promise<void> {
  await core.db
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      user_id: entry.userId,
      ip: entry.ip ?? '',
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details === undefined ? null : capped(JSON.stringify(entry.details)),
    })
    .execute();
}

/** An import of 10,000 paths is one entry, not megabytes of them. */
function capped(json: string): string {
  return json.length <= 4000 ? json : JSON.stringify({ truncated: json.slice(0, 4000) });
}
