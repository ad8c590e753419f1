/**
 * Prefill: the Generate form from an image already in the Library (its prompt, seed, size,
 * sampler, model and LoRAs as its metadata recorded them), or from a model on the Models page.
 */
import type {
  AssetDetail,
  GenerateOptions,
  GenerationParams,
  GenerationTemplateInfo,
  ModelInfo,
  OrderSummary,
  WorkspaceItemInfo,
} from '@contract/index';
import { api } from '../api/client';
import { useNav } from '../stores/navigation';
import { toastError } from '../stores/toasts';
import { modelRef, shortName } from '../models/labels';
import { fitSize, MAX_SEED, nextLoraKey, type GenerateForm, type LoraRow } from './formLogic';
import { useGenerate } from './generateStore';

export type RemixMode = 'remix' | 'img2img';

const key = (s: string) => shortName(s).toLowerCase();

/** A model named by metadata: by A1111's short hash first (renamed files), then by file name. */
function findModel(list: ModelInfo[], name: string | null, hash: string | null): ModelInfo | null {
  const h = hash?.trim().toLowerCase();
  if (h) {
    const byHash = list.find(
      (m) =>
        (m.autov2 && (m.autov2.toLowerCase() === h || m.autov2.toLowerCase().startsWith(h))) ||
        m.hashes.some((x) => x.toLowerCase() === h),
    );
    if (byHash) return byHash;
  }
  if (!name) return null;
  const k = key(name);
  return list.find((m) => m.matchKey === k || key(m.name) === k) ?? null;
}

/** "DPM++ 2M", "dpm++2m" and "dpmpp_2m" are one sampler; "Euler a" is "euler_ancestral". */
const samplerKey = (s: string) =>
  s
    .toLowerCase()
    .replace(/\+\+/g, 'pp')
    .replace(/ancestral/g, 'a')
    .replace(/[^a-z0-9]/g, '');

const schedulerWords = [
  'karras',
  'exponential',
  'sgm uniform',
  'polyexponential',
  'simple',
  'beta',
];

/** A1111 writes the scheduler into the sampler's name ("DPM++ 2M Karras") or as "Schedule type". */
function matchSampler(
  raw: string | null,
  scheduleType: string | undefined,
  options: GenerateOptions | null,
): { sampler: string; scheduler: string; note: string | null } {
  if (!raw) return { sampler: '', scheduler: '', note: null };
  let name = raw.trim();
  let sched = scheduleType?.trim() ?? '';
  for (const w of schedulerWords) {
    const re = new RegExp(`\\s+${w}$`, 'i');
    if (re.test(name)) {
      name = name.replace(re, '');
      sched ||= w;
    }
  }
  const sampler = options?.samplers.find((s) => samplerKey(s) === samplerKey(name)) ?? '';
  const scheduler =
    (sched && options?.schedulers.find((s) => samplerKey(s) === samplerKey(sched))) || '';
  const note = sampler
    ? null
    : `Sampler “${raw}” is not one the engines offer; the engine’s default is used.`;
  return { sampler, scheduler, note };
}

const loraTag = /<(?:lora|lyco):([^:>]+)(?::([^:>]*))?[^>]*>/gi;

/** LoRAs written into the prompt the A1111 way, which the form lists as rows instead. */
function promptLoras(prompt: string): { name: string; weight: number | null }[] {
  return [...prompt.matchAll(loraTag)].map((m) => {
    const w = Number(m[2]);
    return { name: m[1]!.trim(), weight: m[2] !== undefined && Number.isFinite(w) ? w : null };
  });
}

function stripLoraTags(prompt: string): string {
  return prompt
    .replace(loraTag, '')
    .replace(/\s*,(\s*,)+/g, ',')
    .replace(/^[\s,]+|[\s,]+$/g, '')
    .replace(/[ \t]{2,}/g, ' ');
}

function parseSeed(s: string | null): number | null {
  if (!s || !/^\d+$/.test(s.trim())) return null;
  const n = Number(s.trim());
  return n <= MAX_SEED ? n : null;
}

/** What a prefill reads: an asset's details, or a workspace image's (the same generation facts). */
export type PrefillSource = Pick<
  AssetDetail,
  | 'id'
  | 'filename'
  | 'generation'
  | 'prompt'
  | 'negativePrompt'
  | 'seed'
  | 'model'
  | 'modelHash'
  | 'width'
  | 'height'
>;

