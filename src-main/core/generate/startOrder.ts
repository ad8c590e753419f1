import { randomInt } from 'node:crypto';
import { AppError } from '../../contract/errors';
import { generationParams, type GenerationParams, type OrderDetail } from '../../contract/generate';
import type { MethodParsedInput } from '../../contract';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { enqueueBatch } from '../jobs/enqueue';
import { requireModel, type ModelRecord } from '../models/resolveModel';
import { loadSource } from '../process/kindSupport';
import { nowIso, uuidv7 } from '../util/ids';
import { itemKindOf, placeOrder } from './engineChoice';
import { getOrder } from './orderStore';

type StartInput = MethodParsedInput<'generate.start'>;

/** Seeds engines accept everywhere (sd.cpp takes int64, ComfyUI up to 2^64, A1111 2^32). */
const randomSeed = () => randomInt(0, 2 ** 32);

/**
 * The items of an order: N copies of the base with their seeds (random each, the same, or +1
 * each from the first), or the explicit list, each over the base. Every item's parameters are
 * complete, so each can be retried, remixed or read back alone.
 */
export function buildItems(input: StartInput): GenerationParams[] {
  const {
    model: _m,
    count,
    seedMode,
    engine: _e,
    title: _t,
    projectId: _p,
    items,
    ...base
  } = input;
  const first = base.seed >= 0 ? base.seed : randomSeed();
  const seedOf = (i: number) =>
    seedMode === 'fixed'
      ? first
      : seedMode === 'random'
        ? i === 0
          ? first
          : randomSeed()
        : first + i;
  if (items) {
    return items.map((over, i) => {
      const merged = generationParams.parse({ ...base, ...over });
      return { ...merged, seed: over.seed !== undefined && over.seed >= 0 ? over.seed : seedOf(i) };
    });
  }
  return Array.from({ length: count }, (_, i) => ({ ...base, seed: seedOf(i) }));
}

function defaultTitle(prompt: string, n: number): string {
  const p = prompt
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const short = p.length > 48 ? `${p.slice(0, 47)}…` : p || 'Untitled';
  return `“${short}” × ${n}`;
}

/**
 * Queues an order: resolves the model and LoRAs by id, name, file name or hash (refusing an
 * unknown one with the closest names), picks where it runs, and writes the order, its items and
 * their jobs in one transaction — a crash never leaves items without jobs or jobs without items.
 */
export async function startOrder(
  core: Atelier,
  input: StartInput,
  createdBy: string | null,
): Promise<OrderDetail> {
  const model = requireModel(core, input.model, 'checkpoint');
  const items = buildItems(input);
  const loraRefs = new Map<string, ModelRecord>();
  for (const item of items)
    for (const l of item.loras)
      if (!loraRefs.has(l.model)) loraRefs.set(l.model, requireModel(core, l.model, 'lora'));
  // LoRAs are stored by their registry names: unique, readable in a remix, stable across renames of the ref.
  for (const item of items)
    item.loras = item.loras.map((l) => ({ model: loraRefs.get(l.model)!.name, weight: l.weight }));
  const inits = new Set(items.flatMap((i) => (i.init ? [i.init.assetId] : [])));
  for (const id of inits) await loadSource(core, id, ['image'], 'img2img');
  if (input.projectId) {
    const p = statements(core.sqlite).all('SELECT 1 FROM projects WHERE id = ?', [input.projectId]);
    if (!p.length) throw new AppError('not_found', `No project ${input.projectId}`);
  }
  const place = await placeOrder(core, input.engine, model, [...new Set(loraRefs.values())]);
  const orderId = uuidv7();
  const itemIds = items.map(() => uuidv7());
  const title = input.title ?? defaultTitle(input.prompt, items.length);
  const kind = itemKindOf[place.engine];
  const base = { ...items[0]!, modelName: model.name, placement: place.label };
  await enqueueBatch(
    core,
    kind,
    title,
    items.map((p, i) => ({
      params: { itemId: itemIds[i] },
      assetId: p.init?.assetId ?? null,
      title: `${title} #${i + 1} · seed ${p.seed}`,
    })),
    {
      pool: place.pool,
      createdBy,
      inTransaction: (parentId, childIds) => {
        const at = nowIso();
        const q = statements(core.sqlite);
        q.get(
          `INSERT INTO orders (id, title, project_id, model_id, engine, endpoint_id, params, job_id, created_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          orderId,
          title,
          input.projectId ?? null,
          model.id,
          place.engine,
          place.endpointId,
          JSON.stringify(base),
          parentId,
          createdBy,
          at,
          at,
        );
        const insert = q.get(
          `INSERT INTO order_items (id, order_id, seq, generation_params, job_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        items.forEach((p, i) =>
          insert.run(itemIds[i], orderId, i + 1, JSON.stringify(p), childIds[i], at, at),
        );
      },
    },
  );
  core.events.emit('orders.changed', { orderId });
  return getOrder(core, orderId);
}
