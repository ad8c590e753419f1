import { AppError } from '../../contract/errors';
import type { OrderDetail } from '../../contract/generate';
import type { Atelier } from '../app/atelier';
import type { Caller } from '../app/caller';
import { statements } from '../db/statements';
import { cancelJob, retryJob } from '../jobs/queue';
import { getOrder, orderRow } from './orderStore';

/** Members change only their own orders; the owner and admins anyone's. */
export function mayChangeOrder(core: Atelier, caller: Caller, id: string): void {
  const row = orderRow(core, id);
  if (caller.role === 'member' && row.created_by !== caller.userId)
    throw new AppError(
      'unauthorized',
      'This order is someone else’s: only they or an admin may change it.',
    );
}

/** Items not made yet are cancelled (a running one is stopped); what was made stays in the Library. */
export function cancelOrder(core: Atelier, id: string): OrderDetail {
  const row = orderRow(core, id);
  if (row.job_id) cancelJob(core, row.job_id);
  core.events.emit('orders.changed', { orderId: id });
  return getOrder(core, id);
}

/** Failed and cancelled items (or the ones named) go back into the queue with the same seeds. */
export function retryOrder(core: Atelier, id: string, itemIds?: string[]): OrderDetail {
  orderRow(core, id);
  const rows = statements(core.sqlite).all(
    `SELECT id, job_id, status FROM order_items WHERE order_id = ? AND status IN ('failed', 'cancelled')`,
    [id],
  ) as { id: string; job_id: string | null; status: string }[];
  const wanted = itemIds ? rows.filter((r) => itemIds.includes(r.id)) : rows;
  if (itemIds) {
    const unknown = itemIds.filter((i) => !rows.some((r) => r.id === i));
    if (unknown.length)
      throw new AppError(
        'conflict',
        `Only failed or cancelled items can be retried; ${unknown.length === 1 ? 'one of those is' : `${unknown.length} of those are`} not.`,
      );
  }
  if (!wanted.length)
    throw new AppError('conflict', 'Nothing in this order failed or was cancelled.');
  for (const r of wanted) if (r.job_id) retryJob(core, r.job_id);
  core.events.emit('orders.changed', { orderId: id });
  return getOrder(core, id);
}
