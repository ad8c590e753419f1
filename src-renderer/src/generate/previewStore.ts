/**
 * The live expansion preview: what the prompt expands to (batches, images, each batch's first
 * prompt, the server's errors and warnings) and the negative presets an order would get, asked
 * of `orders.preview` as the creator types (after a short pause), newest answer wins.
 */
import { create } from 'zustand';
import type { ModelFamily, OrderPreview } from '@contract/index';
import { api } from '../api/client';
import { modelRef } from '../models/labels';
import { MAX_ITEMS, type GenerateForm } from './formLogic';
import { useGenerate } from './generateStore';

/** Typing pauses this long before the server is asked. */
export const PREVIEW_DEBOUNCE_MS = 150;

export interface PreviewRequest {
  prompt: string;
  negative: string;
  seed: number;
  family?: ModelFamily;
  noNegativePresets: boolean;
}

interface PreviewState {
  /** The request the form asks for now (JSON), and the one `preview` answers. */
  wanted: string | null;
  answered: string | null;
  /** The request `preview` answers: what it says is about that prompt, not the one typed since. */
  answeredReq: PreviewRequest | null;
  preview: OrderPreview | null;
  /** The call itself failed (not the prompt): nothing is blocked, the order's own checks decide. */
  failure: string | null;
  /** Ask now (the page opening, the confirm step, a lookup that changed). */
  refresh(): void;
}

let timer: ReturnType<typeof setTimeout> | null = null;
let seq = 0;

export function previewRequest(
  form: GenerateForm,
  family: ModelFamily | null | undefined,
): PreviewRequest {
  return {
    prompt: form.prompt,
    negative: form.negative,
    seed: Number.isInteger(form.seed) && form.seed >= -1 ? form.seed : -1,
    ...(family ? { family } : {}),
    noNegativePresets: form.noNegativePresets,
  };
}

function currentRequest(): PreviewRequest {
  const g = useGenerate.getState();
  const family = g.checkpoints?.find((m) => modelRef(m) === g.form.model)?.family;
  return previewRequest(g.form, family);
}

async function ask(key: string, req: PreviewRequest): Promise<void> {
  const mine = ++seq;
  try {
    const preview = await api.call('orders.preview', { ...req, items: false });
    if (mine === seq)
      usePreview.setState({ preview, answered: key, answeredReq: req, failure: null });
  } catch (err) {
    if (mine === seq)
      usePreview.setState({
        preview: null,
        answered: key,
        answeredReq: req,
        failure: err instanceof Error ? err.message : String(err),
      });
  }
}

function schedule(now: boolean): void {
  const req = currentRequest();
  const key = JSON.stringify(req);
  const s = usePreview.getState();
  if (!now && key === s.wanted) return;
  usePreview.setState({ wanted: key });
  if (timer) clearTimeout(timer);
  timer = setTimeout(
    () => {
      timer = null;
      void ask(key, req);
    },
    now ? 0 : PREVIEW_DEBOUNCE_MS,
  );
}

export const usePreview = create<PreviewState>(() => ({
  wanted: null,
  answered: null,
  answeredReq: null,
  preview: null,
  failure: null,
  refresh: () => schedule(true),
}));

// Only what the preview depends on: the prompts, the seed, the model's family, the presets switch.
useGenerate.subscribe((s, prev) => {
  const f = s.form;
  const p = prev.form;
  if (
    f.prompt === p.prompt &&
    f.negative === p.negative &&
    f.seed === p.seed &&
    f.model === p.model &&
    f.noNegativePresets === p.noNegativePresets &&
    s.checkpoints === prev.checkpoints
  )
    return;
  if (usePreview.getState().wanted !== null) schedule(false);
});

let lookupsTimer: ReturnType<typeof setTimeout> | null = null;
api.on('lookups.changed', () => {
  if (usePreview.getState().wanted === null || lookupsTimer) return;
  lookupsTimer = setTimeout(() => {
    lookupsTimer = null;
    schedule(true);
  }, 200);
});

