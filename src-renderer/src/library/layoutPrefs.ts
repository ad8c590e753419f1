import { useEffect } from 'react';
import { create } from 'zustand';
import { useLibrary } from './libraryStore';
import { isTyping } from '../lib/typing';

/** Square cells (the classic grid) or rows that keep each picture's aspect ratio. */
export type GridMode = 'square' | 'justified';

interface LayoutPrefs {
  sidebarOpen: boolean;
  detailOpen: boolean;
  gridMode: GridMode;
}

const key = 'atelier.library.layout';

function load(): LayoutPrefs {
  try {
    const p = JSON.parse(localStorage.getItem(key) ?? '{}') as Partial<Record<string, unknown>>;
    return {
      sidebarOpen: p.sidebarOpen !== false,
      detailOpen: p.detailOpen !== false,
      gridMode: p.gridMode === 'justified' ? 'justified' : 'square',
    };
  } catch {
    return { sidebarOpen: true, detailOpen: true, gridMode: 'square' };
  }
}

function save(p: LayoutPrefs) {
  try {
    localStorage.setItem(key, JSON.stringify(p));
  } catch {
    // Storage full or disabled: the layout still changes, it is just not remembered.
  }
}

interface LayoutState {
  sidebarOpen: boolean;
  gridMode: GridMode;
  toggleSidebar(): void;
  setGridMode(mode: GridMode): void;
}

const initial = load();

/**
 * The Library's layout, remembered in localStorage: the filter sidebar and the detail panel
 * open or collapsed, and the grid's mode. The detail panel's flag is the library store's
 * `detailOpen` (other pages open it, e.g. "Open in Library"); it is seeded and saved from here.
 */
export const useLayout = create<LayoutState>((set, get) => ({
  sidebarOpen: initial.sidebarOpen,
  gridMode: initial.gridMode,
  toggleSidebar() {
    set({ sidebarOpen: !get().sidebarOpen });
    persist();
  },
  setGridMode(gridMode) {
    set({ gridMode });
    persist();
  },
}));

function persist() {
  const { sidebarOpen, gridMode } = useLayout.getState();
  save({ sidebarOpen, gridMode, detailOpen: useLibrary.getState().detailOpen });
}

useLibrary.setState({ detailOpen: initial.detailOpen });
useLibrary.subscribe((s, prev) => {
  if (s.detailOpen !== prev.detailOpen) persist();
});

export function toggleDetail() {
  useLibrary.getState().set({ detailOpen: !useLibrary.getState().detailOpen });
}

/** `[` collapses or opens the filter sidebar, `]` the detail panel (not while typing or in review). */
export function useLayoutKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (e.key !== '[' && e.key !== ']') return;
      if (isTyping(e.target)) return;
      const s = useLibrary.getState();
      if (s.review || s.quickLook || document.querySelector('[role=dialog][aria-modal=true]'))
        return;
      e.preventDefault();
      if (e.key === '[') useLayout.getState().toggleSidebar();
      else toggleDetail();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
