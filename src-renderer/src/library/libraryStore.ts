import { create } from 'zustand';
import type {
  CollectionInfo,
  CurationPatch,
  GridItem,
  LibraryCounts,
  LibraryFilterInput,
  LibraryPageResult,
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

function loadPrefs(): {
  thumbSize: number;
  view: 'grid' | 'list';
  sort: LibrarySort;
  stacks: boolean;
} {
  try {
    const p = JSON.parse(localStorage.getItem(prefsKey) ?? '{}') as {
      thumbSize?: unknown;
      view?: unknown;
      sort?: { key?: unknown };
      stacks?: unknown;
    };
    return {
      stacks: p.stacks !== false,
      thumbSize: typeof p.thumbSize === 'number' ? Math.min(360, Math.max(96, p.thumbSize)) : 180,
      view: p.view === 'list' ? 'list' : 'grid',
      sort:
        p.sort && typeof p.sort.key === 'string'
          ? (p.sort as LibrarySort)
          : { key: 'added', dir: 'desc' },
    };
  } catch {
    return { thumbSize: 180, view: 'grid', sort: { key: 'added', dir: 'desc' }, stacks: true };
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
  /**
   * Assets that arrived (ingest) while the creator was working: held out of the list so they
   * never move focus, the selection or review's "7 of N"; the "N new" pill shows them.
   */
  arrived: string[];
  /** The creator has moved focus or chosen a selection since this query loaded (arrivals then wait). */
  engaged: boolean;
  /** Review's info overlay (I), kept between assets. */
  reviewInfo: boolean;
  /** Review at 100% (Z or a click), kept between assets; fit otherwise. */
  reviewZoom: boolean;
  /** Compare (C): the 2–4 selected assets side by side. */
  compare: string[] | null;
  /**
   * "Stack versions" (remembered): an upscale, denoise or variant is stacked under the asset it
   * was made from, which shows the stack's size; off, every asset has its own card.
   */
  stacks: boolean;
  /** Stack tops whose versions are shown after them (kept across pages and reloads of the query). */
  expandedStacks: ReadonlySet<string>;

  setFilter(patch: Partial<LibraryFilterInput>, replace?: boolean): void;
  setSort(sort: LibrarySort): void;
  setView(view: ViewMode): void;
  setThumbSize(px: number): void;
  setStacks(on: boolean): void;
  /**
   * Expands a stack in place (its versions right after it) or collapses it; given a version,
   * its stack. Focus and selection stay on the same assets (a collapsed version's go to its top).
   */
  toggleStack(id: string): Promise<void>;
  /**
   * Refetch from the top. `keepFocus` keeps the focused asset (by id, else its index), the
   * selection and the engaged state, and swaps the new pages in at once (review stays open);
   * `focusIds` focuses the first of those assets found instead.
   */
  reload(options?: { keepFocus?: boolean; focusIds?: string[] }): Promise<void>;
  /** The "N new" pill: puts the held arrivals into the list and focuses the first of them. */
  showArrivals(): Promise<void>;
  loadMore(): Promise<void>;
  refreshItems(ids: string[]): Promise<void>;
  refreshSidebar(): Promise<void>;
  click(index: number, mods: { shift: boolean; toggle: boolean }): void;
  moveFocus(index: number, extend: boolean): void;
  selectAll(): void;
  clearSelection(): void;
  selection(): SelectionInput | null;
  selectionCount(): number;
  /** Applies to the selection, or to `ids` (compare's active asset). */
  curate(patch: CurationPatch, ids?: string[]): Promise<void>;
  /** Tags the selection; `quiet` leaves out the toast (the tag dialog lists what it added). Resolves true when saved. */
  addTags(names: string[], options?: { quiet?: boolean }): Promise<boolean>;
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
      stacks: s.stacks,
    }),
  );
}