/** What the shown answer means for the order in the form. */
export interface PreviewView {
  /** The answer is for the form as it is now. */
  fresh: boolean;
  preview: OrderPreview | null;
  /** The prompt uses expansion syntax (or the server changed it): the order is its expansion. */
  expanded: boolean;
  /** Images the order makes: the expansion's total × the count, or the count. */
  images: number;
  /** Why Generate is off (the server's errors, a dry run, too many images); null when it is not. */
  blocked: string | null;
  /** The text may expand and the answer for it is on its way: the count is not known yet. */
  counting: boolean;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Text the expander could change: brackets, `__name__`, `(&)`, `||`, `meta:`, `batch:`,
 * `pipeline:`. Without any of them a prompt is made as typed, whatever an older answer said.
 */
export function mayExpand(prompt: string, negative: string): boolean {
  const t = `${prompt}\n${negative}`;
  return /[[\]]|__|\(&\)|\|\||\b(?:meta|batch|pipeline):/i.test(t);
}

/** A prompt the expander leaves as it is (no brackets, lookups, batches, parameters): nothing to show. */
export function isPlain(p: OrderPreview, prompt: string, negative: string): boolean {
  if (p.errors.length || p.warnings.length || p.dryRun || p.truncated) return false;
  if (p.batches.length !== 1 || p.total !== 1) return false;
  const first = p.batches[0]?.first;
  if (!first) return false;
  return (
    norm(first.prompt) === norm(prompt) &&
    norm(first.negative) === norm(negative) &&
    Object.keys(first.params).length === 0
  );
}

export function viewOf(
  s: Pick<PreviewState, 'wanted' | 'answered' | 'answeredReq' | 'preview'>,
  form: GenerateForm,
): PreviewView {
  const fresh = s.wanted !== null && s.wanted === s.answered;
  const p = s.preview;
  const req = s.answeredReq;
  const count = Number.isInteger(form.count) && form.count > 0 ? form.count : 1;
  const counting = !fresh && !!form.prompt.trim() && mayExpand(form.prompt, form.negative);
  // An answer older than the text (typing goes on) still shows, dimmed, while the text may
  // expand; about a prompt that cannot, or one that was plain or empty, it says nothing.
  if (
    !p ||
    !req ||
    !form.prompt.trim() ||
    !mayExpand(form.prompt, form.negative) ||
    !req.prompt.trim() ||
    isPlain(p, req.prompt, req.negative)
  )
    return {
      fresh,
      preview: p,
      expanded: false,
      images: form.count,
      blocked: null,
      counting,
    };
  const images = p.total * count;
  let blocked: string | null = null;
  if (!p.ok || p.errors.length) blocked = 'The prompt does not expand: see the errors under it.';
  else if (p.dryRun)
    blocked = 'This prompt asks for a dry run (meta:debug:dryrun): it is only previewed.';
  else if (p.total === 0) blocked = 'The prompt expands to no image.';
  else if (images > MAX_ITEMS)
    blocked = `${images.toLocaleString()} images: at most ${MAX_ITEMS.toLocaleString()} per order.`;
  return { fresh, preview: p, expanded: true, images, blocked, counting };
}

/** The form's order as the preview sees it (re-rendered when either changes). */
export function usePreviewView(): PreviewView {
  const form = useGenerate((s) => s.form);
  const wanted = usePreview((s) => s.wanted);
  const answered = usePreview((s) => s.answered);
  const answeredReq = usePreview((s) => s.answeredReq);
  const preview = usePreview((s) => s.preview);
  return viewOf({ wanted, answered, answeredReq, preview }, form);
}

/** "4 batches · 96 images", "24 prompts × 4 = 96 images", "2 images". */
export function countText(p: OrderPreview, count: number): string {
  const n = (x: number, one: string, many: string) =>
    `${x.toLocaleString()} ${x === 1 ? one : many}`;
  const c = Number.isInteger(count) && count > 1 ? count : 1;
  const images =
    c > 1
      ? `${n(p.total, 'prompt', 'prompts')} × ${c.toLocaleString()} = ${n(p.total * c, 'image', 'images')}`
      : n(p.total, 'image', 'images');
  return p.batches.length > 1 ? `${n(p.batches.length, 'batch', 'batches')} · ${images}` : images;
}
