import type { generateMethods } from '../../contract/generate';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { generateOptions } from './options';
import { cancelOrder, mayChangeOrder, retryOrder } from './orderActions';
import { getOrder, listOrders, orderRow } from './orderStore';
import { startOrder } from './startOrder';
import { AppError } from '../../contract/errors';

export function generateHandlers(core: Atelier): HandlersFor<keyof typeof generateMethods> {
  return {
    'generate.start': (input, ctx) => startOrder(core, input, ctx.caller.userId),
    'generate.options': ({ refresh }) => generateOptions(core, refresh),
    // Members see their own orders; the owner and admins everyone's.
    'orders.list': (input, ctx) =>
      listOrders(core, {
        ...input,
        createdBy: ctx.caller.role === 'member' ? (ctx.caller.userId ?? '') : undefined,
      }),
    'orders.get': ({ id }, ctx) => {
      const row = orderRow(core, id);
      if (ctx.caller.role === 'member' && row.created_by !== ctx.caller.userId)
        throw new AppError('not_found', `No order ${id}`);
      return getOrder(core, id);
    },
    'orders.cancel': ({ id }, ctx) => (mayChangeOrder(core, ctx.caller, id), cancelOrder(core, id)),
    'orders.retry': ({ id, itemIds }, ctx) => (
      mayChangeOrder(core, ctx.caller, id),
      retryOrder(core, id, itemIds)
    ),
  };
}
