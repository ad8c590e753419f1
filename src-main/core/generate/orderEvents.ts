import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import { orderOfBatch, orderOfJob } from './orderStore';

/**
 * An item's status follows its job in the database (a trigger); this tells the windows: every
 * change of a generation job becomes `orders.changed` for its order.
 */
export function startOrderEvents(core: Atelier): Disposable {
  const off = core.events.on('jobs.changed', ({ job }) => {
    if (job.kind.startsWith('generate_')) {
      const at = orderOfJob(core, job.id);
      if (at) core.events.emit('orders.changed', at);
    } else if (job.kind === 'batch') {
      const orderId = orderOfBatch(core, job.id);
      if (orderId) core.events.emit('orders.changed', { orderId });
    }
  });
  return { dispose: off };
}
