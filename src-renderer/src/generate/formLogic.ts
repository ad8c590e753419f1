/**
 * The Generate form as data: its shape, defaults, the checks the server will make (so most
 * mistakes show beside their field before a round trip), and the request it becomes.
 */
import type { GenerateInput, GenerateOptions, ModelFamily, SeedMode } from '@contract/index';

export const MAX_ITEMS = 10_000;
export const MAX_PROMPT = 8000;
export const MAX_LORAS = 16;
export const MAX_SEED = 2 ** 53 - 1;
/** A1111 and most UIs: CLIP reads 75 tokens at a time; longer prompts are split into chunks. */
export const CLIP_CHUNK = 75;

export interface LoraRow {
  /** Stable across re-renders and duplicates (the same LoRA twice at different weights). */
  key: string;
  /** Sent as `model`: a registry id, a name or a file name. */
  ref: string;
  name: string;
  weight: number;
  family: ModelFamily | null;
  triggerWords: string[];
  triggerToken: string | null;
  /** Named by a remixed image but not among the LoRAs known here. */
  missing: boolean;
}

export interface InitImage {
  assetId: string;
  strength: number;
  /** The asset's file name, for the summary and the thumbnail's alt text. */
  label: string;
  width?: number | null;
  height?: number | null;
}

export interface GenerateForm {
  /** The checkpoint's ref ('' when none is chosen). */
  model: string;
  prompt: string;
  /**
   * The prompt before Enhance rewrote it ('' when the prompt is the creator's own). Kept while the
   * prompt is edited afterwards, until the creator forgets it (the ✕ beside "Enhanced from").
   */
  originalPrompt: string;
  negative: string;
  /** NaN while a number field is being retyped; validation reports it. */
  width: number;
  height: number;
  steps: number;
  cfg: number;
  /** '' = the engine's default. */
  sampler: string;
  scheduler: string;
  seed: number;
  seedMode: SeedMode;
  count: number;
  clipSkip: number | null;
  /** '' = chosen for you. */
  engine: string;
  loras: LoraRow[];
  init: InitImage | null;
  /** Where the images go: the Library, or a workspace session to keep or discard them. */
  destination: Destination;
  /** The project the order belongs to ('' = none). */
  projectId: string;
  /** Leave the model family's negative presets out of this order. */
  noNegativePresets: boolean;
}

export type Destination = 'library' | 'workspace';

export const defaultForm: GenerateForm = {
  model: '',
  prompt: '',
  originalPrompt: '',
  negative: '',
  width: 512,
  height: 512,
  steps: 20,
  cfg: 7,
  sampler: '',
  scheduler: '',
  seed: -1,
  seedMode: 'increment',
  count: 1,
  clipSkip: null,
  engine: '',
  loras: [],
  init: null,
  destination: 'library',
  projectId: '',
  noNegativePresets: false,
};

export type FieldName =
  | 'model'
  | 'prompt'
  | 'negative'
  | 'width'
  | 'height'
  | 'steps'
  | 'cfg'
  | 'seed'
  | 'count'
  | 'clipSkip'
  | 'loras'
  | 'init'
  | 'engine'
  | 'sampler'
  | 'scheduler';

export type FieldErrors = Partial<Record<FieldName, string>>;

const isInt = (n: number) => Number.isInteger(n);

function dimensionError(n: number, what: string): string | undefined {
  if (!Number.isFinite(n)) return `Enter a ${what}`;
  if (!isInt(n) || n % 8 !== 0) return `The ${what} must be a multiple of 8`;
  if (n < 64 || n > 4096) return `The ${what} must be 64–4096 pixels`;
  return undefined;
}

export function validate(f: GenerateForm): FieldErrors {
  const e: FieldErrors = {};
  if (!f.model) e.model = 'Pick a model';
  if (f.prompt.length > MAX_PROMPT)
    e.prompt = `At most ${MAX_PROMPT.toLocaleString()} characters (this one has ${f.prompt.length.toLocaleString()})`;
  if (f.negative.length > MAX_PROMPT)
    e.negative = `At most ${MAX_PROMPT.toLocaleString()} characters (this one has ${f.negative.length.toLocaleString()})`;
  const w = dimensionError(f.width, 'width');
  if (w) e.width = w;
  const h = dimensionError(f.height, 'height');
  if (h) e.height = h;
  if (!isInt(f.steps) || f.steps < 1 || f.steps > 200) e.steps = 'Steps: a whole number, 1–200';
  if (!Number.isFinite(f.cfg) || f.cfg < 0 || f.cfg > 50) e.cfg = 'CFG: 0–50';
  if (!isInt(f.seed) || f.seed < -1 || f.seed > MAX_SEED)
    e.seed = 'Seed: a whole number, or −1 for a random one';
  if (!isInt(f.count) || f.count < 1 || f.count > MAX_ITEMS)
    e.count = `Images: a whole number, 1–${MAX_ITEMS.toLocaleString()}`;
  if (f.clipSkip !== null && (!isInt(f.clipSkip) || f.clipSkip < 1 || f.clipSkip > 12))
    e.clipSkip = 'CLIP skip: 1–12, or empty for the default';
  if (f.loras.length > MAX_LORAS) e.loras = `At most ${MAX_LORAS} LoRAs at once`;
  else if (f.loras.some((l) => !Number.isFinite(l.weight) || l.weight < -4 || l.weight > 4))
    e.loras = 'A LoRA weight must be between −4 and 4';
  if (f.init && !(f.init.strength >= 0 && f.init.strength <= 1)) e.init = 'Strength: 0–1';
  return e;
}

