import { randomInt } from 'node:crypto';
import { AppError } from '../../contract/errors';
import {
  generationParams,
  MAX_ORDER_ITEMS,
  type GenerationParams,
  type OrderDetail,
} from '../../contract/generate';
import type { MethodParsedInput } from '../../contract';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { enqueueBatch } from '../jobs/enqueue';
import { requireModel, type ModelRecord } from '../models/resolveModel';
import { loadSource } from '../process/kindSupport';
import { nowIso, uuidv7 } from '../util/ids';
import { itemKindOf, placeOrder } from './engineChoice';
import { expandPrompt, hasExpansionSyntax } from './expand';
import { lookupTable } from './library/lookups';
import { presetsFor, withPresets } from './library/negativePresets';
import { getOrder } from './orderStore';
import { createSession } from './workspace';

type StartInput = MethodParsedInput<'generate.start'>;

/** Seeds engines accept everywhere (sd.cpp takes int64, ComfyUI up to 2^64, A1111 2^32). */
const randomSeed = () => randomInt(0, 2 ** 32);

/**
 * The items of an order: N copies of the base with their seeds (random each, the same, or +1
 * each from the first), or the explicit list, each over the base. Every item's parameters are
 * complete, so each can be retried, remixed or read back alone. A prompt with expansion syntax
 * (`[a,b]`, lookups, `(&)` batches…, see expand/) becomes its expanded items, each `count` times.
 */
export function buildItems(
  input: StartInput,
  lookups: Record<string, string[]> = {},
): { items: GenerationParams[]; warnings: string[]; expanded: boolean } {
  const {
    model: _m,
    count,
    seedMode,
    engine: _e,
    title: _t,
    projectId: _p,
    items,
    destination: _d,
    noNegativePresets: _n,
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
    return {
      items: items.map((over, i) => {
        const merged = generationParams.parse({ ...base, ...over });
        return {
          ...merged,
          seed: over.seed !== undefined && over.seed >= 0 ? over.seed : seedOf(i),
        };
      }),
      warnings: [],
      expanded: false,
    };
  }
  if (hasExpansionSyntax(base.prompt) || hasExpansionSyntax(base.negative)) {
    const exp = expandPrompt({
      prompt: base.prompt,
      negative: base.negative,
      seed: first,
      lookups,
    });
    if (!exp.ok)
      throw new AppError('invalid_input', `The prompt does not expand: ${exp.errors.join('; ')}`, {
        errors: exp.errors,
      });
    if (exp.dryRun)
      throw new AppError(
        'invalid_input',
        `This prompt asks for a dry run (meta:debug:dryrun): it expands to ${exp.total} image${exp.total === 1 ? '' : 's'} in ${exp.batches.length} batch${exp.batches.length === 1 ? '' : 'es'}; nothing was queued. Preview it, or remove the meta:debug:dryrun token.`,
        { total: exp.total },
      );
    if (exp.total * count > MAX_ORDER_ITEMS)
      throw new AppError(
        'invalid_input',
        `${exp.total} prompts × ${count} images each is ${exp.total * count}: at most ${MAX_ORDER_ITEMS.toLocaleString('en')} images per order`,
      );
    const out: GenerationParams[] = [];
    const ignored = new Set<string>();
    for (const it of exp.items) {
      const over = expandedParams(it.params, ignored);
      for (let c = 0; c < count; c++) {
        const i = out.length;
        const merged = generationParams.safeParse({
          ...base,
          ...over,
          prompt: it.prompt,
          negative: it.negative,
        });
        if (!merged.success)
          throw new AppError(
            'invalid_input',
            `Item ${i + 1} (“${it.prompt.slice(0, 60)}”): ${merged.error.issues[0]?.message ?? 'invalid'}`,
          );
        out.push({
          ...merged.data,
          seed: typeof over.seed === 'number' && over.seed >= 0 ? over.seed + c : seedOf(i),
        });
      }
    }
    const warnings = [...exp.warnings];
    for (const k of ignored)
      warnings.push(`“${k}” is not a parameter Atelier sends to the engine; it was left out`);
    return { items: out, warnings, expanded: true };
  }
  return {
    items: Array.from({ length: count }, (_, i) => ({ ...base, seed: seedOf(i) })),
    warnings: [],
    expanded: false,
  };
}

/** Parameters an order item takes from the expander; others are reported, not sent. */
const itemParamKeys = new Set([
  'steps',
  'cfg',
  'sampler',
  'scheduler',
  'seed',
  'width',
  'height',
  'clipSkip',
]);

/** The expander's parameters in the order's terms (its names are already matched to ours). */
function expandedParams(
  params: Record<string, string | number>,
  ignored: Set<string>,
): Partial<GenerationParams> & { seed?: number } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (itemParamKeys.has(k)) out[k] = v;
    else ignored.add(k);
  }
  return out as Partial<GenerationParams> & { seed?: number };
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
  const built = buildItems(input, lookupTable(core));
  const items = built.items;
  // The family's active negative presets, by priority, unless this order opts out.
  if (!input.noNegativePresets) {
    const presets = presetsFor(core, model.family);
    if (presets.length)
      for (const item of items) item.negative = withPresets(item.negative, presets);
  }
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
  // The order's base is what was asked, as typed (the prompt before expansion, the negative
  // before presets, the count): reusing an order or saving it as a template starts from that.
  const base = {
    ...items[0]!,
    prompt: input.prompt,
    negative: input.negative,
    count: input.count,
    seedMode: input.seedMode,
    noNegativePresets: input.noNegativePresets,
    modelName: model.name,
    placement: place.label,
  };
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
        const sessionId =
          input.destination === 'workspace' ? createSession(core, title, createdBy) : null;
        q.get(
          `INSERT INTO orders (id, title, project_id, model_id, engine, endpoint_id, params, job_id, created_by, created_at, updated_at,
             destination, workspace_session_id, source_prompt, warnings)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          input.destination,
          sessionId,
          built.expanded ? input.prompt : null,
          built.warnings.length ? JSON.stringify(built.warnings.slice(0, 100)) : null,
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
