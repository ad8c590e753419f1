import type { EndpointHealth } from '../../contract/engines';
import type { Atelier } from '../app/atelier';

/**
 * The last health check of each engine server, in memory: the job queue's checks write it,
 * Settings → Engines reads it. Nothing to keep across restarts: the first check comes at start.
 */
const store = new WeakMap<Atelier, Map<string, EndpointHealth>>();

export function recordHealth(core: Atelier, endpointId: string, health: EndpointHealth): void {
  let m = store.get(core);
  if (!m) store.set(core, (m = new Map<string, EndpointHealth>()));
  m.set(endpointId, health);
}

export function healthOf(core: Atelier, endpointId: string): EndpointHealth | null {
  return store.get(core)?.get(endpointId) ?? null;
}
