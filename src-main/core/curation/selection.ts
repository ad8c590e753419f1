import type BetterSqlite3 from 'better-sqlite3';
import type { Selection } from '../../contract/curation';
import { filterSql } from '../browse/filterSql';
import { stackedOut, stackMemberRows } from '../browse/stacks';
import { statements } from '../db/statements';

export interface SelectedAsset {
  rid: number;
  id: string;
}

/**
 * Resolves a selection to rows. Ids that name no asset are dropped (an asset emptied from the
 * trash in another window); a query selects exactly what the grid shows for that filter (with
 * `stacks`, as the grid shows it stacked).
 */
export function resolveSelection(sqlite: BetterSqlite3.Database, sel: Selection): SelectedAsset[] {
  const cache = statements(sqlite);
  let rows: SelectedAsset[];
  if (sel.ids) {
    if (sel.ids.length === 0) return [];
    // In the order given: adding to a collection keeps the order the assets were picked in.
    rows = cache.all(
      'SELECT a.rid, a.id FROM json_each(?) j JOIN assets a ON a.id = j.value ORDER BY j.key',
      [JSON.stringify([...new Set(sel.ids)])],
    ) as SelectedAsset[];
  } else {
    const where = filterSql(sel.query!);
    // Stacked: the versions in closed stacks are not what the creator sees, nor selects.
    const stacked = sel.stacks ? stackedOut(sel.query!) : null;
    rows = cache.all(
      `SELECT a.rid, a.id FROM assets a WHERE ${where.sql}${stacked ? ` AND ${stacked.sql}` : ''}`,
      [...where.params, ...(stacked?.params ?? [])],
    ) as SelectedAsset[];
    if (sel.stacks?.expanded.length)
      rows.push(
        ...stackMemberRows(sqlite, sel.query!, sel.stacks.expanded).map((r) => ({
          rid: r.rid,
          id: r.id,
        })),
      );
  }
  if (sel.exceptIds?.length) {
    const except = new Set(sel.exceptIds);
    rows = rows.filter((r) => !except.has(r.id));
  }
  return rows;
}

/** SQLite binds at most 32,766 variables; json_each takes a whole list as one. */
export function ridList(rids: readonly number[]): string {
  return JSON.stringify(rids);
}