/** The original rides along only when it differs from what is sent and fits an order. */
export function sentOriginal(f: Pick<GenerateForm, 'prompt' | 'originalPrompt'>): boolean {
  return (
    f.originalPrompt.trim() !== '' &&
    f.originalPrompt !== f.prompt &&
    f.originalPrompt.length <= MAX_PROMPT
  );
}

/** The request generate.start receives. */
export function toInput(f: GenerateForm): GenerateInput {
  return {
    model: f.model,
    prompt: f.prompt,
    ...(sentOriginal(f) ? { originalPrompt: f.originalPrompt } : {}),
    negative: f.negative,
    width: f.width,
    height: f.height,
    steps: f.steps,
    cfg: f.cfg,
    ...(f.sampler ? { sampler: f.sampler } : {}),
    ...(f.scheduler ? { scheduler: f.scheduler } : {}),
    seed: f.seed,
    seedMode: f.seedMode,
    count: f.count,
    ...(f.clipSkip !== null ? { clipSkip: f.clipSkip } : {}),
    ...(f.engine ? { engine: f.engine } : {}),
    loras: f.loras.map((l) => ({ model: l.ref, weight: l.weight })),
    ...(f.init ? { init: { assetId: f.init.assetId, strength: f.init.strength } } : {}),
    destination: f.destination,
    ...(f.projectId ? { projectId: f.projectId } : {}),
    noNegativePresets: f.noNegativePresets,
  };
}

/** Server answers name fields by their zod path: `['loras', 2, 'weight']` is the LoRA list. */
export function fieldErrorsFromIssues(details: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!Array.isArray(details)) return out;
  const known = new Set<string>(Object.keys(defaultForm));
  for (const issue of details as { path?: unknown; message?: unknown }[]) {
    const path: unknown = issue?.path;
    const head: unknown = Array.isArray(path) ? (path as unknown[])[0] : undefined;
    if (typeof head === 'string' && known.has(head) && typeof issue.message === 'string')
      out[head as FieldName] ??= issue.message;
  }
  return out;
}

/** A rough CLIP token count: words and comma-separated pieces × 1.3, as most UIs estimate. */
export function estimateTokens(text: string): number {
  const pieces = text
    .replace(/<(lora|lyco|hypernet):[^>]*>/gi, ' ')
    .split(/[\s,]+/)
    .filter(Boolean).length;
  return Math.ceil(pieces * 1.3);
}

/** "≈ 42 / 75 tokens"; past 75 the limit grows by a chunk, as A1111 shows it. */
export function tokenBudget(tokens: number): { limit: number; chunks: number } {
  const chunks = Math.max(1, Math.ceil(tokens / CLIP_CHUNK));
  return { limit: chunks * CLIP_CHUNK, chunks };
}

export function randomSeed(): number {
  const a = new Uint32Array(1);
  window.crypto.getRandomValues(a);
  return a[0]!;
}

export type SizePreset = { label: string; width: number; height: number };

/** Presets for a family: the engines' list for it, else the unknown family's, else generic ones. */
export function sizesFor(
  options: GenerateOptions | null,
  family: ModelFamily | null,
): SizePreset[] {
  const s = options?.sizes ?? {};
  return (
    (family && s[family]) ||
    s.unknown || [
      { label: '1:1', width: 512, height: 512 },
      { label: '2:3', width: 512, height: 768 },
      { label: '3:2', width: 768, height: 512 },
    ]
  );
}

/** Fits a size into the engine's rules: multiples of 8, 64–4096, the long side at most `max`. */
export function fitSize(
  width: number,
  height: number,
  max = 2048,
): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  const round = (n: number) => Math.min(4096, Math.max(64, Math.round((n * scale) / 8) * 8));
  return { width: round(width), height: round(height) };
}

let loraKey = 0;
export function nextLoraKey(): string {
  return `l${++loraKey}`;
}
