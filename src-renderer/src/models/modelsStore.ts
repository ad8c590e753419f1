import { create } from 'zustand';
import type { ModelFamily, ModelInfo, ModelKind, ModelScanSummary } from '@contract/index';
import { api } from '../api/client';
import { modelRef } from './labels';

export interface ModelFilters {
  search: string;
  kind: ModelKind | '';
  family: ModelFamily | '';
  /** Only models with a file here or on a server. */
  available: boolean;
}

export interface ModelPatch {
  triggerToken?: string | null;
  description?: string | null;
  licenseNote?: string | null;
  nonCommercial?: boolean;
}

interface ModelsState {
  filters: ModelFilters;
  models: ModelInfo[] | null;
  error: string | null;
  /** kind:matchKey of the model in the side panel. */
  selected: string | null;
  /** The selected model as models.get tells it (files and all). */
  detail: ModelInfo | null;
  detailError: string | null;
  scanning: boolean;
  scan: ModelScanSummary | null;
  scanError: string | null;

  setFilters(patch: Partial<ModelFilters>): void;
  load(): Promise<void>;
  select(m: ModelInfo | null): void;
  refreshDetail(): Promise<void>;
  runScan(): Promise<void>;
  dismissScan(): void;
  /** Saves; resolves to the server's refusal, or null. */
  save(m: ModelInfo, patch: ModelPatch): Promise<string | null>;
}

export const selectionKey = (m: ModelInfo) => `${m.kind}:${m.matchKey}`;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
let loadSeq = 0;

export const useModels = create<ModelsState>((set, get) => ({
  filters: { search: '', kind: '', family: '', available: false },
  models: null,
  error: null,
  selected: null,
  detail: null,
  detailError: null,
  scanning: false,
  scan: null,
  scanError: null,

  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch } });
  },

  async load() {
    const seq = ++loadSeq;
    const f = get().filters;
    try {
      const models = await api.call('models.list', {
        ...(f.search.trim() ? { search: f.search.trim() } : {}),
        ...(f.kind ? { kind: f.kind } : {}),
        ...(f.family ? { family: f.family } : {}),
        ...(f.available ? { available: true } : {}),
        limit: 5000,
      });
      if (seq === loadSeq) set({ models, error: null });
    } catch (err) {
      if (seq === loadSeq) set({ error: message(err) });
    }
  },

  select(m) {
    set({ selected: m ? selectionKey(m) : null, detail: m, detailError: null });
    if (m) void get().refreshDetail();
  },

  async refreshDetail() {
    const key = get().selected;
    const current = get().detail;
    if (!key || !current) return;
    try {
      const d = await api.call('models.get', { ref: modelRef(current) });
      if (get().selected === key) set({ detail: d, detailError: null });
    } catch (err) {
      if (get().selected === key) set({ detailError: message(err) });
    }
  },

  async runScan() {
    if (get().scanning) return;
    set({ scanning: true, scanError: null });
    try {
      set({ scan: await api.call('models.scan', {}) });
      await get().load();
      await get().refreshDetail();
    } catch (err) {
      set({ scanError: message(err) });
    } finally {
      set({ scanning: false });
    }
  },

  dismissScan() {
    set({ scan: null, scanError: null });
  },

  async save(m, patch) {
    try {
      const next = await api.call('models.update', { ref: modelRef(m), ...patch });
      const key = selectionKey(m);
      set({
        models:
          get().models?.map((x) =>
            selectionKey(x) === key ? { ...x, ...next, assetCount: x.assetCount } : x,
          ) ?? null,
        ...(get().selected === key ? { detail: next } : {}),
      });
      return null;
    } catch (err) {
      return message(err);
    }
  },
}));

let timer: ReturnType<typeof setTimeout> | null = null;
api.on('models.changed', () => {
  if (useModels.getState().models === null || timer) return;
  timer = setTimeout(() => {
    timer = null;
    void useModels.getState().load();
    void useModels.getState().refreshDetail();
  }, 400);
});
