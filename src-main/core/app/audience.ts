import type { EventName } from '../../contract';
import type { Caller } from './caller';
import type { EventBus } from '../events/bus';

/**
 * Who may see which event. Every connection (a desktop window, a browser's WebSocket) receives
 * core events through `subscribeAs`, never straight from the bus, so what a member of a studio
 * sees is decided in one place. Engine servers and watched folders name machines and paths on
 * the host: only those who manage the studio (owner, admin) hear about them.
 */
const managersOnly: ReadonlySet<EventName> = new Set<EventName>([
  'engines.changed',
  'watchFolders.changed',
  'accounts.changed',
]);

/** Events that belong to the person whose action caused them (payload.userId): no one else's. */
const ownerOnly: ReadonlySet<EventName> = new Set<EventName>(['assistant.delta']);

export function visibleTo(caller: Caller, event: EventName, payload?: unknown): boolean {
  if (ownerOnly.has(event))
    return (payload as { userId?: string | null } | undefined)?.userId === caller.userId;
  return caller.role !== 'member' || !managersOnly.has(event);
}

/** Forwards the events `caller()` (asked per event: a session can change) may see. */
export function subscribeAs(
  bus: EventBus,
  caller: () => Caller,
  listener: (event: EventName, payload: unknown) => void,
): () => void {
  return bus.onAny((event, payload) => {
    if (visibleTo(caller(), event, payload)) listener(event, payload);
  });
}
