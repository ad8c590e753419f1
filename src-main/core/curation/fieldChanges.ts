import type BetterSqlite3 from 'better-sqlite3';
import type { CurationPatch } from '../../contract/curation';
import { statements } from '../db/statements';
import { nowIso } from '../util/ids';
import type { FieldsOp } from './undoLog';

export type ColumnValues = Record<string, string | number | null>;

/** The patch as column values (SQLite has no booleans). */
export function patchColumns(p: CurationPatch): ColumnValues {
  const cols: ColumnValues = {};
  if (p.status !== undefined) cols.status = p.status;
  if (p.rating !== undefined) cols.rating = p.rating;
  if (p.liked !== undefined) cols.liked = p.liked ? 1 : 0;
  if (p.theme !== undefined) cols.theme = p.theme === '' ? null : p.theme;
  if (p.source !== undefined) cols.source = p.source === '' ? null : p.source;
  if (p.provenance !== undefined) cols.provenance = p.provenance;
  if (p.notes !== undefined) cols.notes = p.notes;
  if (p.title !== undefined) cols.title = p.title;
  if (p.colorLabel !== undefined) cols.color_label = p.colorLabel;
  return cols;
}

const chunk = 20_000;

/**
 * Sets columns on rows and returns what they held before, grouped by previous value so that a
 * bulk edit of 100,000 assets stores a handful of groups, not 100,000 entries. Rows that already
 * hold the values are left alone (not counted, not touched, not in the undo entry).
 * Runs inside the caller's transaction.
 */
export function changeFields(
  sqlite: BetterSqlite3.Database,
  changes: { rids: readonly number[]; set: ColumnValues }[],
): { changed: number[]; op: FieldsOp } {
  const cache = statements(sqlite);
  const at = nowIso();
  const op: FieldsOp = { kind: 'fields', groups: [] };
  const changed: number[] = [];
  for (const change of changes) {
    const cols = Object.keys(change.set);
    if (!cols.length || !change.rids.length) continue;
    const groups = new Map<string, { set: ColumnValues; rids: number[] }>();
    const update = cache.get(
      `UPDATE assets SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE rid IN (SELECT value FROM json_each(?))`,
    );
    for (let i = 0; i < change.rids.length; i += chunk) {
      const part = change.rids.slice(i, i + chunk);
      const rows = cache.all(
        `SELECT rid, ${cols.join(', ')} FROM assets WHERE rid IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(part)],
      ) as (ColumnValues & { rid: number })[];
      const touched: number[] = [];
      for (const row of rows) {
        if (cols.every((c) => row[c] === change.set[c])) continue;
        const prev: ColumnValues = {};
        for (const c of cols) prev[c] = row[c] ?? null;
        const key = JSON.stringify(prev);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { set: prev, rids: [] }));
        g.rids.push(row.rid);
        touched.push(row.rid);
      }
      if (touched.length)
        update.run(...cols.map((c) => change.set[c]), at, JSON.stringify(touched));
      changed.push(...touched);
    }
    op.groups.push(...groups.values());
  }
  return { changed, op };
}
