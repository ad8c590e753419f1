import type { CollectionInfo, CurationResult, Selection } from '../../contract/curation';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { tagsByEntity, tagsOfEntity } from '../db/entityTags';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';
import { plural } from './curate';
import { notifyCurated } from './notify';
import { resolveSelection } from './selection';
import { pushUndo, type CollectionLinksOp } from './undoLog';

interface CollectionRow {
  id: string;
  name: string;
  description: string;
  cover_asset_id: string | null;
  position: number;
  asset_count: number;
  first_asset_id: string | null;
}

// The cover is the chosen one, else the first asset in collection order.
const selectCollections = `SELECT c.id, c.name, c.description, c.cover_asset_id, c.position,
    (SELECT count(*) FROM collection_assets ca JOIN assets a ON a.id = ca.asset_id
      WHERE ca.collection_id = c.id AND a.deleted_at IS NULL) AS asset_count,
    (SELECT ca.asset_id FROM collection_assets ca JOIN assets a ON a.id = ca.asset_id
      WHERE ca.collection_id = c.id AND a.deleted_at IS NULL ORDER BY ca.position LIMIT 1) AS first_asset_id
  FROM collections c WHERE c.deleted_at IS NULL AND c.smart_query IS NULL`;

const toInfo = (r: CollectionRow, tags: string[]): CollectionInfo => ({
  id: r.id,
  name: r.name,
  description: r.description,
  coverAssetId: r.cover_asset_id ?? r.first_asset_id,
  assetCount: r.asset_count,
  position: r.position,
  tags,
});

export function listCollections(core: Atelier): CollectionInfo[] {
  const rows = statements(core.sqlite).all(
    `${selectCollections} ORDER BY c.position, c.created_at`,
    [],
  ) as CollectionRow[];
  const tags = tagsByEntity(
    core.sqlite,
    'collection',
    rows.map((r) => r.id),
  );
  return rows.map((r) => toInfo(r, tags.get(r.id) ?? []));
}

export function getCollection(core: Atelier, id: string): CollectionInfo {
  const row = statements(core.sqlite).get(`${selectCollections} AND c.id = ?`).get(id) as
    | CollectionRow
    | undefined;
  if (!row) throw new AppError('not_found', `No collection ${id}`);
  return toInfo(row, tagsOfEntity(core.sqlite, 'collection', id));
}

