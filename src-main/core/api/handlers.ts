import type { Atelier } from '../app/atelier';
import { systemHandlers } from '../system/handlers';
import type { Handlers } from './types';

/** Every domain's handlers merged; `satisfies` makes a missing or extra method a compile error. */
export function createHandlers(core: Atelier): Handlers {
  return {
    ...systemHandlers(core),
  } satisfies Handlers;
}
