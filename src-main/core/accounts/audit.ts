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
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    })
    .execute();
}
