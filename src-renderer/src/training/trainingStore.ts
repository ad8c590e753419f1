import { create } from 'zustand';
import type {
  CaptionSource,
  DatasetCheck,
  DatasetDetail,
  DatasetInfo,
  DatasetProblem,
  MethodInput,
  TrainingDetail,
  TrainingInfo,
  TrainingPreset,
} from '@contract/index';
import { api } from '../api/client';
import { toastError, toastInfo } from '../stores/toasts';
import { plural } from './format';

export type TrainingTab = 'datasets' | 'runs';
export type DatasetPatch = Omit<MethodInput<'datasets.update'>, 'id'>;
export type RunAction = 'pause' | 'resume' | 'cancel' | 'delete';

export interface FindState {
  find: string;
  replace: string;
  wholeTag: boolean;
  caseSensitive: boolean;
}
const noFind: FindState = { find: '', replace: '', wholeTag: false, caseSensitive: false };

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

interface TrainingState {
  tab: TrainingTab;
  datasets: DatasetInfo[] | null;
  datasetsError: string | null;
  /** The dataset open in the Datasets tab (null: the list). */
  datasetId: string | null;
  dataset: DatasetDetail | null;
  datasetError: string | null;
  tags: { tag: string; count: number }[] | null;
  check: DatasetCheck | null;
  checking: boolean;
  checkError: string | null;
  /** Assets a check problem names, lit in the grid while the pointer is over it. */
  highlight: ReadonlySet<string>;
  /** The find/replace bar over the open dataset's captions. */
  find: FindState;
  presets: TrainingPreset[] | null;
  runs: TrainingInfo[] | null;
  runsError: string | null;
  /** Queued runs' job ids in the order the queue will run them. */
  queueOrder: string[];
  runId: string | null;
  run: TrainingDetail | null;
  runError: string | null;
  /** The Train dialog: for this dataset ('' = pick one); undefined = closed. */
  trainFor: string | undefined;
  /** The New dataset dialog is open (from the Training page). */
  creating: boolean;

  setTab(tab: TrainingTab): void;
  loadDatasets(): Promise<void>;
  openDataset(id: string | null): void;
  loadDataset(): Promise<void>;
  runCheck(): Promise<void>;
  setHighlight(ids: readonly string[]): void;
  /** A check problem's one-click fix: it leaves the list at once; the next check confirms. */
  fix(problem: DatasetProblem): Promise<void>;
  setFind(patch: Partial<FindState>): void;
  /** Replaces across every caption; resolves to how many changed (null: it failed). */
  replaceAll(): Promise<number | null>;
  /** Resolves to the server's refusal, or null. */
  updateDataset(patch: DatasetPatch): Promise<string | null>;
  saveCaption(assetId: string, caption: string): Promise<boolean>;
  exclude(assetIds: string[], excluded: boolean): Promise<void>;
  resetCaptions(source: CaptionSource): Promise<void>;
  deleteDataset(): Promise<boolean>;
  loadPresets(): Promise<void>;
  loadRuns(): Promise<void>;
  openRun(id: string | null): void;
  loadRun(): Promise<void>;
  act(run: TrainingInfo, action: RunAction): Promise<void>;
  move(run: TrainingInfo, direction: 'up' | 'down'): Promise<void>;
  choose(run: TrainingInfo, modelId: string): Promise<boolean>;
  openTrain(datasetId: string | undefined): void;
  setCreating(open: boolean): void;
  /** A new run is in the list and open in the Runs tab. */
  started(run: TrainingInfo): void;
}

let datasetSeq = 0;
let runSeq = 0;

