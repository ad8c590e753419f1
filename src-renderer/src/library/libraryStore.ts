import { create } from 'zustand';
import type {
  CollectionInfo,
  CurationPatch,
  GridItem,
  LibraryCounts,
  LibraryFilterInput,
  LibrarySort,
  SavedSearchInfo,
  SelectionInput,
  TagInfo,
} from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';

export type ViewMode = 'grid' | 'list' | 'duplicates';

/** The first page fills a screen quickly; later pages are bigger, so a long scroll takes fewer round trips and renders. */
const firstPageSize = 200;
export const pageSize = 400;
const prefsKey = 'atelier.library.prefs';

function loadPrefs(): { thumbSize: number; view: 'grid' | 'list'; sort: LibrarySort } {
  try {
    const p = JSON.parse(localStorage.getItem(prefsKey) ?? '{}') as {
      thumbSize?: unknown;
      view?: unknown;
      sort?: { key?: unknown };
    };
    return {
      thumbSize: typeof p.thumbSize === 'number' ? Math.min(360, Math.max(96, p.thumbSize)) : 180,
      view: p.view === 'list' ? 'list' : 'grid',
      sort:
        p.sort && typeof p.sort.key === 'string'
          ? (p.sort as LibrarySort)
          : { key: 'added', dir: 'desc' },
    };
  } catch {
    return { thumbSize: 180, view: 'grid', sort: { key: 'added', dir: 'desc' } };
  }
}

export interface LibraryState {
  view: ViewMode;
  filter: LibraryFilterInput;
  sort: LibrarySort;
  /**
   * The loaded pages in order. Pages are appended in place (see loadMore): copying 100,000
   * items for every page made a long scroll allocate hundreds of MB and stall on GC. Edits
   * replace the array, as before.
   */
  items: GridItem[];
  cursor: string | null;
  /** The first page of the current query is on its way (the grid shows no "empty" message meanwhile). */
  loading: boolean;
  done: boolean;
  /** Bumped on every new query so late pages of an old query are dropped. */
  generation: number;
  selected: Set<string>;
  /** Ctrl/Cmd+A: everything the query matches, not just the loaded pages. */
  allMatching: boolean;
  anchor: number | null;
  focus: number;
  thumbSize: number;
  detailOpen: boolean;
  review: boolean;
  quickLook: boolean;
  shortcuts: boolean;
  counts: LibraryCounts | null;
  tags: TagInfo[];
  collections: CollectionInfo[];
  savedSearches: SavedSearchInfo[];

  setFilter(patch: Partial<LibraryFilterInput>, replace?: boolean): void;
  setSort(sort: LibrarySort): void;
  setView(view: ViewMode): void;
  setThumbSize(px: number): void;
  /** Refetch from the top; `keepFocus` loads pages until the focused index is back in view. */
  reload(options?: { keepFocus?: boolean }): Promise<void>;
  loadMore(): Promise<void>;
  refreshItems(ids: string[]): Promise<void>;
  refreshSidebar(): Promise<void>;
  click(index: number, mods: { shift: boolean; toggle: boolean }): void;
  moveFocus(index: number, extend: boolean): void;
  selectAll(): void;
  clearSelection(): void;
  selection(): SelectionInput | null;
  selectionCount(): number;
  curate(patch: CurationPatch): Promise<void>;
  addTags(names: string[]): Promise<void>;
  toTrash(): Promise<void>;
  restore(): Promise<void>;
  undo(): Promise<void>;
  set(patch: Partial<LibraryState>): void;
}

const prefs = loadPrefs();

/**
 * Local edits are shown at once; a refresh fetched before an edit must not paint the old
 * values back (fast keystrokes: X then 4 then L). Each edit bumps a sequence number, and a
 * refresh skips items edited after it started: their own event refreshes them again.
 */
let editSeq = 0;
const editedAt = new Map<string, number>();

/** The generation whose next page is being fetched, or -1: kept out of the state so a page costs one render, not two. */
let fetchingGeneration = -1;

function savePrefs(s: LibraryState) {
  localStorage.setItem(
    prefsKey,
    JSON.stringify({
      thumbSize: s.thumbSize,
      view: s.view === 'list' ? 'list' : 'grid',
      sort: s.sort,
    }),
  );
}

/** Applies a curation patch to a card at once: the keystroke shows in the same frame. */
function patchItem(item: GridItem, p: CurationPatch): GridItem {
  return {
    ...item,
    ...(p.status ? { status: p.status } : {}),
    ...(p.rating !== undefined ? { rating: p.rating } : {}),
    ...(p.liked !== undefined ? { liked: p.liked } : {}),
    ...(p.theme !== undefined ? { theme: p.theme } : {}),
    ...(p.source !== undefined ? { source: p.source } : {}),
    ...(p.provenance ? { provenance: p.provenance } : {}),
    ...(p.title !== undefined ? { title: p.title } : {}),
  };
}

