import { create } from 'zustand';
import type { LookupInfo, ModelFamily, NegativePresetInfo } from '@contract/index';
import { api } from '../api/client';

export type LookupsTab = 'lookups' | 'presets';

/** The editor's fields; `original` is the lookup's name as saved (null: a new one). */
export interface LookupDraft {
  original: string | null;
  system: boolean;
  key: string;
  values: string;
  description: string;
  category: string;
}

export interface PresetDraft {
  id: string | null;
  name: string;
  family: ModelFamily | '';
  contentMode: NegativePresetInfo['contentMode'];
  text: string;
  priority: number;
  active: boolean;
}

interface LookupsState {
  tab: LookupsTab;
  search: string;
  lookups: LookupInfo[] | null;
  error: string | null;
  draft: LookupDraft | null;
  presets: NegativePresetInfo[] | null;
  presetsError: string | null;
  presetDraft: PresetDraft | null;

  setTab(tab: LookupsTab): void;
  setSearch(search: string): void;
  load(): Promise<void>;
  loadPresets(): Promise<void>;
  edit(l: LookupInfo | null): void;
  copy(l: LookupInfo): void;
  setDraft(patch: Partial<LookupDraft>): void;
  /** Saves the draft (a rename saves the new name, then deletes the old); the saved lookup. */
  save(): Promise<LookupInfo>;
  remove(key: string): Promise<void>;
  editPreset(p: NegativePresetInfo | null): void;
  setPresetDraft(patch: Partial<PresetDraft>): void;
  savePreset(): Promise<NegativePresetInfo>;
  removePreset(id: string): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
let seq = 0;

export const draftOf = (l: LookupInfo): LookupDraft => ({
  original: l.key,
  system: l.system,
  key: l.key,
  values: l.values.join('\n'),
  description: l.description,
  category: l.category,
});

/** The values as the server takes them: one a line, trimmed, blanks left out. */
export const valuesOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((v) => v.trim())
    .filter(Boolean);

export const useLookups = create<LookupsState>((set, get) => ({
  tab: 'lookups',
  search: '',
  lookups: null,
  error: null,
  draft: null,
  presets: null,
  presetsError: null,
  presetDraft: null,

  setTab(tab) {
    set({ tab });
    if (tab === 'presets') void get().loadPresets();
  },

  setSearch(search) {
    set({ search });
  },

  async load() {
    const mine = ++seq;
    const search = get().search.trim();
    try {
      const lookups = await api.call('lookups.list', search ? { search } : {});
      if (mine === seq) set({ lookups, error: null });
    } catch (err) {
      if (mine === seq) set({ error: message(err) });
    }
  },

  async loadPresets() {
    try {
      set({ presets: await api.call('negativePresets.list', {}), presetsError: null });
    } catch (err) {
      set({ presetsError: message(err) });
    }
  },

  edit(l) {
    set({
      draft: l
        ? draftOf(l)
        : { original: null, system: false, key: '', values: '', description: '', category: '' },
    });
  },

  copy(l) {
    set({
      draft: { ...draftOf(l), original: null, system: false, key: `${l.key}_mine` },
    });
  },

  setDraft(patch) {
    const d = get().draft;
    if (d) set({ draft: { ...d, ...patch } });
  },

  async save() {
    const d = get().draft!;
    const key = d.key.trim();
    const saved = await api.call('lookups.set', {
      key,
      values: valuesOf(d.values),
      description: d.description.trim(),
      category: d.category.trim(),
    });
    if (d.original && d.original !== saved.key)
      await api.call('lookups.delete', { key: d.original });
    set({ draft: draftOf(saved) });
    await get().load();
    return saved;
  },

  async remove(key) {
    await api.call('lookups.delete', { key });
    if (get().draft?.original === key) set({ draft: null });
    await get().load();
  },

  editPreset(p) {
    set({
      presetDraft: p
        ? {
            id: p.id,
            name: p.name,
            family: (p.family as ModelFamily | null) ?? '',
            contentMode: p.contentMode,
            text: p.text,
            priority: p.priority,
            active: p.active,
          }
        : {
            id: null,
            name: '',
            family: '',
            contentMode: 'sfw',
            text: '',
            priority: 0,
            active: true,
          },
    });
  },

  setPresetDraft(patch) {
    const d = get().presetDraft;
    if (d) set({ presetDraft: { ...d, ...patch } });
  },

  async savePreset() {
    const d = get().presetDraft!;
    const saved = await api.call('negativePresets.set', {
      ...(d.id ? { id: d.id } : {}),
      name: d.name.trim(),
      family: d.family || null,
      contentMode: d.contentMode,
      text: d.text.trim(),
      priority: d.priority,
      active: d.active,
    });
    get().editPreset(saved);
    await get().loadPresets();
    return saved;
  },

  async removePreset(id) {
    await api.call('negativePresets.delete', { id });
    if (get().presetDraft?.id === id) set({ presetDraft: null });
    await get().loadPresets();
  },
}));

let changedTimer: ReturnType<typeof setTimeout> | null = null;
/** Another window (or the CLI) changed a lookup: the list follows while it is shown. */
export function watchLookups(): () => void {
  const off = api.on('lookups.changed', () => {
    if (changedTimer) return;
    changedTimer = setTimeout(() => {
      changedTimer = null;
      void useLookups.getState().load();
    }, 200);
  });
  return () => {
    off();
    if (changedTimer) clearTimeout(changedTimer);
    changedTimer = null;
  };
}