export const useTraining = create<TrainingState>((set, get) => ({
  tab: 'datasets',
  datasets: null,
  datasetsError: null,
  datasetId: null,
  dataset: null,
  datasetError: null,
  tags: null,
  check: null,
  checking: false,
  checkError: null,
  highlight: new Set(),
  find: noFind,
  presets: null,
  runs: null,
  runsError: null,
  queueOrder: [],
  runId: null,
  run: null,
  runError: null,
  trainFor: undefined,
  creating: false,

  setTab(tab) {
    set({ tab });
  },

  async loadDatasets() {
    try {
      set({ datasets: await api.call('datasets.list', {}), datasetsError: null });
    } catch (err) {
      set({ datasetsError: message(err) });
    }
  },

  openDataset(id) {
    if (id === get().datasetId) return;
    set({
      datasetId: id,
      dataset: null,
      datasetError: null,
      tags: null,
      check: null,
      checkError: null,
      highlight: new Set(),
      find: noFind,
      tab: 'datasets',
    });
    if (id) {
      void get().loadDataset();
      void get().runCheck();
    }
  },

  async loadDataset() {
    const id = get().datasetId;
    if (!id) return;
    const seq = ++datasetSeq;
    try {
      const [dataset, tags] = await Promise.all([
        api.call('datasets.get', { id }),
        api.call('datasets.tagFrequency', { id }),
      ]);
      if (seq === datasetSeq && get().datasetId === id) set({ dataset, tags, datasetError: null });
    } catch (err) {
      if (seq === datasetSeq && get().datasetId === id) set({ datasetError: message(err) });
    }
  },

  async runCheck() {
    const id = get().datasetId;
    if (!id) return;
    set({ checking: true });
    try {
      const check = await api.call('datasets.check', { id });
      if (get().datasetId === id) set({ check, checkError: null });
    } catch (err) {
      if (get().datasetId === id) set({ checkError: message(err) });
    } finally {
      set({ checking: false });
    }
  },

  setHighlight(ids) {
    if (ids.length === 0 && get().highlight.size === 0) return;
    set({ highlight: new Set(ids) });
  },

  async fix(problem) {
    const check = get().check;
    if (check) {
      const problems = check.problems.filter((p) => p !== problem);
      set({ check: { ...check, problems, ok: !problems.some((p) => p.severity === 'error') } });
    }
    set({ highlight: new Set() });
    if (problem.fix === 'bucketing') {
      const err = await get().updateDataset({ bucketing: true });
      if (err) toastError('Could not turn bucketing on', new Error(err));
    } else if (problem.fix === 'exclude') await get().exclude(problem.assetIds, true);
  },

  setFind(patch) {
    set({ find: { ...get().find, ...patch } });
  },

  async replaceAll() {
    const id = get().datasetId;
    const f = get().find;
    if (!id || !f.find) return null;
    try {
      const r = await api.call('datasets.replaceInCaptions', { id, ...f, dryRun: false });
      await get().loadDataset();
      return r.changed;
    } catch (err) {
      toastError('Could not replace in the captions', err);
      return null;
    }
  },

  async updateDataset(patch) {
    const id = get().datasetId;
    if (!id) return null;
    try {
      const dataset = await api.call('datasets.update', { id, ...patch });
      if (get().datasetId === id) set({ dataset });
      return null;
    } catch (err) {
      return message(err);
    }
  },

  async saveCaption(assetId, caption) {
    const id = get().datasetId;
    const d = get().dataset;
    if (!id || !d) return false;
    try {
      await api.call('datasets.setCaptions', { id, captions: [{ assetId, caption }] });
      // The server tidies the text (one line, trimmed); the event brings it back.
      set({
        dataset: {
          ...d,
          items: d.items.map((i) =>
            i.assetId === assetId ? { ...i, caption: caption.replace(/\s*\n\s*/g, ' ').trim() } : i,
          ),
        },
      });
      return true;
    } catch (err) {
      toastError('Could not save the caption', err);
      return false;
    }
  },

  async exclude(assetIds, excluded) {
    const id = get().datasetId;
    const d = get().dataset;
    if (!id || !d || !assetIds.length) return;
    const ids = new Set(assetIds);
    set({
      dataset: { ...d, items: d.items.map((i) => (ids.has(i.assetId) ? { ...i, excluded } : i)) },
    });
    try {
      const dataset = await api.call('datasets.exclude', { id, assetIds, excluded });
      if (get().datasetId === id) set({ dataset });
    } catch (err) {
      toastError(excluded ? 'Could not leave them out' : 'Could not bring them back', err);
      void get().loadDataset();
    }
  },

  async resetCaptions(source) {
    const id = get().datasetId;
    if (!id) return;
    try {
      const dataset = await api.call('datasets.resetCaptions', { id, source });
      if (get().datasetId === id) set({ dataset });
      toastInfo('Captions written again', `${plural(dataset.items.length, 'caption')}`);
    } catch (err) {
      toastError('Could not reset the captions', err);
    }
  },

  async deleteDataset() {
    const id = get().datasetId;
    if (!id) return false;
    try {
      await api.call('datasets.delete', { id });
      set({ datasets: get().datasets?.filter((d) => d.id !== id) ?? null });
      get().openDataset(null);
      return true;
    } catch (err) {
      toastError('Could not delete the dataset', err);
      return false;
    }
  },

  async loadPresets() {
    if (get().presets) return;
    try {
      set({ presets: await api.call('trainings.presets', {}) });
    } catch (err) {
      toastError('Could not load the training presets', err);
    }
  },

  async loadRuns() {
    const seq = ++runSeq;
    try {
      const runs = await api.call('trainings.list', {});
      const queued = runs.some((r) => r.status === 'queued');
      const order = queued
        ? (
            await api.call('jobs.list', {
              status: ['queued'],
              kind: 'train_lora',
              parentId: null,
              order: 'queue',
              limit: 500,
            })
          ).items.map((j) => j.id)
        : [];
      if (seq === runSeq) set({ runs, queueOrder: order, runsError: null });
    } catch (err) {
      if (seq === runSeq) set({ runsError: message(err) });
    }
  },

  openRun(id) {
    if (id === get().runId) return;
    set({ runId: id, run: null, runError: null });
    if (id) void get().loadRun();
  },

  async loadRun() {
    const id = get().runId;
    if (!id) return;
    try {
      const run = await api.call('trainings.get', { id });
      if (get().runId === id) set({ run, runError: null });
    } catch (err) {
      if (get().runId === id) set({ runError: message(err) });
    }
  },

  async act(run, action) {
    const titles: Record<RunAction, string> = {
      pause: 'Could not pause the run',
      resume: 'Could not resume the run',
      cancel: 'Could not cancel the run',
      delete: 'Could not delete the run',
    };
    try {
      if (action === 'delete') {
        await api.call('trainings.delete', { id: run.id });
        set({ runs: get().runs?.filter((r) => r.id !== run.id) ?? null });
        if (get().runId === run.id) get().openRun(null);
        return;
      }
      const method = (
        {
          pause: 'trainings.pause',
          resume: 'trainings.resume',
          cancel: 'trainings.cancel',
        } as const
      )[action];
      const next = await api.call(method, { id: run.id });
      set({ runs: get().runs?.map((r) => (r.id === next.id ? next : r)) ?? null });
    } catch (err) {
      toastError(titles[action], err);
    }
    void get().loadRuns();
    if (get().runId === run.id) void get().loadRun();
  },

  async move(run, direction) {
    try {
      await api.call('trainings.move', { id: run.id, direction });
    } catch (err) {
      toastError('Could not move the run', err);
    }
    void get().loadRuns();
  },

  async choose(run, modelId) {
    try {
      const next = await api.call('trainings.choose', { id: run.id, modelId });
      set({ runs: get().runs?.map((r) => (r.id === next.id ? next : r)) ?? null });
      const open = get().run;
      if (open?.id === next.id) set({ run: { ...open, chosenModelId: next.chosenModelId } });
      return true;
    } catch (err) {
      toastError('Could not choose this LoRA', err);
      return false;
    }
  },

  openTrain(datasetId) {
    set({ trainFor: datasetId });
    if (datasetId !== undefined) void get().loadPresets();
  },

  setCreating(open) {
    set({ creating: open });
  },

  started(run) {
    set({
      runs: [run, ...(get().runs ?? []).filter((r) => r.id !== run.id)],
      tab: 'runs',
      trainFor: undefined,
    });
    get().openRun(run.id);
    void get().loadRuns();
  },
}));

