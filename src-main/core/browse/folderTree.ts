import type BetterSqlite3 from 'better-sqlite3';
import type { FolderNode, FolderTreeRoot } from '../../contract/browse';
import { statements } from '../db/statements';
import { dataVersion } from './counts';

interface Dir {
  folder_id: string;
  dir: string;
  n: number;
}

const cache = new WeakMap<BetterSqlite3.Database, { version: string; value: FolderTreeRoot[] }>();

/**
 * The watched folders and the sub-folders that hold live assets, with counts that include
 * sub-folders. One grouped scan (a few thousand folders at most); kept until the data changes.
 */
export function folderTree(sqlite: BetterSqlite3.Database): FolderTreeRoot[] {
  const version = dataVersion(sqlite);
  const hit = cache.get(sqlite);
  if (hit?.version === version) return hit.value;
  const value = computeTree(sqlite);
  cache.set(sqlite, { version, value });
  return value;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

function computeTree(sqlite: BetterSqlite3.Database): FolderTreeRoot[] {
  const st = statements(sqlite);
  const folders = st.all(
    'SELECT id, path, is_inbox FROM watch_folders ORDER BY is_inbox DESC, created_at',
    [],
  ) as { id: string; path: string; is_inbox: number }[];
  // The directory of each file: its path less the file name (the last path component).
  const dirs = st.all(
    `SELECT folder_id, substr(path, 1, length(path) - length(filename)) AS dir, count(*) AS n
     FROM assets WHERE deleted_at IS NULL AND folder_id IS NOT NULL GROUP BY folder_id, dir`,
    [],
  ) as Dir[];
  const byFolder = new Map<string, Dir[]>();
  for (const d of dirs) {
    const list = byFolder.get(d.folder_id);
    if (list) list.push(d);
    else byFolder.set(d.folder_id, [d]);
  }
  return folders.map((f) => {
    const root = f.path.replace(/[\\/]+$/, '');
    const top: FolderTreeRoot = {
      id: f.id,
      name: f.is_inbox ? 'Inbox' : baseName(root),
      path: f.path,
      isInbox: f.is_inbox === 1,
      count: 0,
      children: [],
    };
    for (const d of byFolder.get(f.id) ?? []) {
      top.count += d.n;
      if (!d.dir.startsWith(root)) continue;
      const rel = d.dir.slice(root.length).split(/[\\/]/).filter(Boolean);
      let level = top.children;
      const path: string[] = [];
      for (const name of rel) {
        path.push(name);
        let node = level.find((c) => c.name === name);
        if (!node) {
          node = { name, path: path.join('/'), count: 0, children: [] };
          level.push(node);
        }
        node.count += d.n;
        level = node.children;
      }
    }
    sortNodes(top.children);
    return top;
  });
}

function sortNodes(nodes: FolderNode[]): void {
  nodes.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  for (const n of nodes) sortNodes(n.children);
}
