/**
 * A project's default model and parameters in the Generate form. Choosing a project applies them
 * to the fields the creator has not changed since the last apply; choosing another project (or
 * None) first takes back what the last one set, so no project's leftovers stay; Undo puts back
 * what the form held before. Pure: the store (generateStore) keeps the state.
 */
import type { ModelInfo, ProjectInfo } from '@contract/index';
import { modelRef } from '../models/labels';
import { nextLoraKey, type GenerateForm, type LoraRow } from './formLogic';

/** The form fields a project default can set. */
export const defaultFields = [
  'model',
  'negative',
  'width',
  'height',
  'steps',
  'cfg',
  'sampler',
  'scheduler',
  'seed',
  'seedMode',
  'count',
  'clipSkip',
  'engine',
  'loras',
  'destination',
  'noNegativePresets',
] as const;
export type DefaultField = (typeof defaultFields)[number];

export const defaultFieldNames: Record<DefaultField, string> = {
  model: 'model',
  negative: 'negative prompt',
  width: 'width',
  height: 'height',
  steps: 'steps',
  cfg: 'CFG',
  sampler: 'sampler',
  scheduler: 'scheduler',
  seed: 'seed',
  seedMode: 'seed mode',
  count: 'image count',
  clipSkip: 'CLIP skip',
  engine: 'engine',
  loras: 'LoRAs',
  destination: 'destination',
  noNegativePresets: 'negative presets',
};

/** What an apply did: enough to show it, undo it, or take it back for another project. */
export interface AppliedDefaults {
  projectId: string;
  projectName: string;
  /** The values it set. */
  set: Partial<GenerateForm>;
  /** The form's values before, for the fields it set. */
  before: Partial<GenerateForm>;
  /** Fields the project has a default for that the creator had changed: left as they were. */
  kept: DefaultField[];
}

export type Edited = Partial<Record<keyof GenerateForm, true>>;

/** Parameter names as people and other tools write them ("cfg_scale", "Negative prompt"…). */
const aliases: Record<string, DefaultField> = {
  negative: 'negative',
  negativeprompt: 'negative',
  width: 'width',
  height: 'height',
  steps: 'steps',
  cfg: 'cfg',
  cfgscale: 'cfg',
  guidance: 'cfg',
  sampler: 'sampler',
  samplername: 'sampler',
  scheduler: 'scheduler',
  seed: 'seed',
  seedmode: 'seedMode',
  count: 'count',
  images: 'count',
  clipskip: 'clipSkip',
  engine: 'engine',
  loras: 'loras',
  destination: 'destination',
  nonegativepresets: 'noNegativePresets',
};

const norm = (k: string) => k.toLowerCase().replace(/[^a-z]/g, '');