// Events: applied while the page is open, a few at a time.
let watchers = 0;
let datasetTimer: ReturnType<typeof setTimeout> | null = null;
let checkTimer: ReturnType<typeof setTimeout> | null = null;
let runsTimer: ReturnType<typeof setTimeout> | null = null;
let runDirty = false;

/** Loads what the page shows and keeps it current; returns the unsubscribe. */
export function watchTraining(): () => void {
  watchers++;
  const s = useTraining.getState();
  void s.loadDatasets();
  void s.loadRuns();
  void s.loadPresets();
  if (s.datasetId) void s.loadDataset();
  if (s.runId) void s.loadRun();
  return () => {
    watchers--;
  };
}

function datasetChanged(id: string) {
  if (watchers === 0) return;
  const open = useTraining.getState().datasetId === id;
  if (datasetTimer) clearTimeout(datasetTimer);
  datasetTimer = setTimeout(() => {
    datasetTimer = null;
    const s = useTraining.getState();
    void s.loadDatasets();
    if (open) void s.loadDataset();
  }, 250);
  // The check reads every file: it runs again once the edits pause.
  if (open && useTraining.getState().check) {
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = setTimeout(() => {
      checkTimer = null;
      void useTraining.getState().runCheck();
    }, 700);
  }
}

function runChanged(id: string | null) {
  if (watchers === 0) return;
  if (id === null || useTraining.getState().runId === id) runDirty = true;
  if (runsTimer) return;
  runsTimer = setTimeout(() => {
    runsTimer = null;
    const s = useTraining.getState();
    void s.loadRuns();
    if (runDirty) void s.loadRun();
    runDirty = false;
  }, 300);
}

api.on('datasets.changed', ({ id }) => datasetChanged(id));
api.on('trainings.changed', ({ id }) => runChanged(id));
// A run's state is its job's: a job that finishes, fails or is cancelled changes the run.
api.on('jobs.changed', ({ job }) => {
  if (job.kind !== 'train_lora') return;
  const run = useTraining.getState().runs?.find((r) => r.jobId === job.id);
  runChanged(run?.id ?? null);
});

let connectedOnce = false;
api.onConnection(({ connected }) => {
  if (!connected) return;
  // Events sent while the connection was down are lost: read everything shown again.
  if (connectedOnce && watchers > 0) {
    const s = useTraining.getState();
    void s.loadDatasets();
    void s.loadRuns();
    void s.loadDataset();
    void s.loadRun();
  }
  connectedOnce = true;
});
