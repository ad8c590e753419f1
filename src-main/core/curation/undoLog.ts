import type BetterSqlite3 from 'better-sqlite3';
import type { UndoEntryInfo } from '../../contract/curation';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';

/** A column restore: every rid in a group gets `set` back. */
export interface FieldsOp {
  kind: 'fields';
  groups: { set: Record<string, string | number | null>; rids: number[] }[];
}
/** Tag links an action added (undo removes them) or removed (undo puts them back). */
export interface TagLinksOp {
  kind: 'tagLinks';
  remove: { tagId: string; assetIds: string[] }[];
  insert: { tagId: string; assetIds: string[]; createdAt: string }[];
}
export interface CollectionLinksOp {
  kind: 'collectionLinks';
  collectionId: string;
  remove: string[];
  insert: { assetId: string; position: number; addedAt: string }[];
}
export type UndoOp = FieldsOp | TagLinksOp | CollectionLinksOp;

/** How many actions the stack keeps; older ones fall off the bottom. */
export const undoDepth = 100;

export function pushUndo(
  sqlite: BetterSqlite3.Database,
  label: string,
  count: number,
  ops: UndoOp[],
): string {
  const id = uuidv7();
  const cache = statements(sqlite);
  cache
    .get('INSERT INTO curation_undo (id, label, count, payload, at) VALUES (?, ?, ?, ?, ?)')
    .run(id, label, count, JSON.stringify(ops), nowIso());
  cache
    .get(
      'DELETE FROM curation_undo WHERE seq <= (SELECT seq FROM curation_undo ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    )
    .run(undoDepth);
  return id;
}

export function undoHistory(sqlite: BetterSqlite3.Database, limit: number): UndoEntryInfo[] {
  return statements(sqlite).all(
    'SELECT id, label, count, at FROM curation_undo ORDER BY seq DESC LIMIT ?',
    [limit],
  ) as UndoEntryInfo[];
}

const allowedColumns = new Set([
  'status',
  'rating',
  'liked',
  'theme',
  'source',
  'provenance',
  'notes',
  'title',
  'color_label',
  'deleted_at',
]);

/** Applies an entry's inverse operations; runs inside the caller's transaction. */
export function applyUndoOps(sqlite: BetterSqlite3.Database, ops: UndoOp[]): void {
  const cache = statements(sqlite);
  const at = nowIso();
  // Inverse order: the last thing the action did is undone first.
  for (const op of [...ops].reverse()) {
    if (op.kind === 'fields') {
      for (const g of op.groups) {
        const cols = Object.keys(g.set).filter((c) => allowedColumns.has(c));
        if (!cols.length) continue;
        cache
          .get(
            `UPDATE assets SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE rid IN (SELECT value FROM json_each(?))`,
          )
          .run(...cols.map((c) => g.set[c]), at, JSON.stringify(g.rids));
      }
    } else if (op.kind === 'tagLinks') {
      for (const r of op.remove) {
        cache
          .get(
            'DELETE FROM asset_tags WHERE tag_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
          )
          .run(r.tagId, JSON.stringify(r.assetIds));
      }
      for (const i of op.insert) {
        // Assets or tags deleted since are skipped: foreign keys would refuse them anyway.
        cache
          .get(
            `INSERT OR IGNORE INTO asset_tags (asset_id, tag_id, created_at)
             SELECT a.id, t.id, ? FROM json_each(?) j JOIN assets a ON a.id = j.value JOIN tags t ON t.id = ?`,
          )
          .run(i.createdAt, JSON.stringify(i.assetIds), i.tagId);
      }
    } else {
      cache
        .get(
          'DELETE FROM collection_assets WHERE collection_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
        )
        .run(op.collectionId, JSON.stringify(op.remove));
      const ins = cache.get(
        `INSERT OR IGNORE INTO collection_assets (collection_id, asset_id, position, added_at)
         SELECT c.id, a.id, ?, ? FROM collections c JOIN assets a ON a.id = ? WHERE c.id = ?`,
      );
      for (const i of op.insert) ins.run(i.position, i.addedAt, i.assetId, op.collectionId);
    }
  }
}

/** Pops and applies the newest entry; null when the stack is empty. */
export function popUndo(
  sqlite: BetterSqlite3.Database,
): (UndoEntryInfo & { ops: UndoOp[] }) | null {
  const cache = statements(sqlite);
  return sqlite.transaction(() => {
    const top = cache
      .get('SELECT seq, id, label, count, at, payload FROM curation_undo ORDER BY seq DESC LIMIT 1')
      .get() as
      | { seq: number; id: string; label: string; count: number; at: string; payload: string }
      | undefined;
    if (!top) return null;
    const ops = JSON.parse(top.payload) as UndoOp[];
    applyUndoOps(sqlite, ops);
    cache.get('DELETE FROM curation_undo WHERE seq = ?').run(top.seq);
    return { id: top.id, label: top.label, count: top.count, at: top.at, ops };
  })();
}
