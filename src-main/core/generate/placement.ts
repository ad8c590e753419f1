import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';

/**
 * Which model each engine server ran last, so the next item of that model goes where it is
 * already loaded: a ComfyUI server that switches checkpoints spends seconds to minutes loading
 * (and VRAM) before the first step. Memory only: after a restart every server is cold anyway.
 */
const loaded = new WeakMap<Atelier, Map<string, string>>();

export function noteLoadedModel(core: Atelier, endpointId: string, modelId: string): void {
  let m = loaded.get(core);
  if (!m) loaded.set(core, (m = new Map<string, string>()));
  m.set(endpointId, modelId);
}

/** The free server that has the item's model loaded; null leaves it to the least used. */
export function preferLoadedModel(
  core: Atelier,
  params: unknown,
  free: { id: string; endpointId: string | null }[],
): string | null {
  const m = loaded.get(core);
  const itemId = (params as { itemId?: unknown } | null)?.itemId;
  if (!m || typeof itemId !== 'string') return null;
  const row = statements(core.sqlite).all(
    'SELECT o.model_id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.id = ?',
    [itemId],
  )[0] as { model_id: string | null } | undefined;
  if (!row?.model_id) return null;
  return free.find((f) => f.endpointId && m.get(f.endpointId) === row.model_id)?.id ?? null;
}
