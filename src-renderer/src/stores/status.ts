import { create } from 'zustand';
import type { StatusInfo } from '@contract/index';
import { api } from '../api/client';
import { toastError } from './toasts';

interface StatusState {
  status: StatusInfo | null;
  loading: boolean;
  connected: boolean;
  refresh(): Promise<void>;
}

export const useStatus = create<StatusState>((set) => ({
  status: null,
  loading: false,
  connected: true,
  async refresh() {
    set({ loading: true });
    try {
      set({ status: await api.call('system.status', {}) });
    } catch (err) {
      toastError('Could not load the library status', err);
    } finally {
      set({ loading: false });
    }
  },
}));

// Refetch when something status shows changes, at most every 250 ms.
let pending: ReturnType<typeof setTimeout> | null = null;
api.on('status.changed', () => {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    void useStatus.getState().refresh();
  }, 250);
});
api.onConnection(({ connected }) => {
  useStatus.setState({ connected });
  if (connected) void useStatus.getState().refresh();
});
