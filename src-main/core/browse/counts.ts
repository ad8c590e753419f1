import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryCounts, LibraryFilter } from '../../contract/browse';
import type { AssetTypeName } from '../../contract/library';
import { filterSql } from './filterSql';
import { statements } from '../db/statements';

export interface SavedSearchRef {
  id: string;
  filter: LibraryFilter;
}

/**
 * The sidebar's numbers. Status, type, liked, missing and trash come from trigger-kept tallies;
 * saved searches each run their own count with the grid's filter SQL.
 */
export function libraryCounts(
  sqlite: BetterSqlite3.Database,
  saved: SavedSearchRef[],
): LibraryCounts {
  const cache = statements(sqlite);
  const groups = cache.all(
    'SELECT status, type, liked, missing, trashed, n FROM library_tallies WHERE n > 0',
    [],
  ) as {
    status: 'pending' | 'approved' | 'rejected';
    type: AssetTypeName;
    liked: number;
    missing: number;
    trashed: number;
    n: number;
  }[];
  const counts: LibraryCounts = {
    total: 0,
    byStatus: { pending: 0, approved: 0, rejected: 0 },
    byType: { image: 0, audio: 0, video: 0, subtitles: 0 },
    liked: 0,
    missing: 0,
    trash: 0,
    savedSearches: [],
  };
  for (const g of groups) {
    if (g.trashed) {
      counts.trash += g.n;
      continue;
    }
    counts.total += g.n;
    counts.byStatus[g.status] += g.n;
    counts.byType[g.type] += g.n;
    if (g.liked) counts.liked += g.n;
    if (g.missing) counts.missing += g.n;
  }
  const version = dataVersion(sqlite);
  for (const s of saved)
    counts.savedSearches.push({ id: s.id, count: cachedCount(sqlite, s.filter, version) });
  return counts;
}

/**
 * Changes since the connection opened (ours) plus commits by other connections (a CLI): if
 * neither moved, no count can have changed. A saved search over a common word costs tens of
 * milliseconds to count, and windows refresh the sidebar after every event.
 */
export function dataVersion(sqlite: BetterSqlite3.Database): string {
  const cache = statements(sqlite);
  const ours = (cache.get('SELECT total_changes() AS c').get() as { c: number }).c;
  const theirs = cache.get('PRAGMA data_version').pluck().get() as number;
  return `${ours}:${theirs}`;
}

const countCache = new WeakMap<
  BetterSqlite3.Database,
  { version: string; counts: Map<string, number> }
>();

function cachedCount(
  sqlite: BetterSqlite3.Database,
  filter: LibraryFilter,
  version: string,
): number {
  let entry = countCache.get(sqlite);
  if (!entry || entry.version !== version)
    countCache.set(sqlite, (entry = { version, counts: new Map() }));
  const key = JSON.stringify(filter);
  let n = entry.counts.get(key);
  if (n === undefined) entry.counts.set(key, (n = countMatching(sqlite, filter)));
  return n;
}

export function countMatching(sqlite: BetterSqlite3.Database, filter: LibraryFilter): number {
  const where = filterSql(filter);
  return (
    statements(sqlite)
      .get(`SELECT count(*) AS n FROM assets a WHERE ${where.sql}`)
      .get(...where.params) as { n: number }
  ).n;
}
