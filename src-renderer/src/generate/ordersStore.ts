import { create } from 'zustand';
import type { OrderDetail, OrderSummary } from '@contract/index';
import { api } from '../api/client';

const PAGE = 20;
/** Paging back to an order opened from elsewhere. */
const FOCUS_PAGE = 100;

interface OrdersState {
  /** Newest first, as far as "Show older" went; null until the first answer. */
  orders: OrderSummary[] | null;
  hasMore: boolean;
  loadingMore: boolean;
  error: string | null;
  /** Items of the orders whose grids are open. */
  details: Record<string, OrderDetail>;
  /** Open or closed by hand; otherwise live and newest orders are open (see isOpen). */
  expanded: Record<string, boolean>;
  /** A Cancel or Retry the server refused, per order, shown in its card. */
  actionErrors: Record<string, string>;
  busy: Record<string, 'cancel' | 'retry'>;
  /** An order opened from elsewhere (a project's page): its card scrolls into view, marked. */
  focusId: string | null;

  /** The newest orders; with `refreshOpen`, the items of the open ones too (the page coming back). */
  load(refreshOpen?: boolean): Promise<void>;
  loadMore(): Promise<void>;
  refreshDetail(id: string): Promise<void>;
  setExpanded(id: string, open: boolean): void;
  cancel(id: string): Promise<void>;
  /** Every failed or cancelled item, or only these. */
  retry(id: string, itemIds?: string[]): Promise<void>;
  /** A just-queued order: shown first, open. */
  add(order: OrderDetail): void;
  /**
   * Opens one order's card: older orders are listed until it is among them, then it is expanded
   * and marked for its card to scroll to.
   */
  focus(id: string): Promise<void>;
  clearFocus(): void;
  /** An order's tags as saved (entityTags.set answered), without waiting for the next reload. */
  setTags(id: string, tags: string[]): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Orders still being made, and the newest one, show their items without a click. */
export function isOpen(s: Pick<OrdersState, 'expanded' | 'orders'>, o: OrderSummary): boolean {
  const manual = s.expanded[o.id];
  if (manual !== undefined) return manual;
  return o.status === 'pending' || o.status === 'processing' || s.orders?.[0]?.id === o.id;
}

function summaryOf(d: OrderDetail): OrderSummary {
  const { items: _items, ...summary } = d;
  return summary;
}

/** Per order: the newest request wins, so a slow answer never paints older items back. */
const detailSeq = new Map<string, number>();
let listSeq = 0;

export const useOrders = create<OrdersState>((set, get) => ({
  orders: null,
  hasMore: false,
  loadingMore: false,
  error: null,
  details: {},
  expanded: {},
  actionErrors: {},
  busy: {},
  focusId: null,

  async load(refreshOpen = false) {
    const seq = ++listSeq;
    try {
      const limit = Math.min(500, Math.max(PAGE, get().orders?.length ?? 0));
      const orders = await api.call('orders.list', { limit });
      if (seq !== listSeq) return;
      set({ orders, hasMore: orders.length === limit, error: null });
      if (get().focusId) void listFocused();
      for (const o of orders)
        if (isOpen(get(), o) && (refreshOpen || !get().details[o.id]))
          void get().refreshDetail(o.id);
    } catch (err) {
      if (seq === listSeq) set({ error: message(err) });
    }
  },

  async loadMore() {
    const { orders, loadingMore, hasMore } = get();
    const last = orders?.[orders.length - 1];
    if (!last || loadingMore || !hasMore) return;
    set({ loadingMore: true });
    try {
      const older = await api.call('orders.list', { limit: PAGE, before: last.id });
      const known = new Set(get().orders?.map((o) => o.id));
      set({
        orders: [...(get().orders ?? []), ...older.filter((o) => !known.has(o.id))],
        hasMore: older.length === PAGE,
        error: null,
      });
    } catch (err) {
      set({ error: message(err) });
    } finally {
      set({ loadingMore: false });
    }
  },

  async refreshDetail(id) {
    const seq = (detailSeq.get(id) ?? 0) + 1;
    detailSeq.set(id, seq);
    try {
      const d = await api.call('orders.get', { id });
      if (detailSeq.get(id) !== seq) return;
      set({
        details: { ...get().details, [id]: d },
        orders: get().orders?.map((o) => (o.id === id ? summaryOf(d) : o)) ?? null,
      });
    } catch (err) {
      if (detailSeq.get(id) === seq)
        set({ actionErrors: { ...get().actionErrors, [id]: message(err) } });
    }
  },

  setExpanded(id, open) {
    set({ expanded: { ...get().expanded, [id]: open } });
    if (open) void get().refreshDetail(id);
  },

  async cancel(id) {
    await act(id, 'cancel', () => api.call('orders.cancel', { id }));
  },

  async retry(id, itemIds) {
    await act(id, 'retry', () => api.call('orders.retry', { id, ...(itemIds ? { itemIds } : {}) }));
  },

  async focus(id) {
    set({ focusId: id, expanded: { ...get().expanded, [id]: true } });
    void get().refreshDetail(id);
    // The page's first load lists it (or pages back to it); a list already here pages back now.
    if (get().orders === null) await get().load();
    else await listFocused();
  },

  clearFocus() {
    set({ focusId: null });
  },

  setTags(id, tags) {
    const d = get().details[id];
    set({
      orders: get().orders?.map((o) => (o.id === id ? { ...o, tags } : o)) ?? null,
      ...(d ? { details: { ...get().details, [id]: { ...d, tags } } } : {}),
    });
  },

  add(order) {
    const rest = (get().orders ?? []).filter((o) => o.id !== order.id);
    detailSeq.set(order.id, (detailSeq.get(order.id) ?? 0) + 1);
    set({
      orders: [summaryOf(order), ...rest],
      details: { ...get().details, [order.id]: order },
      expanded: { ...get().expanded, [order.id]: true },
    });
  },
}));

/**
 * Pages back (in large steps) until the order opened from elsewhere is listed. One pass at a
 * time; a reload that cut the list short while it ran is caught up by the next step.
 */
let listingFocused = false;
async function listFocused(): Promise<void> {
  if (listingFocused) return;
  listingFocused = true;
  try {
    for (let i = 0; i < 40; i++) {
      const { focusId, orders, hasMore } = useOrders.getState();
      const last = orders?.[orders.length - 1];
      if (!focusId || !orders || !hasMore || !last || orders.some((o) => o.id === focusId)) break;
      const older = await api.call('orders.list', { limit: FOCUS_PAGE, before: last.id });
      const now = useOrders.getState().orders ?? [];
      if (now[now.length - 1]?.id !== last.id) continue; // Reloaded meanwhile: look again.
      useOrders.setState({ orders: [...now, ...older], hasMore: older.length === FOCUS_PAGE });
    }
  } catch (err) {
    useOrders.setState({ error: message(err) });
  } finally {
    listingFocused = false;
  }
}

async function act(id: string, what: 'cancel' | 'retry', call: () => Promise<OrderDetail>) {
  const s = useOrders.getState();
  if (s.busy[id]) return;
  const { [id]: _old, ...actionErrors } = s.actionErrors;
  useOrders.setState({ busy: { ...s.busy, [id]: what }, actionErrors });
  try {
    const d = await call();
    detailSeq.set(id, (detailSeq.get(id) ?? 0) + 1);
    const now = useOrders.getState();
    useOrders.setState({
      details: { ...now.details, [id]: d },
      orders: now.orders?.map((o) => (o.id === id ? summaryOf(d) : o)) ?? null,
    });
  } catch (err) {
    const now = useOrders.getState();
    useOrders.setState({
      actionErrors: {
        ...now.actionErrors,
        [id]: `Could not ${what === 'cancel' ? 'cancel' : 'retry'}: ${message(err)}`,
      },
    });
  } finally {
    const { [id]: _done, ...busy } = useOrders.getState().busy;
    useOrders.setState({ busy });
  }
}

// orders.changed comes for every status change and progress step of every item: the list is
// re-read at most every 300 ms, and an open order's items at a pace its size allows (a
// 10,000-item order is not fetched five times a second).
const dirty = new Set<string>();
let listTimer: ReturnType<typeof setTimeout> | null = null;
const detailTimers = new Map<string, ReturnType<typeof setTimeout>>();
const lastDetail = new Map<string, number>();

function scheduleDetail(id: string) {
  if (detailTimers.has(id)) return;
  const size = useOrders.getState().details[id]?.items.length ?? 0;
  const interval = Math.min(3000, Math.max(300, size));
  const wait = Math.max(0, (lastDetail.get(id) ?? 0) + interval - performance.now());
  detailTimers.set(
    id,
    setTimeout(() => {
      detailTimers.delete(id);
      lastDetail.set(id, performance.now());
      void useOrders.getState().refreshDetail(id);
    }, wait),
  );
}

/** Mounted Generate pages: with none, events are ignored and the page reloads as it mounts. */
let watchers = 0;
export function watchOrders(): () => void {
  watchers++;
  void useOrders.getState().load(true);
  return () => {
    watchers--;
  };
}

api.on('orders.changed', ({ orderId }) => {
  const s = useOrders.getState();
  if (s.orders === null || watchers === 0) return;
  dirty.add(orderId);
  if (!listTimer)
    listTimer = setTimeout(() => {
      listTimer = null;
      const ids = [...dirty];
      dirty.clear();
      void useOrders
        .getState()
        .load()
        .then(() => {
          const now = useOrders.getState();
          for (const id of ids) {
            const o = now.orders?.find((x) => x.id === id);
            if (o && isOpen(now, o)) scheduleDetail(id);
          }
        });
    }, 300);
});

let connectedOnce = false;
api.onConnection(({ connected }) => {
  if (!connected) return;
  // Events sent while the connection was down are lost: read everything shown again.
  if (connectedOnce && watchers > 0 && useOrders.getState().orders !== null) {
    void useOrders.getState().load();
    for (const id of Object.keys(useOrders.getState().details)) scheduleDetail(id);
  }
  connectedOnce = true;
});
