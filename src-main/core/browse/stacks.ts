import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryFilter } from '../../contract/browse';
import { filterSql, type WhereSql } from './filterSql';
import { gridColumns, type GridRow } from './gridItem';
import { statements } from '../db/statements';

/**
 * Stacks (Eagle's and Lightroom's): an asset made from another (an upscale, a denoise, an img2img
 * variant: `derived_from`, the first source asset, which `asset_links` role source or init also
 * names) is stacked under the asset it was made from. While stacking is on, the grid walks only
 * stack tops: a derived asset is left out when the asset it was made from is shown in the same
 * view (live, or trashed in the trash, and matching the same filters). So a version whose
 * original is trashed, or filtered out, is shown on its own rather than lost; a version of a
 * version is stacked under the first shown ancestor. Every check is an index lookup (the primary
 * key going up, `assets_derived_from` going down), so a page costs what it cost before.
 */

/** The filter's conditions rewritten for the parent row `p` instead of `a`. */
function forParent(where: WhereSql): string {
  return where.sql.replace(/(^|[^\w.])a\./g, '$1p.');
}

/** The WHERE condition that leaves stacked versions out of the grid's walk, with its parameters. */
export function stackedOut(filter: LibraryFilter): { sql: string; params: unknown[] } {
  // As a filter on the one row the primary key finds: unary `+`s keep the planner from driving
  // the lookup from a column index or the search hits (500 ms for a common word at 100k).
  const parent = filterSql(filter, { searchAsFilter: true });
  return {
    sql: `NOT (a.derived_from IS NOT NULL AND EXISTS (SELECT 1 FROM assets p WHERE p.id = a.derived_from AND ${forParent(parent)}))`,
    params: parent.params,
  };
}

/** Going down from a stack top: at most this many assets (a pathological graph cannot stall a page). */
const walkLimit = 20_000;

type WalkRow = GridRow & { top: string; parent: string; ok: number };

/**
 * Every version stacked under each of `tops` (transitively: a version of a version too): the
 * assets reached going down `derived_from` through assets that match the filter. The walk itself
 * follows only the index (and the trash side); the filter is one column of the result, so a
 * search's hit list is built once per call rather than once per step of the recursion (470 ms
 * for a common word at 100k). UNION (not UNION ALL) ends the walk even on a loop.
 */
function walk(sqlite: BetterSqlite3.Database, filter: LibraryFilter, tops: string[]): WalkRow[] {
  const where = filterSql(filter, { searchAsFilter: true });
  const rows = statements(sqlite).all(
    `WITH RECURSIVE m(top, id, parent) AS (
        SELECT value, value, NULL FROM json_each(?)
        UNION
        SELECT m.top, c.id, m.id FROM m JOIN assets c ON c.derived_from = m.id
        WHERE c.deleted_at IS ${filter.trashed ? 'NOT NULL' : 'NULL'}
        LIMIT ${walkLimit}
      )
      SELECT m.top, m.parent, CASE WHEN ${where.sql} THEN 1 ELSE 0 END AS ok, ${gridColumns}
      FROM m JOIN assets a ON a.id = m.id WHERE m.parent IS NOT NULL
      ORDER BY a.added_at, a.rid`,
    [JSON.stringify(tops), ...where.params],
  ) as WalkRow[];
  // Kept: a matching asset whose parent is the top or kept itself.
  const byParent = new Map<string, WalkRow[]>();
  for (const r of rows) {
    const key = `${r.top}\u0000${r.parent}`;
    const list = byParent.get(key) ?? [];
    list.push(r);
    byParent.set(key, list);
  }
  const kept = new Set<WalkRow>();
  for (const top of new Set(rows.map((r) => r.top))) {
    const queue = [top];
    while (queue.length) {
      const id = queue.shift()!;
      for (const r of byParent.get(`${top}\u0000${id}`) ?? []) {
        if (!r.ok || kept.has(r)) continue;
        kept.add(r);
        queue.push(r.id);
      }
    }
  }
  return rows.filter((r) => kept.has(r));
}

/** The versions stacked under each of `tops`, oldest first, as grid rows with their top. */
export function stackMemberRows(
  sqlite: BetterSqlite3.Database,
  filter: LibraryFilter,
  tops: string[],
): (GridRow & { top: string })[] {
  return tops.length ? walk(sqlite, filter, tops) : [];
}