export function createCollection(core: Atelier, name: string, description = ''): CollectionInfo {
  const cache = statements(core.sqlite);
  const id = uuidv7();
  const at = nowIso();
  const next = (
    cache.get('SELECT coalesce(max(position), 0) + 1 AS p FROM collections').get() as { p: number }
  ).p;
  cache
    .get(
      'INSERT INTO collections (id, name, description, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(id, name, description, next, at, at);
  core.events.emit('collections.changed', { id });
  return getCollection(core, id);
}

export function updateCollection(
  core: Atelier,
  id: string,
  patch: { name?: string; description?: string; coverAssetId?: string | null },
): CollectionInfo {
  const current = getCollection(core, id);
  const cache = statements(core.sqlite);
  if (patch.coverAssetId) {
    const exists = cache.get('SELECT 1 FROM assets WHERE id = ?').get(patch.coverAssetId);
    if (!exists) throw new AppError('not_found', `No asset ${patch.coverAssetId} for the cover`);
  }
  const row = cache.get('SELECT cover_asset_id FROM collections WHERE id = ?').get(id) as {
    cover_asset_id: string | null;
  };
  cache
    .get(
      'UPDATE collections SET name = ?, description = ?, cover_asset_id = ?, updated_at = ? WHERE id = ?',
    )
    .run(
      patch.name ?? current.name,
      patch.description ?? current.description,
      patch.coverAssetId !== undefined ? patch.coverAssetId : row.cover_asset_id,
      nowIso(),
      id,
    );
  core.events.emit('collections.changed', { id });
  return getCollection(core, id);
}

export function deleteCollection(core: Atelier, id: string): { deleted: true } {
  getCollection(core, id);
  core.sqlite.transaction(() => {
    statements(core.sqlite).get('DELETE FROM collections WHERE id = ?').run(id);
    // entity_tags has no foreign key to the tables it tags: a gone collection's tags go with it.
    statements(core.sqlite)
      .get("DELETE FROM entity_tags WHERE entity_kind = 'collection' AND entity_id = ?")
      .run(id);
  })();
  core.events.emit('collections.changed', { id });
  return { deleted: true };
}

export function reorderCollections(core: Atelier, ids: string[]): CollectionInfo[] {
  const update = statements(core.sqlite).get(
    'UPDATE collections SET position = ?, updated_at = ? WHERE id = ?',
  );
  const at = nowIso();
  core.sqlite.transaction(() => ids.forEach((id, i) => update.run(i + 1, at, id)))();
  core.events.emit('collections.changed', { id: null });
  return listCollections(core);
}

export function addToCollection(core: Atelier, id: string, selection: Selection): CurationResult {
  getCollection(core, id);
  const selected = resolveSelection(core.sqlite, selection);
  const cache = statements(core.sqlite);
  const at = nowIso();
  const result = core.sqlite.transaction(() => {
    const fresh = cache.all(
      `SELECT j.value AS id FROM json_each(?) j
       WHERE NOT EXISTS (SELECT 1 FROM collection_assets WHERE collection_id = ? AND asset_id = j.value)`,
      [JSON.stringify(selected.map((s) => s.id)), id],
    ) as { id: string }[];
    if (!fresh.length) return { ids: [] as string[], undoId: null };
    const start = (
      cache
        .get(
          'SELECT coalesce(max(position), 0) AS p FROM collection_assets WHERE collection_id = ?',
        )
        .get(id) as { p: number }
    ).p;
    const insert = cache.get(
      'INSERT INTO collection_assets (collection_id, asset_id, position, added_at) VALUES (?, ?, ?, ?)',
    );
    fresh.forEach((f, i) => insert.run(id, f.id, start + i + 1, at));
    const op: CollectionLinksOp = {
      kind: 'collectionLinks',
      collectionId: id,
      remove: fresh.map((f) => f.id),
      insert: [],
    };
    const ids = fresh.map((f) => f.id);
    return {
      ids,
      undoId: pushUndo(
        core.sqlite,
        `Add to collection · ${plural(ids.length, 'asset')}`,
        ids.length,
        [op],
      ),
    };
  })();
  notifyCurated(core, result.ids, ['collections']);
  if (result.ids.length) core.events.emit('collections.changed', { id });
  return { changed: result.ids.length, undoId: result.undoId };
}

export function removeFromCollection(
  core: Atelier,
  id: string,
  selection: Selection,
): CurationResult {
  getCollection(core, id);
  const selected = resolveSelection(core.sqlite, selection);
  const cache = statements(core.sqlite);
  const result = core.sqlite.transaction(() => {
    const list = JSON.stringify(selected.map((s) => s.id));
    const links = cache.all(
      'SELECT asset_id, position, added_at FROM collection_assets WHERE collection_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
      [id, list],
    ) as { asset_id: string; position: number; added_at: string }[];
    if (!links.length) return { ids: [] as string[], undoId: null };
    cache
      .get(
        'DELETE FROM collection_assets WHERE collection_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
      )
      .run(id, list);
    const op: CollectionLinksOp = {
      kind: 'collectionLinks',
      collectionId: id,
      remove: [],
      insert: links.map((l) => ({
        assetId: l.asset_id,
        position: l.position,
        addedAt: l.added_at,
      })),
    };
    const ids = links.map((l) => l.asset_id);
    return {
      ids,
      undoId: pushUndo(
        core.sqlite,
        `Remove from collection · ${plural(ids.length, 'asset')}`,
        ids.length,
        [op],
      ),
    };
  })();
  notifyCurated(core, result.ids, ['collections']);
  if (result.ids.length) core.events.emit('collections.changed', { id });
  return { changed: result.ids.length, undoId: result.undoId };
}

/**
 * A drag inside a collection: the moved assets land, in the order given, just before
 * `beforeAssetId` (or at the end). Positions are fractional, so a move rewrites only the moved
 * rows; when the gap gets too fine the collection is renumbered once.
 */
export function moveInCollection(
  core: Atelier,
  id: string,
  assetIds: string[],
  beforeAssetId: string | null,
): { moved: number } {
  getCollection(core, id);
  const cache = statements(core.sqlite);
  const moving = new Set(assetIds);
  if (beforeAssetId && moving.has(beforeAssetId))
    throw new AppError('invalid_input', 'Cannot move assets before one of themselves');
  return core.sqlite.transaction(() => {
    const present = cache.all(
      'SELECT asset_id FROM collection_assets WHERE collection_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
      [id, JSON.stringify(assetIds)],
    ) as { asset_id: string }[];
    const presentSet = new Set(present.map((p) => p.asset_id));
    const ordered = assetIds.filter((a) => presentSet.has(a));
    if (!ordered.length) return { moved: 0 };
    let hi: number;
    let lo: number;
    if (beforeAssetId) {
      const target = cache
        .get('SELECT position FROM collection_assets WHERE collection_id = ? AND asset_id = ?')
        .get(id, beforeAssetId) as { position: number } | undefined;
      if (!target)
        throw new AppError('not_found', `Asset ${beforeAssetId} is not in this collection`);
      hi = target.position;
      const prev = cache
        .get(
          `SELECT max(position) AS p FROM collection_assets WHERE collection_id = ? AND position < ?
           AND asset_id NOT IN (SELECT value FROM json_each(?))`,
        )
        .get(id, hi, JSON.stringify(ordered)) as { p: number | null };
      lo = prev.p ?? hi - 1;
    } else {
      const last = cache
        .get(
          'SELECT max(position) AS p FROM collection_assets WHERE collection_id = ? AND asset_id NOT IN (SELECT value FROM json_each(?))',
        )
        .get(id, JSON.stringify(ordered)) as { p: number | null };
      lo = last.p ?? 0;
      hi = lo + ordered.length + 1;
    }
    const step = (hi - lo) / (ordered.length + 1);
    const update = cache.get(
      'UPDATE collection_assets SET position = ? WHERE collection_id = ? AND asset_id = ?',
    );
    if (step < 1e-9) {
      renumber(core, id, ordered, beforeAssetId);
    } else {
      ordered.forEach((a, i) => update.run(lo + step * (i + 1), id, a));
    }
    core.events.emit('collections.changed', { id });
    return { moved: ordered.length };
  })();
}

function renumber(
  core: Atelier,
  id: string,
  ordered: string[],
  beforeAssetId: string | null,
): void {
  const cache = statements(core.sqlite);
  const moving = new Set(ordered);
  const rest = (
    cache.all('SELECT asset_id FROM collection_assets WHERE collection_id = ? ORDER BY position', [
      id,
    ]) as { asset_id: string }[]
  )
    .map((r) => r.asset_id)
    .filter((a) => !moving.has(a));
  const at = beforeAssetId ? rest.indexOf(beforeAssetId) : rest.length;
  rest.splice(at, 0, ...ordered);
  const update = cache.get(
    'UPDATE collection_assets SET position = ? WHERE collection_id = ? AND asset_id = ?',
  );
  rest.forEach((a, i) => update.run(i + 1, id, a));
}