export const useLibrary = create<LibraryState>((set, get) => ({
  view: prefs.view,
  filter: {},
  sort: prefs.sort,
  items: [],
  cursor: null,
  loading: false,
  done: false,
  generation: 0,
  selected: new Set(),
  allMatching: false,
  anchor: null,
  focus: 0,
  thumbSize: prefs.thumbSize,
  detailOpen: true,
  review: false,
  quickLook: false,
  shortcuts: false,
  counts: null,
  tags: [],
  collections: [],
  savedSearches: [],

  set: (patch) => set(patch),

  setFilter(patch, replace) {
    const filter = replace ? patch : { ...get().filter, ...patch };
    for (const k of Object.keys(filter) as (keyof LibraryFilterInput)[]) {
      const v = filter[k];
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete filter[k];
    }
    if (filter.collectionId === undefined && get().sort.key === 'position')
      set({ sort: { key: 'added', dir: 'desc' } });
    set({ filter });
    void get().reload();
  },
  setSort(sort) {
    set({ sort });
    savePrefs(get());
    void get().reload();
  },
  setView(view) {
    set({ view });
    savePrefs(get());
  },
  setThumbSize(px) {
    set({ thumbSize: px });
    savePrefs(get());
  },

  async reload(options) {
    const keep = options?.keepFocus ? get().focus : 0;
    const generation = get().generation + 1;
    set({
      generation,
      items: [],
      cursor: null,
      done: false,
      loading: false,
      selected: new Set(),
      allMatching: false,
      anchor: null,
      focus: 0,
    });
    await get().loadMore();
    for (
      let i = 0;
      i < 10 && get().items.length <= keep && !get().done && get().generation === generation;
      i++
    )
      await get().loadMore();
    if (keep && get().generation === generation) {
      const focus = Math.min(keep, get().items.length - 1);
      const item = get().items[focus];
      set({ focus: Math.max(0, focus), anchor: focus, selected: new Set(item ? [item.id] : []) });
    }
  },

  async loadMore() {
    const s = get();
    const generation = s.generation;
    if (fetchingGeneration === generation || s.done) return;
    fetchingGeneration = generation;
    const first = s.items.length === 0;
    if (first) set({ loading: true });
    try {
      const page = await api.call('library.query', {
        filter: s.filter,
        sort: s.sort,
        cursor: s.cursor ?? undefined,
        limit: first ? firstPageSize : pageSize,
      });
      if (get().generation !== generation) return;
      const items = get().items;
      for (const item of page.items) items.push(item);
      set({ items, cursor: page.nextCursor, done: page.nextCursor === null, loading: false });
    } catch (err) {
      if (get().generation === generation) set({ loading: false, done: true });
      toastError('Could not load the library', err);
    } finally {
      if (fetchingGeneration === generation) fetchingGeneration = -1;
    }
  },

  async refreshItems(ids) {
    const inView = new Set(get().items.map((i) => i.id));
    const wanted = ids.filter((id) => inView.has(id)).slice(0, 1000);
    if (!wanted.length) return;
    const startedAt = editSeq;
    const fresh = await api.call('library.items', { ids: wanted });
    const byId = new Map(
      fresh.filter((f) => (editedAt.get(f.id) ?? -1) <= startedAt).map((f) => [f.id, f]),
    );
    set({
      items: get().items.map((i) =>
        byId.has(i.id) ? { ...byId.get(i.id)!, snippet: i.snippet } : i,
      ),
    });
  },

  async refreshSidebar() {
    try {
      const [counts, tags, collections, savedSearches] = await Promise.all([
        api.call('library.counts', {}),
        api.call('tags.list', { limit: 200 }),
        api.call('collections.list', {}),
        api.call('savedSearches.list', {}),
      ]);
      set({ counts, tags, collections, savedSearches });
    } catch (err) {
      toastError('Could not load the sidebar', err);
    }
  },

  click(index, { shift, toggle }) {
    const s = get();
    const item = s.items[index];
    if (!item) return;
    if (shift && s.anchor !== null) {
      const [a, b] = s.anchor < index ? [s.anchor, index] : [index, s.anchor];
      const selected = new Set(toggle ? s.selected : []);
      for (let i = a; i <= b; i++) selected.add(s.items[i]!.id);
      set({ selected, focus: index, allMatching: false });
    } else if (toggle) {
      const selected = new Set(s.selected);
      if (selected.has(item.id)) selected.delete(item.id);
      else selected.add(item.id);
      set({ selected, focus: index, anchor: index, allMatching: false });
    } else {
      set({ selected: new Set([item.id]), focus: index, anchor: index, allMatching: false });
    }
  },

  moveFocus(index, extend) {
    const s = get();
    const i = Math.max(0, Math.min(s.items.length - 1, index));
    if (!s.items[i]) return;
    if (extend) {
      const anchor = s.anchor ?? s.focus;
      const [a, b] = anchor < i ? [anchor, i] : [i, anchor];
      const selected = new Set<string>();
      for (let k = a; k <= b; k++) selected.add(s.items[k]!.id);
      set({ focus: i, selected, anchor, allMatching: false });
    } else {
      set({ focus: i, selected: new Set([s.items[i].id]), anchor: i, allMatching: false });
    }
    if (i > s.items.length - 40) void get().loadMore();
  },

  selectAll() {
    set({ allMatching: true, selected: new Set(get().items.map((i) => i.id)) });
  },
  clearSelection() {
    const s = get();
    const focused = s.items[s.focus];
    set({ allMatching: false, selected: new Set(focused ? [focused.id] : []) });
  },

  selection() {
    const s = get();
    if (s.allMatching) return { query: s.filter };
    if (s.selected.size) return { ids: [...s.selected] };
    const focused = s.items[s.focus];
    return focused ? { ids: [focused.id] } : null;
  },
  selectionCount() {
    const s = get();
    return s.selected.size || (s.items[s.focus] ? 1 : 0);
  },

  async curate(patch) {
    const s = get();
    const selection = s.selection();
    if (!selection) return;
    const touched = s.allMatching ? null : new Set(selection.ids);
    const before = new Map<string, GridItem>();
    editSeq++;
    for (const i of s.items) {
      if (touched !== null && !touched.has(i.id)) continue;
      editedAt.set(i.id, editSeq);
      before.set(i.id, i);
    }
    set({ items: s.items.map((i) => (before.has(i.id) ? patchItem(i, patch) : i)) });
    try {
      await api.call('curation.set', { selection, patch });
    } catch (err) {
      // Put back only what this edit changed: pages loaded meanwhile stay.
      set({ items: get().items.map((i) => before.get(i.id) ?? i) });
      toastError('Could not save', err);
    }
  },

  async addTags(names) {
    const selection = get().selection();
    if (!selection || !names.length) return;
    try {
      const r = await api.call('curation.addTags', { selection, tags: names });
      useToasts.getState().push({
        kind: 'success',
        title: `Tagged ${r.changed.toLocaleString()} ${r.changed === 1 ? 'asset' : 'assets'}`,
        detail: names.join(', '),
      });
    } catch (err) {
      toastError('Could not tag', err);
    }
  },

  async toTrash() {
    const s = get();
    const selection = s.selection();
    if (!selection) return;
    const gone = s.allMatching ? null : new Set(selection.ids);
    // Leave the trashed cards out now; focus stays where it was so review goes on.
    if (gone)
      set({
        items: s.items.filter((i) => !gone.has(i.id)),
        selected: new Set(),
        focus: Math.min(s.focus, s.items.length - 1 - gone.size),
      });
    try {
      const r = await api.call('trash.move', { selection });
      useToasts.getState().push({
        kind: 'info',
        title: `Moved ${r.changed.toLocaleString()} to the trash`,
        detail: 'Ctrl+Z to undo',
      });
      if (!gone) await get().reload();
    } catch (err) {
      toastError('Could not move to the trash', err);
      await get().reload({ keepFocus: true });
    }
  },

  async restore() {
    const selection = get().selection();
    if (!selection) return;
    try {
      await api.call('trash.restore', { selection });
      await get().reload();
    } catch (err) {
      toastError('Could not restore', err);
    }
  },

  async undo() {
    try {
      const r = await api.call('curation.undo', {});
      useToasts
        .getState()
        .push(
          r.undone
            ? { kind: 'info', title: 'Undone', detail: r.undone.label }
            : { kind: 'info', title: 'Nothing to undo' },
        );
    } catch (err) {
      toastError('Could not undo', err);
    }
  },
}));