/** What the form becomes for this asset, and what could not be carried over. */
export function prefillFrom(
  d: PrefillSource,
  mode: RemixMode,
  checkpoints: ModelInfo[],
  loraModels: ModelInfo[],
  options: GenerateOptions | null,
): { patch: Partial<GenerateForm>; notes: string[] } {
  const g = d.generation;
  const notes: string[] = [];
  const rawPrompt = g?.prompt ?? d.prompt ?? '';
  const patch: Partial<GenerateForm> = {
    prompt: stripLoraTags(rawPrompt),
    negative: g?.negativePrompt ?? d.negativePrompt ?? '',
    init: null,
  };
  if (!g && !d.prompt)
    notes.push('This file carries no generation parameters; only the image is used.');

  const seed = parseSeed(g?.seed ?? d.seed);
  if (seed !== null) Object.assign(patch, { seed, seedMode: 'increment' as const });

  const gw = g?.width ?? null;
  const gh = g?.height ?? null;
  if (gw && gh) Object.assign(patch, fitSize(gw, gh, 4096));
  else if (d.width && d.height)
    Object.assign(patch, fitSize(d.width, d.height, mode === 'img2img' ? 2048 : 1536));

  if (g?.steps && g.steps >= 1 && g.steps <= 200) patch.steps = Math.round(g.steps);
  if (g?.cfg !== null && g?.cfg !== undefined && g.cfg >= 0 && g.cfg <= 50) patch.cfg = g.cfg;
  // Atelier's own images record their parameters without `extra` (and without a tool): tolerate it.
  const extra: Record<string, string> = g?.extra ?? {};
  const clip = Number(extra['Clip skip'] ?? extra['CLIP skip']);
  patch.clipSkip = Number.isInteger(clip) && clip >= 1 && clip <= 12 ? clip : null;

  const s = matchSampler(g?.sampler ?? null, extra['Schedule type'], options);
  patch.sampler = s.sampler;
  patch.scheduler = s.scheduler;
  if (s.note) notes.push(s.note);

  const modelName = g?.model ?? d.model;
  const model = findModel(checkpoints, modelName, g?.modelHash ?? d.modelHash);
  if (model) patch.model = modelRef(model);
  else if (modelName)
    notes.push(
      `Model “${modelName}” is not among the models here; pick one, or scan the model folders.`,
    );

  const wanted = [...(g?.loras ?? [])];
  for (const l of promptLoras(rawPrompt))
    if (!wanted.some((w) => key(w.name) === key(l.name))) wanted.push(l);
  const rows: LoraRow[] = wanted.map((l) => {
    const m = findModel(loraModels, l.name, null);
    return {
      key: nextLoraKey(),
      ref: m ? modelRef(m) : l.name,
      name: m?.name ?? l.name,
      weight: l.weight !== null && l.weight >= -4 && l.weight <= 4 ? l.weight : 1,
      family: m?.family ?? null,
      triggerWords: m?.triggerWords ?? [],
      triggerToken: m?.triggerToken ?? null,
      missing: !m,
    };
  });
  patch.loras = rows;
  const missing = rows.filter((r) => r.missing).map((r) => r.name);
  if (missing.length)
    notes.push(
      `Not found here: ${missing.join(', ')}. Kept in the list; remove them or add the files.`,
    );

  if (mode === 'img2img')
    patch.init = {
      assetId: d.id,
      strength: 0.75,
      label: d.filename,
      width: d.width,
      height: d.height,
    };
  return { patch, notes };
}

/**
 * Fills the Generate form from a Library asset and opens the Generate page. `remix`: its prompt,
 * negative, seed, size, steps, CFG, sampler, model and LoRAs; `img2img`: the same, with the asset
 * as the init image.
 */
export async function remixFrom(assetId: string, mode: RemixMode): Promise<void> {
  try {
    const [detail] = await Promise.all([api.call('assets.get', { id: assetId }), ready()]);
    fill(detail, mode);
  } catch (err) {
    toastError(mode === 'remix' ? 'Could not remix this image' : 'Could not use this image', err);
  }
}

/** The models and engine options the prefill matches names against, loaded once. */
async function ready(): Promise<void> {
  const store = useGenerate.getState();
  await Promise.all([
    store.checkpoints === null ? store.loadModels() : undefined,
    store.options === null ? store.loadOptions() : undefined,
  ]);
}

function fill(detail: PrefillSource, mode: RemixMode): void {
  const s = useGenerate.getState();
  const { patch, notes } = prefillFrom(
    detail,
    mode,
    s.checkpoints ?? [],
    s.loraModels ?? [],
    s.options,
  );
  const { model, ...rest } = patch;
  s.update(rest);
  if (model) s.selectModel(model);
  // selectModel may move the size to the family's preset: the image's own size wins.
  if (patch.width && patch.height) s.update({ width: patch.width, height: patch.height });
  useGenerate.setState({ notes, phase: 'edit', error: null, attempted: false });
  useNav.getState().go('generate');
}

/** A workspace image's generation facts, as a prefill reads an asset's. */
function workspaceSource(item: WorkspaceItemInfo, assetId: string | null): PrefillSource {
  const g = item.params as AssetDetail['generation'] | null;
  const generation =
    g && typeof g === 'object'
      ? { ...g, loras: Array.isArray(g.loras) ? g.loras : [], extra: g.extra ?? {} }
      : null;
  return {
    id: assetId ?? item.id,
    filename: `${item.prompt?.slice(0, 40) || 'workspace image'}.${item.ext}`,
    generation,
    prompt: item.prompt,
    negativePrompt: item.negativePrompt,
    seed: item.seed,
    model: item.model,
    modelHash: generation?.modelHash ?? null,
    width: item.width,
    height: item.height,
  };
}

