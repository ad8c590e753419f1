import { create } from 'zustand';
import type { FolderNode, FolderTreeRoot } from '@contract/index';
import { api } from '../api/client';

const openKey = 'atelier.library.folders';

function loadOpen(): { groupOpen: boolean; expanded: string[] } {
  try {
    const p = JSON.parse(localStorage.getItem(openKey) ?? '{}') as {
      groupOpen?: unknown;
      expanded?: unknown;
    };
    return {
      groupOpen: p.groupOpen !== false,
      expanded: Array.isArray(p.expanded)
        ? p.expanded.filter((x): x is string => typeof x === 'string').slice(0, 500)
        : [],
    };
  } catch {
    return { groupOpen: true, expanded: [] };
  }
}

interface FolderTreeState {
  roots: FolderTreeRoot[];
  loaded: boolean;
  /** The sidebar's Folders group shown or folded. */
  groupOpen: boolean;
  /** Expanded nodes as `folderId` or `folderId/sub/path`; remembered across restarts. */
  expanded: string[];
  load(): Promise<void>;
  toggle(key: string): void;
  toggleGroup(): void;
}

const initial = loadOpen();

/** The watched-folder tree the sidebar and the filters show, loaded once and refreshed on change. */
export const useFolderTree = create<FolderTreeState>((set, get) => ({
  roots: [],
  loaded: false,
  groupOpen: initial.groupOpen,
  expanded: initial.expanded,
  async load() {
    try {
      set({ roots: await api.call('library.folders', {}), loaded: true });
    } catch {
      // The tree is a convenience: the sidebar goes on without it.
      set({ loaded: true });
    }
  },
  toggle(key) {
    const { expanded } = get();
    set({
      expanded: expanded.includes(key) ? expanded.filter((k) => k !== key) : [...expanded, key],
    });
    save(get());
  },
  toggleGroup() {
    set({ groupOpen: !get().groupOpen });
    save(get());
  },
}));

function save(s: FolderTreeState) {
  try {
    localStorage.setItem(openKey, JSON.stringify({ groupOpen: s.groupOpen, expanded: s.expanded }));
  } catch {
    // Not remembered, still works.
  }
}

/** Loads the tree and keeps it current (arrivals, trash, folders added or removed). */
export function subscribeFolderTree(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const soon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void useFolderTree.getState().load();
    }, 700);
  };
  void useFolderTree.getState().load();
  const offs = [
    api.on('asset.added', soon),
    api.on('library.changed', soon),
    api.on('watchFolders.changed', soon),
    api.on('assets.curated', (p) => p.fields.includes('deleted_at') && soon()),
  ];
  return () => {
    offs.forEach((off) => off());
    if (timer) clearTimeout(timer);
  };
}

/** "Renders / 2025 / june" for a folder filter (the root's name when the path is unknown). */
export function folderLabel(
  roots: FolderTreeRoot[],
  folderId: string,
  folderPath: string | undefined,
): string {
  const root = roots.find((r) => r.id === folderId);
  const name = root?.name ?? 'Folder';
  return folderPath ? `${name} / ${folderPath.split('/').join(' / ')}` : name;
}

/** Every folder, depth first, for a flat picker. */
export function flattenFolders(
  roots: FolderTreeRoot[],
): { folderId: string; path: string | undefined; name: string; depth: number; count: number }[] {
  const out: ReturnType<typeof flattenFolders> = [];
  const walk = (folderId: string, nodes: FolderNode[], depth: number) => {
    for (const n of nodes) {
      out.push({ folderId, path: n.path, name: n.name, depth, count: n.count });
      walk(folderId, n.children, depth + 1);
    }
  };
  for (const r of roots) {
    out.push({ folderId: r.id, path: undefined, name: r.name, depth: 0, count: r.count });
    walk(r.id, r.children, 1);
  }
  return out;
}