function num(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

const nameKey = (s: string) =>
  (s.split(/[\\/]/).pop() ?? s)
    .replace(/\.(safetensors|sft|gguf|ckpt|pt|pth|bin)$/i, '')
    .toLowerCase();

function loraRows(v: unknown, known: ModelInfo[] | null): LoraRow[] | null {
  if (!Array.isArray(v)) return null;
  const rows: LoraRow[] = [];
  for (const l of v as unknown[]) {
    const ref =
      typeof l === 'string'
        ? l
        : l && typeof l === 'object'
          ? (str((l as Record<string, unknown>).model) ?? str((l as Record<string, unknown>).name))
          : null;
    if (!ref?.trim()) continue;
    const w = l && typeof l === 'object' ? num((l as Record<string, unknown>).weight) : null;
    const m =
      known?.find((x) => x.id === ref || x.name === ref) ??
      known?.find((x) => nameKey(x.name) === nameKey(ref)) ??
      null;
    rows.push({
      key: nextLoraKey(),
      ref: m ? modelRef(m) : ref,
      name: m?.name ?? ref,
      weight: w !== null && w >= -4 && w <= 4 ? w : 1,
      family: m?.family ?? null,
      triggerWords: m?.triggerWords ?? [],
      triggerToken: m?.triggerToken ?? null,
      missing: known !== null && !m,
    });
  }
  return rows;
}

/**
 * The form fields a project's defaults set: its model (matched to a checkpoint here when one is
 * listed) and each parameter whose name and value the form understands; others are ignored.
 */
export function defaultsPatch(
  project: Pick<ProjectInfo, 'defaultModel' | 'defaultParams'>,
  checkpoints: ModelInfo[] | null,
  loraModels: ModelInfo[] | null,
): Partial<GenerateForm> {
  const patch: Partial<GenerateForm> = {};
  const dm = project.defaultModel;
  if (dm) {
    // By id; a model listed from its file alone (no id yet) by its name.
    const m =
      checkpoints?.find((x) => x.id === dm.id) ??
      checkpoints?.find((x) => x.name === dm.name) ??
      checkpoints?.find((x) => nameKey(x.name) === nameKey(dm.name));
    patch.model = m ? modelRef(m) : dm.id;
  }
  const params = project.defaultParams ?? {};
  for (const [rawKey, v] of Object.entries(params)) {
    if (norm(rawKey) === 'size' && typeof v === 'string') {
      const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(v);
      if (m) Object.assign(patch, { width: Number(m[1]), height: Number(m[2]) });
      continue;
    }
    const field = aliases[norm(rawKey)];
    if (!field) continue;
    switch (field) {
      case 'negative':
      case 'sampler':
      case 'scheduler':
      case 'engine': {
        const s = str(v);
        if (s !== null) patch[field] = s;
        break;
      }
      case 'width':
      case 'height':
      case 'steps':
      case 'cfg':
      case 'seed':
      case 'count': {
        const n = num(v);
        if (n !== null) patch[field] = n;
        break;
      }
      case 'clipSkip': {
        const n = num(v);
        if (n !== null || v === null) patch.clipSkip = n;
        break;
      }
      case 'seedMode':
        if (v === 'random' || v === 'fixed' || v === 'increment') patch.seedMode = v;
        break;
      case 'destination':
        if (v === 'library' || v === 'workspace') patch.destination = v;
        break;
      case 'noNegativePresets':
        if (typeof v === 'boolean') patch.noNegativePresets = v;
        break;
      case 'loras': {
        const rows = loraRows(v, loraModels);
        if (rows) patch.loras = rows;
        break;
      }
    }
  }
  return patch;
}

/** LoRA rows compare without their render keys. */
function strip(v: unknown): unknown {
  return Array.isArray(v)
    ? v.map((x: unknown) =>
        x && typeof x === 'object' && 'key' in x ? { ...(x as LoraRow), key: '' } : x,
      )
    : v;
}
const equal = (a: unknown, b: unknown) =>
  JSON.stringify(strip(a) ?? null) === JSON.stringify(strip(b) ?? null);

/**
 * The form after taking back the last apply: each field it set that the creator has not changed
 * since gets its value from before.
 */
export function takeBack(
  form: GenerateForm,
  applied: AppliedDefaults | null,
  edited: Edited,
): GenerateForm {
  if (!applied) return form;
  const out = { ...form } as Record<string, unknown>;
  for (const k of Object.keys(applied.set) as (keyof GenerateForm)[])
    if (!edited[k]) out[k] = applied.before[k];
  return out as unknown as GenerateForm;
}

/**
 * Applies `wanted` (defaultsPatch's answer) to the form: the last apply is taken back first,
 * fields the creator changed since are kept. Returns the new form and what to remember.
 */
export function applyDefaults(
  form: GenerateForm,
  edited: Edited,
  last: AppliedDefaults | null,
  project: { id: string; name: string },
  wanted: Partial<GenerateForm>,
): { form: GenerateForm; applied: AppliedDefaults | null } {
  const base = takeBack(form, last, edited);
  const set: Partial<GenerateForm> = {};
  const before: Partial<GenerateForm> = {};
  const kept: DefaultField[] = [];
  for (const k of Object.keys(wanted) as DefaultField[]) {
    if (edited[k]) {
      if (!equal(base[k], wanted[k])) kept.push(k);
      continue;
    }
    (set as Record<string, unknown>)[k] = wanted[k];
    (before as Record<string, unknown>)[k] = base[k];
  }
  // `base` already holds what the form had before the last project's defaults: an Undo now
  // returns the form to where it was before either project.
  const next = { ...base, ...set };
  if (Object.keys(set).length === 0 && kept.length === 0) return { form: next, applied: null };
  return {
    form: next,
    applied: { projectId: project.id, projectName: project.name, set, before, kept },
  };
}

/** Undo: the fields the apply set, not changed by the creator since, back to their values before. */
export function undoDefaults(
  form: GenerateForm,
  applied: AppliedDefaults,
  edited: Edited,
): GenerateForm {
  return takeBack(form, applied, edited);
}