/** Keeps the grid live: events from any window or host refresh what this one shows. */
export function subscribeLibraryEvents(): () => void {
  const s = useLibrary.getState;
  let sidebarTimer: ReturnType<typeof setTimeout> | null = null;
  const sidebarSoon = () => {
    if (sidebarTimer) return;
    sidebarTimer = setTimeout(() => {
      sidebarTimer = null;
      void s().refreshSidebar();
    }, 250);
  };
  let addedTimer: ReturnType<typeof setTimeout> | null = null;
  const offs = [
    api.on('assets.curated', (p) => {
      if (p.ids) void s().refreshItems(p.ids);
      else if (!p.fields.includes('deleted_at')) void s().reload({ keepFocus: true });
      sidebarSoon();
    }),
    api.on('library.changed', () => {
      void s().reload({ keepFocus: true });
      sidebarSoon();
    }),
    api.on('asset.added', () => {
      // New assets arrive in bursts while ingesting: refetch the first page once per burst,
      // and only where they would show at the top.
      sidebarSoon();
      const st = s();
      if (st.sort.key !== 'added' || st.sort.dir !== 'desc' || st.focus > 50) return;
      if (addedTimer) return;
      addedTimer = setTimeout(() => {
        addedTimer = null;
        if (s().items.length <= 400) void s().reload();
      }, 400);
    }),
    api.on('asset.updated', (a) => void s().refreshItems([a.id])),
    api.on('tags.changed', sidebarSoon),
    api.on('collections.changed', sidebarSoon),
    api.on('savedSearches.changed', sidebarSoon),
  ];
  return () => {
    offs.forEach((off) => off());
    if (sidebarTimer) clearTimeout(sidebarTimer);
    if (addedTimer) clearTimeout(addedTimer);
  };
}
