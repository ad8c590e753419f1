import { create } from 'zustand';
import type {
  GridItem,
  OrderSummary,
  PackSummary,
  ProjectInfo,
  ProjectStatus,
} from '@contract/index';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';

export type StatusFilter = ProjectStatus | 'all';

interface ProjectsState {
  projects: ProjectInfo[];
  loaded: boolean;
  error: string | null;
  statusFilter: StatusFilter;
  selectedId: string | null;
  /** The selected project's assets (the first 60). */
  assets: GridItem[];
  assetsMore: boolean;
  /** The selected project's newest orders and its packs; null until loaded. */
  orders: OrderSummary[] | null;
  ordersMore: boolean;
  packs: PackSummary[] | null;
  creating: boolean;
  setStatusFilter(f: StatusFilter): void;
  select(id: string | null): void;
  setCreating(v: boolean): void;
  load(): Promise<void>;
  loadAssets(): Promise<void>;
  loadOrders(): Promise<void>;
  loadPacks(): Promise<void>;
  /** A new pack in the selected project. */
  createPack(name: string): Promise<PackSummary | null>;
  /** Puts a fresh copy of one project in the list (or takes it out when the filter hides it). */
  refreshOne(id: string): Promise<void>;
  create(name: string, description: string): Promise<ProjectInfo | null>;
  update(
    id: string,
    patch: {
      name?: string;
      description?: string;
      status?: ProjectStatus;
      featuredAssetIds?: string[];
    },
  ): Promise<boolean>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<void>;
}

const assetPage = 60;
export const orderPage = 8;

function visible(p: ProjectInfo, f: StatusFilter): boolean {
  return f === 'all' || (!p.deleted && p.status === f);
}

export const useProjects = create<ProjectsState>((set, get) => ({
  projects: [],
  loaded: false,
  error: null,
  statusFilter: 'active',
  selectedId: null,
  assets: [],
  assetsMore: false,
  orders: null,
  ordersMore: false,
  packs: null,
  creating: false,

  setStatusFilter(statusFilter) {
    set({ statusFilter });
    void get().load();
  },
  select(selectedId) {
    if (selectedId === get().selectedId) return;
    set({
      selectedId,
      assets: [],
      assetsMore: false,
      orders: null,
      ordersMore: false,
      packs: null,
      creating: false,
    });
    if (selectedId) {
      void get().loadAssets();
      void get().loadOrders();
      void get().loadPacks();
    }
  },
  setCreating(creating) {
    set(creating ? { creating, selectedId: null } : { creating });
  },

  async load() {
    const f = get().statusFilter;
    try {
      const projects = await api.call(
        'projects.list',
        f === 'all' ? { includeDeleted: true } : { status: [f], includeDeleted: false },
      );
      if (get().statusFilter !== f) return;
      set({ projects, loaded: true, error: null });
    } catch (err) {
      set({ error: (err as Error).message, loaded: true });
    }
  },

  async loadAssets() {
    const id = get().selectedId;
    if (!id) return;
    try {
      const page = await api.call('library.query', {
        filter: { projectId: id },
        sort: { key: 'added', dir: 'desc' },
        limit: assetPage,
      });
      if (get().selectedId !== id) return;
      set({ assets: page.items, assetsMore: page.nextCursor !== null });
    } catch (err) {
      toastError('Could not load the project’s assets', err);
    }
  },

  async loadOrders() {
    const id = get().selectedId;
    if (!id) return;
    try {
      const orders = await api.call('orders.list', { projectId: id, limit: orderPage + 1 });
      if (get().selectedId !== id) return;
      set({ orders: orders.slice(0, orderPage), ordersMore: orders.length > orderPage });
    } catch (err) {
      if (get().selectedId === id) set({ orders: [] });
      toastError('Could not load the project’s orders', err);
    }
  },

  async loadPacks() {
    const id = get().selectedId;
    if (!id) return;
    try {
      const packs = await api.call('packs.list', { projectId: id });
      if (get().selectedId === id) set({ packs });
    } catch (err) {
      if (get().selectedId === id) set({ packs: [] });
      toastError('Could not load the project’s packs', err);
    }
  },

  async createPack(name) {
    const id = get().selectedId;
    if (!id) return null;
    try {
      const pack = await api.call('packs.create', { name, projectId: id });
      await get().loadPacks();
      return pack;
    } catch (err) {
      toastError('Could not create the pack', err);
      return null;
    }
  },

  async refreshOne(id) {
    try {
      const p = await api.call('projects.get', { id });
      const f = get().statusFilter;
      const list = get().projects;
      const at = list.findIndex((x) => x.id === p.id);
      if (!visible(p, f)) {
        if (at >= 0) set({ projects: list.filter((x) => x.id !== p.id) });
      } else if (at >= 0) {
        set({ projects: list.map((x) => (x.id === p.id ? p : x)) });
      } else {
        set({ projects: [p, ...list] });
      }
      if (get().selectedId === id) {
        void get().loadAssets();
        void get().loadOrders();
        void get().loadPacks();
      }
    } catch {
      // Gone or unreachable: the next full load settles it.
      void get().load();
    }
  },

  async create(name, description) {
    try {
      const p = await api.call('projects.create', { name, description });
      const f = get().statusFilter;
      if (f !== 'active' && f !== 'all') set({ statusFilter: 'active' });
      await get().load();
      set({ creating: false });
      get().select(p.id);
      return p;
    } catch (err) {
      toastError('Could not create the project', err);
      return null;
    }
  },

  async update(id, patch) {
    try {
      await api.call('projects.update', { id, ...patch });
      await get().refreshOne(id);
      return true;
    } catch (err) {
      toastError('Could not save the project', err);
      return false;
    }
  },

  async remove(id) {
    try {
      await api.call('projects.delete', { id });
      await get().refreshOne(id);
      if (get().statusFilter !== 'all') get().select(null);
    } catch (err) {
      toastError('Could not delete the project', err);
    }
  },

  async restore(id) {
    try {
      await api.call('projects.restore', { id });
      await get().refreshOne(id);
    } catch (err) {
      toastError('Could not restore the project', err);
    }
  },
}));

/** Keeps the list current while the page is open; returns the unsubscribe. */
export function subscribeProjectEvents(): () => void {
  const offProjects = api.on(
    'projects.changed',
    ({ id }) => void useProjects.getState().refreshOne(id),
  );
  const offLibrary = api.on('library.changed', () => void useProjects.getState().loadAssets());
  // Orders change many times a second while they run: the panel's list is read at most once a
  // second.
  let ordersTimer: ReturnType<typeof setTimeout> | null = null;
  const offOrders = api.on('orders.changed', () => {
    if (!useProjects.getState().selectedId || ordersTimer) return;
    ordersTimer = setTimeout(() => {
      ordersTimer = null;
      void useProjects.getState().loadOrders();
    }, 1000);
  });
  const offPacks = api.on('packs.changed', () => {
    if (useProjects.getState().selectedId) void useProjects.getState().loadPacks();
  });
  return () => {
    offProjects();
    offLibrary();
    offOrders();
    offPacks();
    if (ordersTimer) clearTimeout(ordersTimer);
  };
}

export function countsLine(c: ProjectInfo['counts']): string {
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  return [
    n(c.assets, 'asset'),
    n(c.orders, 'order'),
    n(c.packs, 'pack'),
    n(c.templates, 'template'),
  ].join(' · ');
}

export const statusLabel: Record<ProjectStatus, string> = {
  active: 'Active',
  completed: 'Completed',
  archived: 'Archived',
};
