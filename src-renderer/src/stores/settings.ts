import { create } from 'zustand';
import type { AppSettings } from '@contract/index';
import { api } from '../api/client';
import { toastError } from './toasts';

interface SettingsState {
  settings: AppSettings | null;
  load(): Promise<void>;
  update(patch: Partial<AppSettings>): Promise<void>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  async load() {
    try {
      set({ settings: await api.call('settings.get', {}) });
    } catch (err) {
      toastError('Could not load settings', err);
    }
  },
  async update(patch) {
    try {
      set({ settings: await api.call('settings.update', patch) });
    } catch (err) {
      toastError('Could not save settings', err);
    }
  },
}));

api.on('settings.changed', (settings) => useSettings.setState({ settings }));
