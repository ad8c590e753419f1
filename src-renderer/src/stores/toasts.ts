import { create } from 'zustand';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  title: string;
  detail?: string;
}

interface ToastState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(t) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-4), { ...t, id }] });
    setTimeout(() => get().dismiss(id), t.kind === 'error' ? 8000 : 4000);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

export function toastError(title: string, err: unknown): void {
  useToasts
    .getState()
    .push({ kind: 'error', title, detail: err instanceof Error ? err.message : String(err) });
}

export function toastInfo(title: string, detail?: string): void {
  useToasts.getState().push({ kind: 'success', title, ...(detail ? { detail } : {}) });
}
