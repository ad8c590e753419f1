import { create } from 'zustand';
import type {
  CueInfo,
  LocalizationDetail,
  LocalizationInfo,
  LocalizeEngineInfo,
} from '@contract/index';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';

export interface LiveProgress {
  progress: number;
  message: string | null;
  etaSec: number | null;
}

interface LocalizeState {
  list: LocalizationInfo[] | null;
  engines: LocalizeEngineInfo[] | null;
  /** The localisation open in the cue editor. */
  openId: string | null;
  detail: LocalizationDetail | null;
  /** Live progress of running jobs, by job id (from jobs.progress, between list reloads). */
  live: Record<string, LiveProgress>;
  /** The "New localisation" dialog: open, for an asset or for the creator to pick one. */
  newDialog: { assetId: string | null } | null;
  load(): Promise<void>;
  loadEngines(force?: boolean): Promise<void>;
  open(id: string | null): void;
  refreshDetail(): Promise<void>;
  openNew(assetId?: string | null): void;
  closeNew(): void;
  /** Puts a cue the api answered with into the open detail. */
  putCue(id: string, cue: CueInfo): void;
  putDetail(d: LocalizationDetail): void;
  putInfo(info: LocalizationInfo): void;
}

export const useLocalize = create<LocalizeState>((set, get) => ({
  list: null,
  engines: null,
  openId: null,
  detail: null,
  live: {},
  newDialog: null,
  async load() {
    try {
      const list = await api.call('localize.list', {});
      set({ list });
    } catch (err) {
      toastError('Could not load the localisations', err);
      if (!get().list) set({ list: [] });
    }
  },
  async loadEngines(force = false) {
    if (get().engines && !force) return;
    try {
      set({ engines: await api.call('localize.engines', {}) });
    } catch (err) {
      toastError('Could not list the speech and translation engines', err);
    }
  },
  open(id) {
    if (id === get().openId) return;
    set({ openId: id, detail: null });
    if (id) void get().refreshDetail();
  },
  async refreshDetail() {
    const id = get().openId;
    if (!id) return;
    try {
      const d = await api.call('localize.get', { id });
      if (get().openId === id) set({ detail: d });
    } catch (err) {
      toastError('Could not load the localisation', err);
      if (get().openId === id) set({ openId: null, detail: null });
    }
  },
  openNew(assetId = null) {
    set({ newDialog: { assetId } });
    void get().loadEngines();
  },
  closeNew() {
    set({ newDialog: null });
  },
  putCue(id, cue) {
    const d = get().detail;
    if (!d || d.id !== id) return;
    set({ detail: { ...d, cues: d.cues.map((c) => (c.index === cue.index ? cue : c)) } });
  },
  putDetail(d) {
    if (get().openId === d.id) set({ detail: d });
    get().putInfo(d);
  },
  putInfo(info) {
    const list = get().list;
    if (!list) return;
    const { cues: _cues, ...plain } = info as LocalizationDetail;
    const i = list.findIndex((l) => l.id === info.id);
    set({
      list: i < 0 ? [plain, ...list] : list.map((l) => (l.id === info.id ? plain : l)),
    });
    const d = get().detail;
    if (d && d.id === info.id && !('cues' in info)) set({ detail: { ...d, ...plain } });
  },
}));

/**
 * Keeps the page live while it is shown: `localize.changed` re-reads the list and the open
 * localisation (at most a few times a second: speech changes a cue every moment), and
 * `jobs.progress` moves the bars of the localisations' jobs in between.
 */
export function watchLocalize(): () => void {
  let listTimer: ReturnType<typeof setTimeout> | null = null;
  let detailTimer: ReturnType<typeof setTimeout> | null = null;
  const soon = (which: 'list' | 'detail') => {
    if (which === 'list') {
      listTimer ??= setTimeout(() => {
        listTimer = null;
        void useLocalize.getState().load();
      }, 250);
    } else {
      detailTimer ??= setTimeout(() => {
        detailTimer = null;
        void useLocalize.getState().refreshDetail();
      }, 250);
    }
  };
  const offs = [
    api.on('localize.changed', ({ id }) => {
      soon('list');
      if (useLocalize.getState().openId === id) soon('detail');
    }),
    api.on('jobs.progress', (p) => {
      const s = useLocalize.getState();
      const ours =
        s.list?.some((l) => l.jobId === p.id) || (s.detail && s.detail.jobId === p.id) || false;
      if (!ours) return;
      useLocalize.setState({
        live: {
          ...s.live,
          // The job's figure goes back to 0 when it plans its parts: the bar never moves back.
          [p.id]: {
            progress: Math.max(p.progress, s.live[p.id]?.progress ?? 0),
            message: p.message,
            etaSec: p.etaSec,
          },
        },
      });
    }),
    api.onConnection(({ connected }) => {
      if (!connected) return;
      soon('list');
      soon('detail');
    }),
  ];
  return () => {
    offs.forEach((off) => off());
    if (listTimer) clearTimeout(listTimer);
    if (detailTimer) clearTimeout(detailTimer);
  };
}

/** Progress of a localisation: the live figure while its job runs, else what the list says. */
export function progressOf(
  l: LocalizationInfo,
  live: Record<string, LiveProgress>,
): { progress: number; message: string | null } {
  const p = l.jobId ? live[l.jobId] : undefined;
  if (l.status === 'completed') return { progress: 1, message: null };
  if (l.status === 'running' && p) return p;
  return { progress: l.progress, message: null };
}
