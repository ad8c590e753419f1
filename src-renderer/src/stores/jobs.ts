import { create } from 'zustand';
import type {
  JobDetail,
  JobProgressEvent,
  JobStatusName,
  JobSummary,
  QueueState,
} from '@contract/index';
import { api } from '../api/client';
import { toastError } from './toasts';

export type JobsFilter = 'all' | 'active' | 'queued' | 'completed' | 'failed' | 'cancelled';

const filterStatuses: Record<JobsFilter, JobStatusName[] | undefined> = {
  all: undefined,
  active: ['running', 'queued'],
  queued: ['queued'],
  completed: ['completed'],
  failed: ['failed'],
  cancelled: ['cancelled'],
};

const emptyCounts: Record<JobStatusName, number> = {
  queued: 0,
  running: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
};

/** Rows re-read from the top when jobs change: what a person sees without scrolling, and more. */
const HEAD = 100;
const PAGE = 200;

interface JobsState {
  filter: JobsFilter;
  /** Top-level jobs of the current filter, in its order, as far as the user has scrolled. */
  items: JobSummary[];
  counts: Record<JobStatusName, number>;
  nextCursor: string | null;
  /** The first page of the current filter is on its way (the list is empty until then). */
  loading: boolean;
  loadingMore: boolean;
  queue: QueueState | null;
  selectedId: string | null;
  detail: JobDetail | null;
  setFilter(f: JobsFilter): void;
  /** The first page of the current filter, replacing the list. */
  load(): Promise<void>;
  /** Re-reads the list's first `through` rows and merges them in, keeping what is scrolled to. */
  refresh(through?: number): Promise<void>;
  loadMore(): Promise<void>;
  select(id: string | null): void;
  refreshDetail(): Promise<void>;
  act(action: 'cancel' | 'retry' | 'up' | 'down' | 'top', id: string): Promise<void>;
  setPaused(paused: boolean): Promise<void>;
}

function matchesFilter(job: JobSummary, f: JobsFilter): boolean {
  const s = filterStatuses[f];
  return job.parentId === null && (!s || s.includes(job.status));
}

const listInput = (filter: JobsFilter, limit: number, cursor?: string) => ({
  status: filterStatuses[filter],
  parentId: null,
  limit,
  cursor,
  // The queued tab shows run order, so moving a job up or down is visible.
  order: filter === 'queued' ? ('queue' as const) : ('recent' as const),
});

/**
 * A request's answer can be older than events that arrived while it was on its way (a job it
 * lists as queued has since finished). Each request records those events and they win.
 */
const inFlight = new Set<Map<string, JobSummary>>();
function track() {
  const seen = new Map<string, JobSummary>();
  inFlight.add(seen);
  return { seen, done: () => inFlight.delete(seen) };
}
function reconcile(rows: JobSummary[], seen: Map<string, JobSummary>, f: JobsFilter) {
  if (seen.size === 0) return rows;
  const out: JobSummary[] = [];
  for (const r of rows) {
    const j = seen.get(r.id) ?? r;
    if (matchesFilter(j, f)) out.push(j);
  }
  return out;
}

/** Bumped when the filter changes (or the list is replaced): older answers are dropped. */
let generation = 0;
let refreshSeq = 0;

