import { create } from 'zustand';
import type { GenerateOptions, ModelInfo, ModelScanSummary, ProjectInfo } from '@contract/index';
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
import {
  applyDefaults,
  defaultsPatch,
  takeBack,
  undoDefaults,
  type AppliedDefaults,
  type Edited,
} from './projectDefaults';

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
   * The fields the creator has changed (typed, remixed, a template): their values are the
   * creator's own, which a project's defaults never replace. An apply only sets unmarked fields.
   */
  edited: Edited;
  /** The chosen project's defaults as applied ("Using Project X's defaults" with an Undo). */
  projectDefaults: AppliedDefaults | null;

  /**
   * A patch of the form. A new prompt from elsewhere (a remix, a template) forgets the prompt's
   * Enhance original unless the patch names one; the creator's own typing goes through editPrompt.
   */
  update(patch: Partial<GenerateForm>): void;
  /** The creator edits the prompt: an Enhance original is kept (until forgotten). */
  editPrompt(prompt: string): void;
  /**
   * The project new orders go to (null: none). Its default model and parameters fill the fields
   * the creator has not changed since the last apply; the last project's are taken back first.
   */
  chooseProject(
    project: Pick<ProjectInfo, 'id' | 'name' | 'defaultModel' | 'defaultParams'> | null,
  ): void;
  /** Puts back what the form held before the project's defaults. */
  undoProjectDefaults(): void;
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

/**
 * Another family draws at other sizes (SD 1.5 at 512, SDXL at 1024): moving `form` to model
 * `ref` moves it to the family's first preset unless the current size is one of its own.
 */
function familySize(
  s: Pick<GenerateState, 'checkpoints' | 'options'>,
  form: GenerateForm,
  ref: string,
): Partial<GenerateForm> {
  const find = (r: string) => s.checkpoints?.find((m) => modelRef(m) === r) ?? null;
  const before = find(form.model);
  const after = find(ref);
  if (!after || (before && before.family === after.family)) return {};
  const presets = sizesFor(s.options, after.family);
  const fits = presets.some((p) => p.width === form.width && p.height === form.height);
  return !fits && presets[0] ? { width: presets[0].width, height: presets[0].height } : {};
}

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
  edited: {},
  projectDefaults: null,

  update(patch) {
    if ('prompt' in patch && !('originalPrompt' in patch)) patch = { ...patch, originalPrompt: '' };
    const serverErrors = { ...get().serverErrors };
    const edited = { ...get().edited };
    for (const k of Object.keys(patch) as (keyof GenerateForm)[]) {
      delete serverErrors[k as keyof FieldErrors];
      if (k !== 'projectId') edited[k] = true;
    }
    set({ form: { ...get().form, ...patch }, serverErrors, edited });
  },

  chooseProject(project) {
    const { form, edited, projectDefaults: last, checkpoints, loraModels } = get();
    if (project && checkpoints === null) {
      // Its model is matched to the checkpoints listed here: those first (opened from a project's
      // page before the Generate page loaded them).
      set({ form: { ...form, projectId: project.id } });
      void get()
        .loadModels()
        .then(() => {
          if (get().form.projectId === project.id && get().checkpoints !== null)
            get().chooseProject(project);
        });
      return;
    }
    if (!project) {
      set({ form: { ...takeBack(form, last, edited), projectId: '' }, projectDefaults: null });
      return;
    }
    const wanted = defaultsPatch(project, checkpoints, loraModels);
    // Another family draws at other sizes: its first preset, unless the project names a size.
    if (wanted.model && !('width' in wanted) && !edited.width && !edited.height)
      Object.assign(wanted, familySize(get(), takeBack(form, last, edited), wanted.model));
    const next = applyDefaults(form, edited, last, project, wanted);
    const serverErrors = { ...get().serverErrors };
    for (const k of Object.keys(next.applied?.set ?? {}))
      delete serverErrors[k as keyof FieldErrors];
    set({
      form: { ...next.form, projectId: project.id },
      projectDefaults: next.applied,
      serverErrors,
    });
  },

  undoProjectDefaults() {
    const { form, edited, projectDefaults: applied } = get();
    if (!applied) return;
    set({ form: undoDefaults(form, applied, edited), projectDefaults: null });
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
      // Not the creator's choice: a project's default model may still replace it.
      if (!get().form.model && first) {
        const ref = modelRef(first);
        set({ form: { ...get().form, model: ref, ...familySize(get(), get().form, ref) } });
      }
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
    get().update({ model: ref, ...familySize(get(), get().form, ref) });
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
