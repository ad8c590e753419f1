import { create } from 'zustand';
import type { AppSettings } from '@contract/index';
import { api } from '../api/client';
import { toastError } from './toasts';

interface SettingsState {
  settings: AppSettings | null;
  /** Saves on their way (the Settings page says "Saving…", then "Saved"). */
  saving: number;
  /** When the last save landed (ms), or null; `failed` when it did not. */
  savedAt: number | null;
  failed: boolean;
  load(): Promise<void>;
  /**
   * Settings save as they change: the patch shows at once (a theme applies in the same frame)
   * and is saved; a failed save puts the saved value back and says so. Resolves true when saved.
   */
  update(patch: Partial<AppSettings>): Promise<boolean>;
}

/** Only the latest save's answer is shown: an older one must not paint stale values back. */
let seq = 0;

export const useSettings = create<SettingsState>((set, get) => ({
  settings: null,
  saving: 0,
  savedAt: null,
  failed: false,
  async load() {
    try {
      set({ settings: await api.call('settings.get', {}) });
    } catch (err) {
      toastError('Could not load settings', err);
    }
  },
  async update(patch) {
    const before = get().settings;
    const mine = ++seq;
    if (before) set({ settings: { ...before, ...patch } });
    set({ saving: get().saving + 1 });
    try {
      const saved = await api.call('settings.update', patch);
      if (mine === seq) set({ settings: saved, savedAt: Date.now(), failed: false });
      return true;
    } catch (err) {
      if (mine === seq) set({ failed: true });
      // Back to what the library holds, not to a value typed after this one.
      await get().load();
      toastError('Could not save settings', err);
      return false;
    } finally {
      set({ saving: get().saving - 1 });
    }
  },
}));

api.on('settings.changed', (settings) => {
  // Our own saves echo back; while one is on its way the optimistic value stays.
  if (useSettings.getState().saving === 0) useSettings.setState({ settings });
});
