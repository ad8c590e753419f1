import { create } from 'zustand';
import type { GenerateOptions, ModelInfo, ModelScanSummary } from '@contract/index';
import { api, ApiCallError } from '../api/client';
import { toastInfo } from '../stores/toasts';
import { modelRef } from '../models/labels';
import {
  defaultForm,
  fieldErrorsFromIssues,
  nextLoraKey,
  sizesFor,
  toInput,
  validate,
  type FieldErrors,
  type GenerateForm,
  type LoraRow,
} from './formLogic';
import { useOrders } from './ordersStore';

/** edit: the form; confirm: the summary with Queue / Back; submitting: generate.start is on its way. */
export type GeneratePhase = 'edit' | 'confirm' | 'submitting';

export interface GenerateState {
  form: GenerateForm;
  options: GenerateOptions | null;
  optionsError: string | null;
  /** Checkpoints with a file here or on a server; null until loaded. */
  checkpoints: ModelInfo[] | null;
  loraModels: ModelInfo[] | null;
  /** Every model's name by its ref, as listed at any time: a model gone since keeps its name. */
  modelNames: Record<string, string>;
  modelsError: string | null;
  scanning: boolean;
  scanResult: ModelScanSummary | null;
  phase: GeneratePhase;
  /** Generate was pressed once: "pick a model" and the like show from then on. */
  attempted: boolean;
  /** The server's refusal (its AppError message), shown beside the form until dismissed. */
  error: string | null;
  serverErrors: FieldErrors;
  /** What a remix could not carry over (a model not found here, a sampler no engine offers). */
  notes: string[];

  /**
   * A patch of the form. A new prompt from elsewhere (a remix, a template) forgets the prompt's
   * Enhance original unless the patch names one; the creator's own typing goes through editPrompt.
   */
  update(patch: Partial<GenerateForm>): void;
  /** The creator edits the prompt: an Enhance original is kept (until forgotten). */
  editPrompt(prompt: string): void;
  loadOptions(refresh?: boolean): Promise<void>;
  loadModels(): Promise<void>;
  scanModels(): Promise<void>;
  selectModel(ref: string): void;
  addLora(m: ModelInfo, weight?: number): void;
  setLoraWeight(key: string, weight: number): void;
  removeLora(key: string): void;
  /** Appends a word (a LoRA's trigger) to the prompt, comma-separated, once. */
  insertIntoPrompt(word: string): void;
  /** Checks the form; opens the confirm step when it is valid. */
  openConfirm(): boolean;
  back(): void;
  queue(): Promise<void>;
  dismissError(): void;
  setNotes(notes: string[]): void;
}

const formKey = 'atelier.generate.form';

/** The last form, so a reload or another page keeps what was typed (not the init image). */
function loadForm(): GenerateForm {
  try {
    const saved = JSON.parse(localStorage.getItem(formKey) ?? '{}') as Partial<GenerateForm>;
    const form: GenerateForm = { ...defaultForm };
    for (const k of Object.keys(defaultForm) as (keyof GenerateForm)[]) {
      const v = saved[k];
      const d = defaultForm[k];
      if (k === 'init' || v === undefined) continue;
      if (k === 'loras' && Array.isArray(v))
        form.loras = v
          .filter((l) => typeof l?.ref === 'string' && typeof l.weight === 'number')
          .map((l) => ({ ...l, key: nextLoraKey() }));
      else if (k === 'clipSkip') form.clipSkip = typeof v === 'number' ? v : null;
      else if (typeof v === typeof d && (typeof v !== 'number' || Number.isFinite(v)))
        (form as unknown as Record<string, unknown>)[k] = v;
    }
    if (form.destination !== 'workspace') form.destination = 'library';
    return form;
  } catch {
    return { ...defaultForm };
  }
}