/** The stacking part of every library.query this store sends. */
function stackInput(s: LibraryState): { stacks: boolean; expandedStacks?: string[] } {
  return s.stacks && s.expandedStacks.size
    ? { stacks: true, expandedStacks: [...s.expandedStacks].slice(0, 500) }
    : { stacks: s.stacks };
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
    ...(p.colorLabel !== undefined ? { colorLabel: p.colorLabel } : {}),
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
  arrived: [],
  engaged: false,
  reviewInfo: false,
  reviewZoom: false,
  compare: null,
  stacks: prefs.stacks,
  expandedStacks: new Set(),

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
  setStacks(on) {
    set({ stacks: on, expandedStacks: new Set() });
    savePrefs(get());
    void get().reload({ keepFocus: true });
  },
  async toggleStack(id) {
    const s = get();
    const at = s.items.findIndex((i) => i.id === id);
    const item = s.items[at];
    if (!item) return;
    const topId = item.stackOf ?? item.id;
    const topAt = item.stackOf ? s.items.findIndex((i) => i.id === topId) : at;
    const top = s.items[topAt];
    if (!top?.stack) return;
    const expanded = new Set(s.expandedStacks);
    if (top.stack.expanded) {
      // Collapse: the versions leave; focus, anchor and selection on one of them go to the top.
      expanded.delete(topId);
      const gone = new Set(s.items.filter((i) => i.stackOf === topId).map((i) => i.id));
      const items = s.items
        .filter((i) => !gone.has(i.id))
        .map((i) =>
          i.id === topId ? { ...i, stack: { count: i.stack!.count, expanded: false } } : i,
        );
      const index = new Map(items.map((i, k) => [i.id, k]));
      const move = (n: number | null) => {
        if (n === null) return null;
        const was = s.items[n]?.id;
        return was === undefined ? n : gone.has(was) ? topAt : (index.get(was) ?? n);
      };
      const selected = new Set([...s.selected].filter((x) => !gone.has(x)));
      if (s.selected.size && !selected.size) selected.add(topId);
      set({
        items,
        expandedStacks: expanded,
        focus: move(s.focus) ?? 0,
        anchor: move(s.anchor),
        selected,
      });
      return;
    }
    let members: GridItem[];
    try {
      members = await api.call('library.stack', { id: topId, filter: s.filter });
    } catch (err) {
      toastError('Could not show the versions', err);
      return;
    }
    const now = get();
    if (now.generation !== s.generation) return;
    const where = now.items.findIndex((i) => i.id === topId);
    if (where < 0 || now.items[where]!.stack?.expanded) return;
    expanded.add(topId);
    const items = now.items.slice();
    items[where] = { ...items[where]!, stack: { count: members.length, expanded: true } };
    const shown = new Set(now.items.map((i) => i.id));
    items.splice(where + 1, 0, ...members.filter((m) => !shown.has(m.id)));
    const shift = items.length - now.items.length;
    const moved = (n: number | null) => (n !== null && n > where ? n + shift : n);
    set({
      items,
      expandedStacks: expanded,
      focus: moved(now.focus) ?? 0,
      anchor: moved(now.anchor),
    });
  },

  async reload(options) {
    if (options?.keepFocus || options?.focusIds) return reloadInPlace(options.focusIds);
    const generation = get().generation + 1;
    set({
      expandedStacks: new Set(),
      arrived: [],
      engaged: false,
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
  },

  async showArrivals() {
    const ids = get().arrived;
    set({ arrived: [] });
    await reloadInPlace(ids);
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
        ...stackInput(s),
      });
      if (get().generation !== generation) return;
      const items = get().items;
      const held = heldIds();
      for (const item of page.items) if (!held?.has(item.id)) items.push(item);
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
        // library.items knows nothing of stacks: the card keeps its place in one.
        byId.has(i.id)
          ? { ...byId.get(i.id)!, snippet: i.snippet, stack: i.stack, stackOf: i.stackOf }
          : i,
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
      set({ selected, focus: index, allMatching: false, engaged: true });
    } else if (toggle) {
      const selected = new Set(s.selected);
      if (selected.has(item.id)) selected.delete(item.id);
      else selected.add(item.id);
      set({ selected, focus: index, anchor: index, allMatching: false, engaged: true });
    } else {
      set({
        selected: new Set([item.id]),
        focus: index,
        anchor: index,
        allMatching: false,
        engaged: true,
      });
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
      set({ focus: i, selected, anchor, allMatching: false, engaged: true });
    } else {
      set({
        focus: i,
        selected: new Set([s.items[i].id]),
        anchor: i,
        allMatching: false,
        engaged: true,
      });
    }
    if (i > s.items.length - 40) void get().loadMore();
  },

  selectAll() {
    set({ allMatching: true, selected: new Set(get().items.map((i) => i.id)), engaged: true });
  },
  clearSelection() {
    const s = get();
    const focused = s.items[s.focus];
    set({ allMatching: false, selected: new Set(focused ? [focused.id] : []) });
  },

  selection() {
    const s = get();
    if (s.allMatching)
      return s.stacks
        ? { query: s.filter, stacks: { expanded: [...s.expandedStacks].slice(0, 500) } }
        : { query: s.filter };
    if (s.selected.size) return { ids: [...s.selected] };
    const focused = s.items[s.focus];
    return focused ? { ids: [focused.id] } : null;
  },
  selectionCount() {
    const s = get();
    return s.selected.size || (s.items[s.focus] ? 1 : 0);
  },

  async curate(patch, ids) {
    const s = get();
    const selection: SelectionInput | null = ids ? { ids } : s.selection();
    if (!selection) return;
    const touched = s.allMatching && !ids ? null : new Set(selection.ids);
    const before = new Map<string, GridItem>();
    editSeq++;
    set({ engaged: true });
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

  async addTags(names, options) {
    const selection = get().selection();
    if (!selection || !names.length) return false;
    try {
      const r = await api.call('curation.addTags', { selection, tags: names });
      if (!options?.quiet)
        useToasts.getState().push({
          kind: 'success',
          title: `Tagged ${r.changed.toLocaleString()} ${r.changed === 1 ? 'asset' : 'assets'}`,
          detail: names.join(', '),
        });
      return true;
    } catch (err) {
      toastError('Could not tag', err);
      return false;
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

let heldCache: { of: string[]; set: Set<string> } | null = null;
/** The held arrivals as a set (pages leave them out until the pill shows them), or null. */
function heldIds(): Set<string> | null {
  const arrived = useLibrary.getState().arrived;
  if (!arrived.length) return null;
  if (heldCache?.of !== arrived) heldCache = { of: arrived, set: new Set(arrived) };
  return heldCache.set;
}

/**
 * Reloads the current query without a blank frame: pages are fetched aside (up to the one
 * holding the focused asset, or one of `focusIds`) and swapped in at once, so review stays open
 * on the same asset, the selection keeps its ids, and keys pressed meanwhile keep their effect.
 */
async function reloadInPlace(focusIds?: string[]): Promise<void> {
  const get = useLibrary.getState;
  const s0 = get();
  const generation = s0.generation + 1;
  const startedAt = editSeq;
  // Late pages of the old query are dropped, and no page is appended while these load.
  useLibrary.setState({ generation });
  fetchingGeneration = generation;
  const wanted = focusIds?.length ? new Set(focusIds) : null;
  const items: GridItem[] = [];
  let cursor: string | null = null;
  let done = false;
  try {
    for (let n = 0; n < 12; n++) {
      const page: LibraryPageResult = await api.call('library.query', {
        filter: s0.filter,
        sort: s0.sort,
        cursor: cursor ?? undefined,
        limit: n === 0 ? firstPageSize : pageSize,
        ...stackInput(s0),
      });
      if (get().generation !== generation) return;
      const held = heldIds();
      for (const item of page.items) if (!held?.has(item.id)) items.push(item);
      cursor = page.nextCursor;
      done = cursor === null;
      if (done) break;
      const s = get();
      const focusedId = s.items[s.focus]?.id;
      const found = wanted
        ? items.some((i) => wanted.has(i.id))
        : focusedId
          ? items.some((i) => i.id === focusedId)
          : items.length > s.focus;
      // As many as were loaded before, so review's "of N" does not shrink.
      if (found && items.length >= s.items.length) break;
    }
  } catch (err) {
    if (get().generation === generation) useLibrary.setState({ loading: false });
    toastError('Could not load the library', err);
    return;
  } finally {
    if (fetchingGeneration === generation) fetchingGeneration = -1;
  }
  const s = get();
  // Cards edited while the pages were on their way keep their local values.
  const local = new Map(s.items.map((i) => [i.id, i]));
  const merged = items.map((i) =>
    (editedAt.get(i.id) ?? -1) > startedAt ? (local.get(i.id) ?? i) : i,
  );
  const index = new Map(merged.map((i, k) => [i.id, k]));
  let focus: number;
  let selected: Set<string>;
  const firstWanted = wanted ? merged.findIndex((i) => wanted.has(i.id)) : -1;
  if (firstWanted >= 0) {
    focus = firstWanted;
    selected = new Set([merged[firstWanted]!.id]);
  } else {
    const focusedId = s.items[s.focus]?.id;
    focus = index.get(focusedId ?? '') ?? Math.min(s.focus, merged.length - 1);
    selected = new Set([...s.selected].filter((id) => index.has(id)));
    const f = merged[focus];
    if (!selected.size && f) selected.add(f.id);
  }
  focus = Math.max(0, focus);
  const anchorId = s.anchor !== null ? s.items[s.anchor]?.id : undefined;
  useLibrary.setState({
    items: merged,
    cursor,
    done,
    loading: false,
    focus,
    anchor: firstWanted >= 0 ? focus : (index.get(anchorId ?? '') ?? focus),
    selected,
    allMatching: firstWanted >= 0 ? false : s.allMatching,
  });
}

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
  let pending: string[] = [];
  /** Arrivals wait for the pill while the creator works; an idle, untouched list shows them live. */
  const working = () => {
    const st = s();
    return st.engaged || st.review || st.quickLook || st.compare !== null;
  };
  const hold = (ids: string[]) => {
    const known = new Set(s().arrived);
    const fresh = ids.filter((id) => !known.has(id));
    if (fresh.length) s().set({ arrived: [...s().arrived, ...fresh] });
  };
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
    api.on('asset.added', (a) => {
      // Arrivals never move focus, the selection or review's position. While the creator
      // works they are held for the "N new" pill; an untouched list (or an empty one) shows
      // them live, refetching the first page once per burst where they would show at the top.
      sidebarSoon();
      const st = s();
      const live =
        st.items.length === 0 ||
        (!working() && st.sort.key === 'added' && st.sort.dir === 'desc' && st.items.length <= 400);
      if (!live) return hold([a.id]);
      pending.push(a.id);
      if (addedTimer) return;
      addedTimer = setTimeout(() => {
        addedTimer = null;
        const ids = pending;
        pending = [];
        if (working() && s().items.length > 0) hold(ids);
        else void s().reload();
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