/** Remix from the Workspace: its prompt, seed, size, sampler, model and LoRAs in the form. */
export async function remixWorkspaceItem(item: WorkspaceItemInfo): Promise<void> {
  try {
    await ready();
    fill(workspaceSource(item, null), 'remix');
  } catch (err) {
    toastError('Could not remix this image', err);
  }
}

/** A kept workspace image (an asset now) as the init image, with its settings in the form. */
export async function initFromWorkspaceItem(
  item: WorkspaceItemInfo,
  assetId: string,
): Promise<void> {
  try {
    await ready();
    fill(workspaceSource(item, assetId), 'img2img');
    // Its file name as the Library knows it, for the field's label.
    const a = await api.call('assets.get', { id: assetId }).catch(() => null);
    const init = useGenerate.getState().form.init;
    if (a && init?.assetId === assetId)
      useGenerate.getState().update({ init: { ...init, label: a.filename } });
  } catch (err) {
    toastError('Could not use this image', err);
  }
}

/** From the Models page: a checkpoint becomes the form's model, a LoRA joins its list. */
export function sendModelToGenerate(m: ModelInfo): void {
  const s = useGenerate.getState();
  if (m.kind === 'lora') {
    if (!s.form.loras.some((l) => l.ref === modelRef(m))) s.addLora(m);
  } else s.selectModel(modelRef(m));
  useNav.getState().go('generate');
}

/**
 * Parameters (an order's, a template's) as a patch of the form: the LoRAs matched to the ones
 * known here, the init image kept by id. The engine choice and the count stay as they are.
 */
function paramsPatch(p: Partial<GenerationParams>): Partial<GenerateForm> {
  const s = useGenerate.getState();
  const patch: Partial<GenerateForm> = {};
  if (typeof p.prompt === 'string') patch.prompt = p.prompt;
  if (typeof p.originalPrompt === 'string') patch.originalPrompt = p.originalPrompt;
  if (typeof p.negative === 'string') patch.negative = p.negative;
  if (typeof p.width === 'number') patch.width = p.width;
  if (typeof p.height === 'number') patch.height = p.height;
  if (typeof p.steps === 'number') patch.steps = p.steps;
  if (typeof p.cfg === 'number') patch.cfg = p.cfg;
  patch.sampler = typeof p.sampler === 'string' ? p.sampler : '';
  patch.scheduler = typeof p.scheduler === 'string' ? p.scheduler : '';
  if (typeof p.seed === 'number') patch.seed = p.seed;
  patch.clipSkip = typeof p.clipSkip === 'number' ? p.clipSkip : null;
  patch.loras = (Array.isArray(p.loras) ? p.loras : []).map((l) => {
    const m =
      s.loraModels?.find((x) => x.id === l.model || x.name === l.model) ??
      findModel(s.loraModels ?? [], l.model, null);
    return {
      key: nextLoraKey(),
      ref: l.model,
      name: m?.name ?? l.model,
      weight: typeof l.weight === 'number' ? l.weight : 1,
      family: m?.family ?? null,
      triggerWords: m?.triggerWords ?? [],
      triggerToken: m?.triggerToken ?? null,
      missing: s.loraModels !== null && !m,
    };
  });
  patch.init = p.init
    ? { assetId: p.init.assetId, strength: p.init.strength, label: 'the order’s init image' }
    : null;
  return patch;
}

/** An order's settings back in the form (prompt as typed, size, sampler, seed, model, LoRAs); the engine choice stays. */
export function reuseOrder(order: OrderSummary): void {
  const s = useGenerate.getState();
  if (order.model) s.selectModel(order.model.id ?? order.model.name);
  // An expanded order's prompt as it was typed (with its brackets), not its first item's.
  s.update(paramsPatch({ ...order.params, prompt: order.sourcePrompt ?? order.params.prompt }));
  useGenerate.setState({ notes: [], phase: 'edit', error: null });
}

/** A template's model and parameters in the form (its seed stays: templates keep none). */
export function applyTemplate(t: GenerationTemplateInfo): void {
  const s = useGenerate.getState();
  const notes: string[] = [];
  if (t.model) {
    const m = s.checkpoints?.find((x) => x.id === t.model!.id);
    s.selectModel(m ? modelRef(m) : t.model.id);
    if (s.checkpoints && !m)
      notes.push(
        `Model “${t.model.name}” is not among the models here; pick one, or scan the model folders.`,
      );
  }
  const p = t.params as Partial<GenerationParams>;
  const patch = paramsPatch(p);
  // A template's size wins over the family's first preset that selectModel may have chosen.
  s.update(patch);
  const missing = (patch.loras ?? []).filter((l) => l.missing).map((l) => l.name);
  if (missing.length)
    notes.push(
      `Not found here: ${missing.join(', ')}. Kept in the list; remove them or add the files.`,
    );
  useGenerate.setState({ notes, phase: 'edit', error: null, attempted: false });
}
