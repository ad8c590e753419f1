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

interface JobsState {
  filter: JobsFilter;
  items: JobSummary[];
  counts: Record<JobStatusName, number>;
  nextCursor: string | null;
  loading: boolean;
  queue: QueueState | null;
  selectedId: string | null;
  detail: JobDetail | null;
  setFilter(f: JobsFilter): void;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  select(id: string | null): void;
  refreshDetail(): Promise<void>;
  act(action: 'cancel' | 'retry' | 'up' | 'down' | 'top', id: string): Promise<void>;
  setPaused(paused: boolean): Promise<void>;
}

let loadSeq = 0;

export const useJobs = create<JobsState>((set, get) => ({
  filter: 'all',
  items: [],
  counts: emptyCounts,
  nextCursor: null,
  loading: false,
  queue: null,
  selectedId: null,
  detail: null,
  setFilter(filter) {
    set({ filter, items: [], nextCursor: null });
    void get().load();
  },
  async load() {
    const seq = ++loadSeq;
    set({ loading: true });
    try {
      const f = get().filter;
      // The queued tab shows run order, so moving a job up or down is visible.
      const page = await api.call('jobs.list', {
        status: filterStatuses[f],
        parentId: null,
        limit: 100,
        order: f === 'queued' ? 'queue' : 'recent',
      });
      if (seq !== loadSeq) return;
      set({ items: page.items, counts: page.counts, nextCursor: page.nextCursor });
      if (!get().queue) set({ queue: await api.call('jobs.queueState', {}) });
    } catch (err) {
      toastError('Could not load jobs', err);
    } finally {
      if (seq === loadSeq) set({ loading: false });
    }
  },
  async loadMore() {
    const { nextCursor, loading, filter } = get();
    if (!nextCursor || loading) return;
    set({ loading: true });
    try {
      const page = await api.call('jobs.list', {
        status: filterStatuses[filter],
        parentId: null,
        limit: 200,
        cursor: nextCursor,
        order: filter === 'queued' ? 'queue' : 'recent',
      });
      const known = new Set(get().items.map((j) => j.id));
      set({
        items: [...get().items, ...page.items.filter((j) => !known.has(j.id))],
        counts: page.counts,
        nextCursor: page.nextCursor,
      });
    } catch (err) {
      toastError('Could not load more jobs', err);
    } finally {
      set({ loading: false });
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
      else await api.call('jobs.move', { id, direction: action });
      if (action !== 'cancel' && action !== 'retry') await get().load();
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

function matchesFilter(job: JobSummary, f: JobsFilter): boolean {
  const s = filterStatuses[f];
  return job.parentId === null && (!s || s.includes(job.status));
}

// Progress arrives many times a second across jobs: apply it once per animation frame.
let pendingProgress = new Map<string, JobProgressEvent>();
let frame: number | null = null;
function flushProgress() {
  frame = null;
  const batch = pendingProgress;
  pendingProgress = new Map();
  const { items, detail } = useJobs.getState();
  let changed = false;
  const next = items.map((j) => {
    const p = batch.get(j.id);
    if (!p) return j;
    changed = true;
    return { ...j, progress: p.progress, message: p.message, etaSec: p.etaSec };
  });
  const d = detail && batch.get(detail.id);
  useJobs.setState({
    ...(changed ? { items: next } : {}),
    ...(d && detail
      ? { detail: { ...detail, progress: d.progress, message: d.message, etaSec: d.etaSec } }
      : {}),
  });
  useJobActivity.getState().applyProgress(batch);
}

api.on('jobs.progress', (p) => {
  pendingProgress.set(p.id, p);
  if (frame === null) frame = requestAnimationFrame(flushProgress);
});

let reloadTimer: ReturnType<typeof setTimeout> | null = null;
api.on('jobs.changed', ({ job }) => {
  const s = useJobs.getState();
  const idx = s.items.findIndex((j) => j.id === job.id);
  if (idx >= 0) {
    const items = s.items.slice();
    if (matchesFilter(job, s.filter)) items[idx] = job;
    else items.splice(idx, 1);
    useJobs.setState({ items });
  }
  // Refetch the first page (coalesced) so new jobs, order and the tab counts stay right; once the
  // user has paged deeper, rows are only updated in place so the list does not jump.
  if ((idx < 0 ? matchesFilter(job, s.filter) : s.items.length <= 100) && !reloadTimer) {
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      void useJobs.getState().load();
    }, 300);
  }
  if (s.selectedId === job.id || (job.parentId && s.selectedId === job.parentId))
    void s.refreshDetail();
  useJobActivity.getState().applyChange(job);
});

api.on('jobs.queue', (queue) => {
  useJobs.setState({ queue });
  useJobActivity.setState({ queue });
});

/** What the app frame's indicator shows: queue counts and the running top-level jobs' progress. */
interface ActivityState {
  queue: QueueState | null;
  running: Record<string, { title: string; progress: number }>;
  applyProgress(batch: Map<string, JobProgressEvent>): void;
  applyChange(job: JobSummary): void;
  refresh(): Promise<void>;
}

export const useJobActivity = create<ActivityState>((set, get) => ({
  queue: null,
  running: {},
  applyProgress(batch) {
    const running = { ...get().running };
    let changed = false;
    for (const [id, p] of batch) {
      if (running[id]) {
        running[id] = { ...running[id]!, progress: p.progress };
        changed = true;
      }
    }
    if (changed) set({ running });
  },
  applyChange(job) {
    if (job.parentId) return;
    const running = { ...get().running };
    if (job.status === 'running') running[job.id] = { title: job.title, progress: job.progress };
    else delete running[job.id];
    set({ running });
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

api.onConnection(({ connected }) => {
  if (connected) void useJobActivity.getState().refresh();
});

void useJobActivity.getState().refresh();
