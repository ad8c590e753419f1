import { create } from 'zustand';
import type {
  ExportOptionsInput,
  PackAssetItem,
  PackCheckReport,
  PackExportRecord,
  PackPreset,
  PackSummary,
  SelectionInput,
} from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from './toasts';

export interface ExportProgress {
  exportId: string;
  packId: string;
  fraction: number;
  message: string;
}

interface PacksState {
  packs: PackSummary[];
  loaded: boolean;
  presets: PackPreset[];
  selectedId: string | null;
  assets: PackAssetItem[];
  report: PackCheckReport | null;
  checking: boolean;
  exports: PackExportRecord[];
  progress: Record<string, ExportProgress>;
  load(): Promise<void>;
  select(id: string | null): Promise<void>;
  refreshDetail(): Promise<void>;
  create(name: string): Promise<void>;
  update(patch: Omit<Parameters<typeof api.call<'packs.update'>>[1], 'id'>): Promise<void>;
  remove(id: string): Promise<void>;
  /** Also the entry point for the Library: add its selection to a pack. */
  addAssets(packId: string, assetIds: string[], query?: string): Promise<number>;
  /** Adds a Library selection: its ids, or every asset its filter matches ("select all"). */
  addSelection(packId: string, selection: SelectionInput): Promise<number>;
  add(
    packId: string,
    what: { assetIds?: string[]; query?: string; selection?: SelectionInput },
  ): Promise<number>;
  removeAssets(assetIds: string[]): Promise<void>;
  move(assetId: string, toIndex: number): Promise<void>;
  setExportName(assetId: string, name: string | null): Promise<void>;
  check(): Promise<void>;
  /** Re-runs the checks shortly after something they depend on changed (debounced). */
  recheckSoon(): void;
  /** Approves assets from the checks' "Approve these 3". */
  approve(assetIds: string[]): Promise<void>;
  accept(key: string, accepted: boolean): Promise<void>;
  startExport(options: ExportOptionsInput): Promise<void>;
  cancelExport(exportId: string): Promise<void>;
  reveal(exportId: string): Promise<void>;
}

/** Loads every page of a pack's assets; a pack of thousands is still a few calls. */
async function allAssets(packId: string): Promise<PackAssetItem[]> {
  const items: PackAssetItem[] = [];
  let after: number | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await api.call('packs.assets', { packId, after, limit: 500 });
    items.push(...page.items);
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  return items;
}