export const useJobs = create<JobsState>((set, get) => ({
  filter: 'all',
  items: [],
  counts: emptyCounts,
  nextCursor: null,
  loading: false,
  loadingMore: false,
  queue: null,
  selectedId: null,
  detail: null,
  setFilter(filter) {
    if (filter === get().filter) return;
    set({ filter, items: [], nextCursor: null });
    void get().load();
  },
  async load() {
    const gen = ++generation;
    const { seen, done } = track();
    set({ loading: true });
    try {
      const f = get().filter;
      const page = await api.call('jobs.list', listInput(f, HEAD));
      if (gen !== generation) return;
      set({
        items: reconcile(page.items, seen, f),
        counts: page.counts,
        nextCursor: page.nextCursor,
      });
      if (!get().queue) set({ queue: await api.call('jobs.queueState', {}) });
    } catch (err) {
      toastError('Could not load jobs', err);
    } finally {
      done();
      if (gen === generation) set({ loading: false });
    }
  },
  async refresh(through = HEAD) {
    const gen = generation;
    const seq = ++refreshSeq;
    const { seen, done } = track();
    try {
      const f = get().filter;
      const fresh: JobSummary[] = [];
      let cursor: string | undefined;
      let end = false;
      let counts = get().counts;
      do {
        const page = await api.call(
          'jobs.list',
          listInput(f, Math.min(500, Math.max(HEAD, through - fresh.length)), cursor),
        );
        fresh.push(...page.items);
        counts = page.counts;
        cursor = page.nextCursor ?? undefined;
        end = !page.nextCursor;
      } while (!end && fresh.length < through);
      // A newer refresh or another filter has answered for this one.
      if (gen !== generation || seq !== refreshSeq) return;
      const head = reconcile(fresh, seen, f);
      const ids = new Set(fresh.map((j) => j.id));
      const { items, nextCursor } = get();
      // Rows already loaded below the re-read part stay, so the list does not jump back to the top.
      const rest = end ? [] : items.filter((j) => !ids.has(j.id));
      set({
        items: rest.length ? head.concat(rest) : head,
        counts,
        nextCursor: end ? null : items.length > fresh.length ? nextCursor : (cursor ?? null),
      });
    } catch (err) {
      toastError('Could not refresh jobs', err);
    } finally {
      done();
    }
  },
  async loadMore() {
    const { nextCursor, loading, loadingMore, filter } = get();
    if (!nextCursor || loading || loadingMore) return;
    const gen = generation;
    const { seen, done } = track();
    set({ loadingMore: true });
    try {
      const page = await api.call('jobs.list', listInput(filter, PAGE, nextCursor));
      if (gen !== generation) return;
      const { items } = get();
      const known = new Set(items.map((j) => j.id));
      const added = reconcile(page.items, seen, filter).filter((j) => !known.has(j.id));
      set({ items: items.concat(added), counts: page.counts, nextCursor: page.nextCursor });
    } catch (err) {
      toastError('Could not load more jobs', err);
    } finally {
      done();
      set({ loadingMore: false });
    }
  },
  select(id) {
    set({ selectedId: id, detail: id && get().detail?.id === id ? get().detail : null });
    if (id) void get().refreshDetail();
  },
  async refreshDetail() {
    const id = get().selectedId;
    if (!id) return;
    try {
      const detail = await api.call('jobs.get', { id, logLines: 200 });
      if (get().selectedId === id) set({ detail });
    } catch (err) {
      toastError('Could not load the job', err);
    }
  },
  async act(action, id) {
    try {
      if (action === 'cancel') await api.call('jobs.cancel', { id });
      else if (action === 'retry') await api.call('jobs.retry', { id });
      else {
        await api.call('jobs.move', { id, direction: action });
        // Re-read down to the moved job, so its new place shows even deep in the list.
        const at = get().items.findIndex((j) => j.id === id);
        await get().refresh(Math.max(HEAD, at + 2));
      }
    } catch (err) {
      toastError(
        `Could not ${action === 'up' || action === 'down' || action === 'top' ? 'move' : action} the job`,
        err,
      );
    }
  },
  async setPaused(paused) {
    try {
      set({ queue: await api.call(paused ? 'jobs.pause' : 'jobs.resume', {}) });
    } catch (err) {
      toastError(paused ? 'Could not pause the queue' : 'Could not resume the queue', err);
    }
  },
}));

/**
 * Live progress of running jobs, apart from the list: a progress event re-renders only the row
 * (and detail panel) of its job, never the list of 10,000.
 */
export const useJobProgress = create<{ byId: ReadonlyMap<string, JobProgressEvent> }>(() => ({
  byId: new Map(),
}));

