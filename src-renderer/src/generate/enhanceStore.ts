/**
 * Enhance (the prompt assistant) on the Generate page: the prompt templates, the one last chosen,
 * and one run at a time: asked → streamed live (assistant.delta for its requestId) → done, then
 * "Use it" puts the enhanced prompt in the form and keeps the original beside it.
 */
import { create } from 'zustand';
import { enhancedParams, type EnhanceResult, type PromptTemplateInfo } from '@contract/index';
import { api } from '../api/client';
import { useGenerate } from './generateStore';

export interface EnhanceRun {
  requestId: string;
  /** The prompt as sent. */
  original: string;
  templateName: string;
  /** checking: assistant.status; streaming: the answer is being written; done: the result is in. */
  status: 'checking' | 'streaming' | 'done' | 'failed';
  /** The raw text streamed so far (the cleaned result replaces it when done). */
  text: string;
  result: EnhanceResult | null;
  error: string | null;
}

export interface EnhanceState {
  templates: PromptTemplateInfo[] | null;
  templatesError: string | null;
  templateId: string;
  run: EnhanceRun | null;
  /** assistant.status's problem: what to set up before Enhance can work. */
  problem: string | null;
  loadTemplates(): Promise<void>;
  chooseTemplate(id: string): void;
  enhance(): Promise<void>;
  accept(): void;
  discard(): void;
  dismissProblem(): void;
}

const templateKey = 'atelier.generate.enhanceTemplate';
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function savedTemplate(): string {
  try {
    return localStorage.getItem(templateKey) ?? '';
  } catch {
    return '';
  }
}

let runs = 0;
function newRequestId(): string {
  const a = new Uint32Array(2);
  window.crypto.getRandomValues(a);
  return `enh-${Date.now().toString(36)}-${++runs}-${a[0]!.toString(36)}${a[1]!.toString(36)}`;
}

export const useEnhance = create<EnhanceState>((set, get) => ({
  templates: null,
  templatesError: null,
  templateId: savedTemplate(),
  run: null,
  problem: null,

  async loadTemplates() {
    try {
      const templates = await api.call('promptTemplates.list', {});
      const { templateId } = get();
      set({
        templates,
        templatesError: null,
        templateId: templates.some((t) => t.id === templateId)
          ? templateId
          : (templates[0]?.id ?? ''),
      });
    } catch (err) {
      set({ templatesError: message(err) });
    }
  },

  chooseTemplate(id) {
    set({ templateId: id });
    try {
      localStorage.setItem(templateKey, id);
    } catch {
      // Only the choice's memory is lost.
    }
  },

  async enhance() {
    const { templateId, templates, run: current } = get();
    if (current && (current.status === 'checking' || current.status === 'streaming')) return;
    const original = useGenerate.getState().form.prompt;
    const requestId = newRequestId();
    const templateName = templates?.find((t) => t.id === templateId)?.name ?? 'template';
    const mine = () => get().run?.requestId === requestId;
    const patch = (p: Partial<EnhanceRun>) => {
      const run = get().run;
      if (run?.requestId === requestId) set({ run: { ...run, ...p } });
    };
    set({
      problem: null,
      run: {
        requestId,
        original,
        templateName,
        status: 'checking',
        text: '',
        result: null,
        error: null,
      },
    });
    try {
      const status = await api.call('assistant.status', { probe: false });
      if (!mine()) return;
      if (!status.available) {
        set({ run: null, problem: status.problem ?? 'No chat server can be asked now.' });
        return;
      }
      patch({ status: 'streaming' });
      const result = await api.call('assistant.enhance', {
        prompt: original,
        templateId,
        stream: true,
        requestId,
      });
      patch({ status: 'done', result, text: result.enhanced });
    } catch (err) {
      patch({ status: 'failed', error: message(err) });
    }
  },

  accept() {
    const result = get().run?.result;
    if (!result) return;
    // Enhancing a prompt that was enhanced before: the creator's first words stay the original.
    const form = useGenerate.getState().form;
    const original = form.originalPrompt.trim() ? form.originalPrompt : result.original;
    useGenerate.getState().update(enhancedParams(original, result.enhanced));
    set({ run: null });
  },

  discard() {
    set({ run: null });
  },

  dismissProblem() {
    set({ problem: null });
  },
}));

api.on('assistant.delta', ({ requestId, text }) => {
  const run = useEnhance.getState().run;
  if (!run || run.requestId !== requestId || run.status === 'done') return;
  useEnhance.setState({
    run: {
      ...run,
      text: run.text + text,
      status: run.status === 'checking' ? 'streaming' : run.status,
    },
  });
});

api.on('promptTemplates.changed', () => {
  if (useEnhance.getState().templates !== null) void useEnhance.getState().loadTemplates();
});