const byFamilyThenName = (a: ModelInfo, b: ModelInfo) =>
  (a.family ?? 'zz').localeCompare(b.family ?? 'zz') || a.name.localeCompare(b.name);

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useGenerate = create<GenerateState>((set, get) => ({
  form: loadForm(),
  options: null,
  optionsError: null,
  checkpoints: null,
  loraModels: null,
  modelNames: {},
  modelsError: null,
  scanning: false,
  scanResult: null,
  phase: 'edit',
  attempted: false,
  error: null,
  serverErrors: {},
  notes: [],

  update(patch) {
    if ('prompt' in patch && !('originalPrompt' in patch)) patch = { ...patch, originalPrompt: '' };
    const serverErrors = { ...get().serverErrors };
    for (const k of Object.keys(patch)) delete serverErrors[k as keyof FieldErrors];
    set({ form: { ...get().form, ...patch }, serverErrors });
  },

  editPrompt(prompt) {
    get().update({ prompt, originalPrompt: get().form.originalPrompt });
  },

  async loadOptions(refresh = false) {
    try {
      set({ options: await api.call('generate.options', { refresh }), optionsError: null });
    } catch (err) {
      set({ optionsError: message(err) });
    }
  },

  async loadModels() {
    try {
      const [checkpoints, loraModels] = await Promise.all([
        api.call('models.list', { kind: 'checkpoint', available: true, limit: 5000 }),
        api.call('models.list', { kind: 'lora', limit: 5000 }),
      ]);
      // The most used checkpoint (the list comes most used first) until the creator picks one.
      const first = checkpoints[0];
      const modelNames = { ...get().modelNames };
      for (const m of [...checkpoints, ...loraModels]) modelNames[modelRef(m)] = m.name;
      set({
        checkpoints: [...checkpoints].sort(byFamilyThenName),
        loraModels: [...loraModels].sort(byFamilyThenName),
        modelNames,
        modelsError: null,
      });
      if (!get().form.model && first) get().selectModel(modelRef(first));
    } catch (err) {
      set({ modelsError: message(err) });
    }
  },

  async scanModels() {
    if (get().scanning) return;
    set({ scanning: true, modelsError: null });
    try {
      set({ scanResult: await api.call('models.scan', {}) });
      await get().loadModels();
    } catch (err) {
      set({ modelsError: `The scan failed: ${message(err)}` });
    } finally {
      set({ scanning: false });
    }
  },

  selectModel(ref) {
    const { form, checkpoints, options } = get();
    const find = (r: string) => checkpoints?.find((m) => modelRef(m) === r) ?? null;
    const before = find(form.model);
    const after = find(ref);
    const patch: Partial<GenerateForm> = { model: ref };
    // Another family draws at other sizes (SD 1.5 at 512, SDXL at 1024): move to its first preset
    // unless the current size is one of its own.
    if (after && (!before || before.family !== after.family)) {
      const presets = sizesFor(options, after.family);
      const fits = presets.some((p) => p.width === form.width && p.height === form.height);
      if (!fits && presets[0])
        Object.assign(patch, { width: presets[0].width, height: presets[0].height });
    }
    get().update(patch);
  },

  addLora(m, weight = 1) {
    const { form } = get();
    const row: LoraRow = {
      key: nextLoraKey(),
      ref: modelRef(m),
      name: m.name,
      weight,
      family: m.family,
      triggerWords: m.triggerWords,
      triggerToken: m.triggerToken,
      missing: false,
    };
    get().update({ loras: [...form.loras, row] });
  },

  setLoraWeight(key, weight) {
    get().update({ loras: get().form.loras.map((l) => (l.key === key ? { ...l, weight } : l)) });
  },

  removeLora(key) {
    get().update({ loras: get().form.loras.filter((l) => l.key !== key) });
  },

  insertIntoPrompt(word) {
    const prompt = get().form.prompt;
    const parts = prompt.split(',').map((p) => p.trim().toLowerCase());
    if (parts.includes(word.trim().toLowerCase())) return;
    const trimmed = prompt.replace(/[\s,]+$/, '');
    get().editPrompt(trimmed ? `${trimmed}, ${word}` : word);
  },

  openConfirm() {
    const errors = validate(get().form);
    set({ attempted: true });
    if (Object.keys(errors).length > 0) return false;
    set({ phase: 'confirm' });
    return true;
  },

  back() {
    if (get().phase === 'confirm') set({ phase: 'edit' });
  },

  async queue() {
    const { form, phase } = get();
    if (phase === 'submitting') return;
    if (Object.keys(validate(form)).length > 0) return set({ phase: 'edit', attempted: true });
    set({ phase: 'submitting', error: null, serverErrors: {} });
    try {
      const order = await api.call('generate.start', toInput(form));
      useOrders.getState().add(order);
      set({ phase: 'edit', attempted: false });
      toastInfo(
        order.destination === 'workspace' ? 'Order queued for the Workspace' : 'Order queued',
        `${order.itemCount.toLocaleString()} ${order.itemCount === 1 ? 'image' : 'images'} · ${order.title}`,
      );
    } catch (err) {
      set({
        phase: 'edit',
        error: message(err),
        serverErrors: err instanceof ApiCallError ? fieldErrorsFromIssues(err.error.details) : {},
      });
    }
  },

  dismissError() {
    set({ error: null });
  },

  setNotes(notes) {
    set({ notes });
  },
}));

let saveTimer: ReturnType<typeof setTimeout> | null = null;
useGenerate.subscribe((s, prev) => {
  if (s.form === prev.form) return;
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    try {
      localStorage.setItem(formKey, JSON.stringify({ ...useGenerate.getState().form, init: null }));
    } catch {
      // A full or disabled storage only loses the form's memory.
    }
  }, 400);
});

let modelsTimer: ReturnType<typeof setTimeout> | null = null;
api.on('models.changed', () => {
  if (useGenerate.getState().checkpoints === null || modelsTimer) return;
  modelsTimer = setTimeout(() => {
    modelsTimer = null;
    void useGenerate.getState().loadModels();
  }, 500);
});