/** A job with the latest progress reported for it while it runs. */
export function withProgress<J extends JobSummary>(job: J, p: JobProgressEvent | undefined): J {
  return p && job.status === 'running'
    ? {
        ...job,
        progress: p.progress,
        message: p.message,
        etaSec: p.etaSec,
        metrics: p.metrics ?? job.metrics,
      }
    : job;
}

// Progress and changes arrive many times a second across jobs (thousands when a big batch of
// quick jobs runs): they are applied together once per animation frame.
let pendingProgress = new Map<string, JobProgressEvent>();
let pendingChanges = new Map<string, JobSummary>();
let frame: number | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

function schedule() {
  if (frame === null) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = null;
  const progress = pendingProgress;
  const changes = pendingChanges;
  pendingProgress = new Map();
  pendingChanges = new Map();

  if (changes.size) {
    const s = useJobs.getState();
    let touched = false;
    const items: JobSummary[] = [];
    for (const j of s.items) {
      const c = changes.get(j.id);
      if (!c) items.push(j);
      else {
        touched = true;
        if (matchesFilter(c, s.filter)) items.push(c);
      }
    }
    if (touched) useJobs.setState({ items });
    const sel = s.selectedId;
    if (sel && (changes.has(sel) || [...changes.values()].some((j) => j.parentId === sel)))
      void s.refreshDetail();
    // New jobs, run order and the tab counts come from the server (coalesced).
    if (!refreshTimer) {
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void useJobs.getState().refresh();
      }, 300);
    }
  }

  const byId = new Map(useJobProgress.getState().byId);
  let progressChanged = false;
  // A change carries the job's progress at that moment; later events (below) update it again.
  for (const id of changes.keys()) progressChanged = byId.delete(id) || progressChanged;
  for (const [id, p] of progress) {
    byId.set(id, p);
    progressChanged = true;
  }
  if (progressChanged) useJobProgress.setState({ byId });
  useJobActivity.getState().apply(progress, changes);
}

api.on('jobs.progress', (p) => {
  pendingProgress.set(p.id, p);
  schedule();
});

api.on('jobs.changed', ({ job }) => {
  pendingProgress.delete(job.id);
  pendingChanges.set(job.id, job);
  for (const seen of inFlight) seen.set(job.id, job);
  schedule();
});

api.on('jobs.queue', (queue) => {
  useJobs.setState({ queue });
  useJobActivity.setState({ queue });
});

/** What the app frame's indicator shows: queue counts and the running top-level jobs' progress. */
interface ActivityState {
  queue: QueueState | null;
  running: Record<string, { title: string; progress: number }>;
  apply(progress: Map<string, JobProgressEvent>, changes: Map<string, JobSummary>): void;
  refresh(): Promise<void>;
}

export const useJobActivity = create<ActivityState>((set, get) => ({
  queue: null,
  running: {},
  apply(progress, changes) {
    let running: ActivityState['running'] | null = null;
    const edit = () => (running ??= { ...get().running });
    for (const job of changes.values()) {
      if (job.parentId) continue;
      if (job.status === 'running') edit()[job.id] = { title: job.title, progress: job.progress };
      else if (get().running[job.id]) delete edit()[job.id];
    }
    for (const [id, p] of progress) {
      const r = (running ?? get().running)[id];
      if (r) edit()[id] = { ...r, progress: p.progress };
    }
    if (running) set({ running });
  },
  async refresh() {
    try {
      const [queue, page] = await Promise.all([
        api.call('jobs.queueState', {}),
        api.call('jobs.list', { status: ['running'], parentId: null, limit: 50 }),
      ]);
      set({
        queue,
        running: Object.fromEntries(
          page.items.map((j) => [j.id, { title: j.title, progress: j.progress }]),
        ),
      });
    } catch {
      // The indicator is decoration; the Jobs page reports errors.
    }
  },
}));

let connectedOnce = false;
api.onConnection(({ connected }) => {
  if (!connected) return;
  void useJobActivity.getState().refresh();
  // Events sent while the connection was down are lost: read the list again after a reconnect.
  if (connectedOnce && useJobs.getState().items.length) void useJobs.getState().load();
  connectedOnce = true;
});

void useJobActivity.getState().refresh();
