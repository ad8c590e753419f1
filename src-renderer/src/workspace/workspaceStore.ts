import { create } from 'zustand';
import type { WorkspaceItemInfo, WorkspaceSessionInfo } from '@contract/index';
import { api } from '../api/client';
import { toastError, toastInfo } from '../stores/toasts';
import { useWorkspaceTarget } from './openWorkspace';

export type ItemStatus = WorkspaceItemInfo['status'];

interface WorkspaceState {
  sessions: WorkspaceSessionInfo[] | null;
  sessionsError: string | null;
  sessionId: string | null;
  /** Which of the session's images show: the ones waiting (staged), kept, or discarded. */
  status: ItemStatus;
  items: WorkspaceItemInfo[] | null;
  itemsError: string | null;
  focus: number;
  selected: Set<string>;
  /** A keep or discard on its way: the keys wait for it. */
  busy: boolean;

  loadSessions(): Promise<void>;
  loadItems(): Promise<void>;
  selectSession(id: string): void;
  setStatus(status: ItemStatus): void;
  moveFocus(i: number, extend?: boolean): void;
  toggle(id: string): void;
  selectAll(): void;
  clearSelection(): void;
  /** The images a key or a button acts on: the selection, or the focused image. */
  targets(): WorkspaceItemInfo[];
  keep(ids: string[], tags?: string[], collectionId?: string): Promise<string[] | null>;
  discard(ids: string[]): Promise<boolean>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
let itemsSeq = 0;
let sessionsSeq = 0;

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  sessions: null,
  sessionsError: null,
  sessionId: null,
  status: 'staged',
  items: null,
  itemsError: null,
  focus: 0,
  selected: new Set(),
  busy: false,

  async loadSessions() {
    const seq = ++sessionsSeq;
    try {
      const sessions = await api.call('workspace.sessions', { limit: 100 });
      if (seq !== sessionsSeq) return;
      set({ sessions, sessionsError: null });
      const target = useWorkspaceTarget.getState().sessionId;
      const current = get().sessionId;
      const pick =
        (target && sessions.find((s) => s.id === target)?.id) ||
        (current && sessions.find((s) => s.id === current)?.id) ||
        // The newest session with images waiting, else the newest.
        sessions.find((s) => s.staged > 0)?.id ||
        sessions[0]?.id ||
        null;
      if (target) useWorkspaceTarget.setState({ sessionId: null });
      if (pick !== current) {
        set({ sessionId: pick, items: null, focus: 0, selected: new Set(), status: 'staged' });
        if (pick) await get().loadItems();
      }
    } catch (err) {
      if (seq === sessionsSeq) set({ sessionsError: message(err) });
    }
  },

  async loadItems() {
    const { sessionId, status } = get();
    if (!sessionId) return set({ items: [] });
    const seq = ++itemsSeq;
    try {
      const items = await api.call('workspace.items', { sessionId, status, limit: 5000 });
      if (seq !== itemsSeq) return;
      const ids = new Set(items.map((i) => i.id));
      const selected = new Set([...get().selected].filter((id) => ids.has(id)));
      // An image asked for by an order card's tile, else the same place as before.
      const want = useWorkspaceTarget.getState().itemId;
      const at = want ? items.findIndex((i) => i.id === want) : -1;
      if (want) useWorkspaceTarget.setState({ itemId: null });
      const focus = at >= 0 ? at : Math.min(get().focus, Math.max(0, items.length - 1));
      set({ items, itemsError: null, selected, focus });
    } catch (err) {
      if (seq === itemsSeq) set({ itemsError: message(err) });
    }
  },

  selectSession(id) {
    if (id === get().sessionId) return;
    set({ sessionId: id, items: null, focus: 0, selected: new Set(), status: 'staged' });
    void get().loadItems();
  },

  setStatus(status) {
    if (status === get().status) return;
    set({ status, items: null, focus: 0, selected: new Set() });
    void get().loadItems();
  },

  moveFocus(i, extend = false) {
    const n = get().items?.length ?? 0;
    if (n === 0) return;
    const focus = Math.max(0, Math.min(n - 1, i));
    if (extend) {
      const selected = new Set(get().selected);
      const from = get().items![get().focus];
      if (from) selected.add(from.id);
      selected.add(get().items![focus]!.id);
      set({ focus, selected });
    } else set({ focus });
  },

  toggle(id) {
    const selected = new Set(get().selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    set({ selected });
  },

  selectAll() {
    set({ selected: new Set((get().items ?? []).map((i) => i.id)) });
  },

  clearSelection() {
    set({ selected: new Set() });
  },

  targets() {
    const { items, selected, focus } = get();
    if (!items) return [];
    if (selected.size) return items.filter((i) => selected.has(i.id));
    return items[focus] ? [items[focus]] : [];
  },

  async keep(ids, tags = [], collectionId) {
    if (!ids.length || get().busy) return null;
    set({ busy: true });
    try {
      const r = await api.call('workspace.keep', {
        ids,
        tags,
        ...(collectionId ? { collectionId } : {}),
      });
      drop(ids);
      toastInfo(
        r.kept.length === 1 ? 'Kept: in the Library now' : `Kept ${r.kept.length} images`,
        tags.length ? `Tagged ${tags.join(', ')}` : 'They are Library assets now',
      );
      return r.kept.map((k) => k.assetId);
    } catch (err) {
      toastError('Could not keep them', err);
      void get().loadItems();
      return null;
    } finally {
      set({ busy: false });
      void get().loadSessions();
    }
  },

  async discard(ids) {
    if (!ids.length || get().busy) return false;
    set({ busy: true });
    try {
      const r = await api.call('workspace.discard', { ids });
      drop(ids);
      toastInfo(
        r.discarded === 1 ? 'Discarded 1 image' : `Discarded ${r.discarded} images`,
        'Their files are deleted',
      );
      return true;
    } catch (err) {
      toastError('Could not discard them', err);
      void get().loadItems();
      return false;
    } finally {
      set({ busy: false });
      void get().loadSessions();
    }
  },
}));

/** Kept or discarded images leave the staged view at once, before the refresh confirms it. */
function drop(ids: string[]): void {
  const s = useWorkspace.getState();
  if (!s.items || s.status !== 'staged') return void s.loadItems();
  const gone = new Set(ids);
  const items = s.items.filter((i) => !gone.has(i.id));
  const selected = new Set([...s.selected].filter((id) => !gone.has(id)));
  useWorkspace.setState({
    items,
    selected,
    focus: Math.min(s.focus, Math.max(0, items.length - 1)),
  });
}

/** A session gained, kept or discarded images (here, on the Generate page, another window). */
export function watchWorkspace(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let itemsToo = false;
  const off = api.on('workspace.changed', (e) => {
    if (e.sessionId === useWorkspace.getState().sessionId) itemsToo = true;
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void useWorkspace.getState().loadSessions();
      if (itemsToo) void useWorkspace.getState().loadItems();
      itemsToo = false;
    }, 250);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}

/** "expires in 6 days", "expires in 5 hours", "expires soon". */
export function expiresText(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return 'expires soon';
  const days = Math.round(ms / 86_400_000);
  if (ms >= 86_400_000) return `expires in ${days} ${days === 1 ? 'day' : 'days'}`;
  const hours = Math.max(1, Math.floor(ms / 3_600_000));
  return `expires in ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}