export const usePacks = create<PacksState>((set, get) => ({
  packs: [],
  loaded: false,
  presets: [],
  selectedId: null,
  assets: [],
  report: null,
  checking: false,
  exports: [],
  progress: {},
  async load() {
    try {
      const [packs, presets] = await Promise.all([
        api.call('packs.list', {}),
        get().presets.length ? get().presets : api.call('packs.presets', {}),
      ]);
      set({ packs, presets, loaded: true });
      const sel = get().selectedId;
      if (sel && !packs.some((p) => p.id === sel))
        set({ selectedId: null, assets: [], report: null, exports: [] });
      if (!get().selectedId && packs[0]) await get().select(packs[0].id);
    } catch (err) {
      toastError('Could not load packs', err);
    }
  },
  async select(id) {
    set({ selectedId: id, assets: [], report: null, exports: [] });
    if (id) {
      await get().refreshDetail();
      void get().check();
    }
  },
  async refreshDetail() {
    const id = get().selectedId;
    if (!id) return;
    try {
      const [assets, exports] = await Promise.all([
        allAssets(id),
        api.call('packs.exports', { packId: id, limit: 20 }),
      ]);
      if (get().selectedId === id) set({ assets, exports });
    } catch (err) {
      toastError('Could not load the pack', err);
    }
  },
  async create(name) {
    try {
      const p = await api.call('packs.create', { name });
      await get().load();
      await get().select(p.id);
    } catch (err) {
      toastError('Could not create the pack', err);
    }
  },
  async update(patch) {
    const id = get().selectedId;
    if (!id) return;
    try {
      const p = await api.call('packs.update', { id, ...patch });
      set({ packs: get().packs.map((x) => (x.id === p.id ? p : x)) });
      if ('licenseType' in patch || 'name' in patch || 'description' in patch) void get().check();
    } catch (err) {
      toastError('Could not save the pack', err);
    }
  },
  async remove(id) {
    try {
      await api.call('packs.delete', { id });
      if (get().selectedId === id) set({ selectedId: null });
      await get().load();
    } catch (err) {
      toastError('Could not delete the pack', err);
    }
  },
  addAssets(packId, assetIds, query) {
    return get().add(packId, { assetIds: assetIds.length ? assetIds : undefined, query });
  },
  addSelection(packId, selection) {
    return get().add(packId, { selection });
  },
  async add(packId, what) {
    try {
      const r = await api.call('packs.addAssets', { packId, ...what });
      useToasts.getState().push({ kind: 'success', title: `Added ${r.added} to ${r.pack.name}` });
      if (get().selectedId === packId) {
        await get().refreshDetail();
        void get().check();
      }
      return r.added;
    } catch (err) {
      toastError('Could not add assets', err);
      return 0;
    }
  },
  async removeAssets(assetIds) {
    const id = get().selectedId;
    if (!id) return;
    try {
      await api.call('packs.removeAssets', { packId: id, assetIds });
      set({ assets: get().assets.filter((a) => !assetIds.includes(a.assetId)) });
      void get().check();
    } catch (err) {
      toastError('Could not remove assets', err);
    }
  },
  async move(assetId, toIndex) {
    const id = get().selectedId;
    if (!id) return;
    // Optimistic: the list reorders at once, the server confirms.
    const list = [...get().assets];
    const from = list.findIndex((a) => a.assetId === assetId);
    if (from < 0) return;
    const [item] = list.splice(from, 1);
    list.splice(Math.min(toIndex, list.length), 0, item!);
    set({ assets: list });
    try {
      await api.call('packs.moveAsset', { packId: id, assetId, toIndex });
    } catch (err) {
      toastError('Could not reorder', err);
      await get().refreshDetail();
    }
  },
  async setExportName(assetId, name) {
    const id = get().selectedId;
    if (!id) return;
    try {
      await api.call('packs.setExportName', { packId: id, assetId, exportFilename: name });
      await get().refreshDetail();
      void get().check();
    } catch (err) {
      toastError('That file name cannot be used', err);
    }
  },
  async check() {
    const id = get().selectedId;
    if (!id) return;
    set({ checking: true });
    try {
      const pack = get().packs.find((p) => p.id === id);
      const report = await api.call('packs.check', {
        packId: id,
        preset: pack?.defaultPreset ?? undefined,
      });
      if (get().selectedId === id) set({ report });
    } catch (err) {
      toastError('Checks failed', err);
    } finally {
      set({ checking: false });
    }
  },
  recheckSoon() {
    if (recheckTimer) clearTimeout(recheckTimer);
    recheckTimer = setTimeout(() => {
      recheckTimer = null;
      if (!get().selectedId) return;
      void get().refreshDetail();
      void get().check();
    }, 250);
  },
  async approve(assetIds) {
    try {
      await api.call('curation.set', {
        selection: { ids: assetIds },
        patch: { status: 'approved' },
      });
      // The curation event re-runs the checks; the list's status pills follow.
      await get().refreshDetail();
    } catch (err) {
      toastError('Could not approve', err);
    }
  },
  async accept(key, accepted) {
    const id = get().selectedId;
    if (!id) return;
    try {
      set({ report: await api.call('packs.acceptIssue', { packId: id, key, accepted }) });
    } catch (err) {
      toastError('Could not update the warning', err);
    }
  },
  async startExport(options) {
    const id = get().selectedId;
    if (!id) return;
    try {
      if (options.preset) await api.call('packs.update', { id, defaultPreset: options.preset });
      const r = await api.call('packs.export', { packId: id, options });
      set({
        progress: {
          ...get().progress,
          [r.exportId]: { exportId: r.exportId, packId: id, fraction: 0, message: 'Starting' },
        },
      });
    } catch (err) {
      toastError('Could not start the export', err);
    }
  },
  async cancelExport(exportId) {
    try {
      await api.call('packs.cancelExport', { exportId });
    } catch (err) {
      toastError('Could not cancel', err);
    }
  },
  async reveal(exportId) {
    try {
      const r = await api.call('packs.reveal', { exportId });
      if (!r.revealed) {
        await navigator.clipboard?.writeText(r.path).catch(() => undefined);
        useToasts
          .getState()
          .push({ kind: 'info', title: 'Export saved (path copied)', detail: r.path });
      }
    } catch (err) {
      toastError('Could not show the export', err);
    }
  },
}));

let recheckTimer: ReturnType<typeof setTimeout> | null = null;
let reloadTimer: ReturnType<typeof setTimeout> | null = null;
api.on('packs.changed', ({ packId }) => {
  if (reloadTimer) clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    void usePacks.getState().load();
    if (usePacks.getState().selectedId === packId) usePacks.getState().recheckSoon();
  }, 150);
});
// The checks read curation status, files, model licences and the seller's name: any of them
// changing (here or in another window) re-runs them, so a fix shows without "Check again".
for (const event of [
  'assets.curated',
  'asset.updated',
  'library.changed',
  'settings.changed',
  'models.changed',
] as const) {
  api.on(event, () => {
    const s = usePacks.getState();
    if (!s.selectedId) return;
    s.recheckSoon();
  });
}
api.on('packs.exportProgress', (p) => {
  usePacks.setState((s) => ({ progress: { ...s.progress, [p.exportId]: p } }));
});
api.on('packs.exportFinished', ({ exportId, record }) => {
  usePacks.setState((s) => {
    const progress = { ...s.progress };
    delete progress[exportId];
    return { progress };
  });
  const toasts = useToasts.getState();
  if (record.status === 'completed') {
    const skipped = record.skipped.length ? ` · ${record.skipped.length} left out` : '';
    toasts.push({
      kind: 'success',
      title: 'Pack exported',
      detail: `${record.files.map((f) => f.path.split(/[\\/]/).pop()).join(', ')}${skipped}`,
    });
  } else if (record.status === 'cancelled') {
    toasts.push({ kind: 'info', title: 'Export cancelled', detail: record.error ?? undefined });
  } else {
    toasts.push({ kind: 'error', title: 'Export failed', detail: record.error ?? undefined });
  }
  if (usePacks.getState().selectedId === record.packId) void usePacks.getState().refreshDetail();
});
