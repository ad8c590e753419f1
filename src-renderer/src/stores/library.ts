import { create } from 'zustand';
import type { AssetSummary, AssetTypeName, IngestFailure, IngestProgress } from '@contract/index';
import { api } from '../api/client';
import { toastError } from './toasts';

export interface LibraryFilters {
  type: AssetTypeName | null;
  search: string;
  missing: boolean;
}

interface LibraryState {
  items: AssetSummary[];
  nextCursor: string | null;
  filters: LibraryFilters;
  loading: boolean;
  loaded: boolean;
  progress: IngestProgress | null;
  failures: IngestFailure[];
  setFilters(patch: Partial<LibraryFilters>): void;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  loadFailures(): Promise<void>;
  retry(ids?: string[]): Promise<void>;
  dismiss(ids?: string[]): Promise<void>;
}

const PAGE = 120;

function query(f: LibraryFilters, cursor?: string) {
  return {
    limit: PAGE,
    ...(f.type ? { type: f.type } : {}),
    ...(f.search.trim() ? { search: f.search.trim() } : {}),
    ...(f.missing ? { missing: true } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

/** Whether a live asset event belongs in the list as currently filtered. */
function matches(a: AssetSummary, f: LibraryFilters): boolean {
  if (f.search.trim()) return false; // relevance order: refetch rather than guess a position
  if (f.type && a.type !== f.type) return false;
  if (f.missing && !a.missing) return false;
  return true;
}

let generation = 0;

export const useLibrary = create<LibraryState>((set, get) => ({
  items: [],
  nextCursor: null,
  filters: { type: null, search: '', missing: false },
  loading: false,
  loaded: false,
  progress: null,
  failures: [],
  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch } });
    void get().load();
  },
  async load() {
    const mine = ++generation;
    set({ loading: true });
    try {
      const page = await api.call('assets.list', query(get().filters));
      // A newer load (the user kept typing) wins.
      if (mine === generation) set({ items: page.items, nextCursor: page.nextCursor, loaded: true });
    } catch (err) {
      toastError('Could not load the library', err);
    } finally {
      if (mine === generation) set({ loading: false });
    }
  },
  async loadMore() {
    const { nextCursor, loading, filters } = get();
    if (!nextCursor || loading) return;
    const mine = generation;
    set({ loading: true });
    try {
      const page = await api.call('assets.list', query(filters, nextCursor));
      if (mine !== generation) return;
      const seen = new Set(get().items.map((a) => a.id));
      set({ items: [...get().items, ...page.items.filter((a) => !seen.has(a.id))], nextCursor: page.nextCursor });
    } catch (err) {
      toastError('Could not load more assets', err);
    } finally {
      set({ loading: false });
    }
  },
  async loadFailures() {
    try {
      set({ failures: await api.call('ingest.failures', { limit: 200 }) });
    } catch (err) {
      toastError('Could not load ingest failures', err);
    }
  },
  async retry(ids) {
    try {
      const r = await api.call('ingest.retry', ids ? { ids } : {});
      await get().loadFailures();
      if (r.failed.length === 0 && r.added + r.updated + r.duplicates > 0) void get().load();
    } catch (err) {
      toastError('Retry failed', err);
    }
  },
  async dismiss(ids) {
    try {
      await api.call('ingest.dismissFailures', ids ? { ids } : {});
      await get().loadFailures();
    } catch (err) {
      toastError('Could not dismiss', err);
    }
  },
}));

api.on('asset.added', (a) => {
  const s = useLibrary.getState();
  if (!s.loaded || !matches(a, s.filters) || s.items.some((x) => x.id === a.id)) return;
  useLibrary.setState({ items: [a, ...s.items] });
});
api.on('asset.updated', (a) => {
  const s = useLibrary.getState();
  const i = s.items.findIndex((x) => x.id === a.id);
  if (i < 0) return;
  const items = [...s.items];
  if (matches(a, s.filters) || s.filters.search) items[i] = a;
  else items.splice(i, 1);
  useLibrary.setState({ items });
});
api.on('ingest.progress', (progress) => useLibrary.setState({ progress }));
api.on('ingest.failed', (f) => {
  const rest = useLibrary.getState().failures.filter((x) => x.path !== f.path);
  useLibrary.setState({ failures: [f, ...rest].slice(0, 200) });
});
