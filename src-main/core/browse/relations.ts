import type BetterSqlite3 from 'better-sqlite3';
import type { AssetRelations, FacetValues } from '../../contract/browse';
import { AppError } from '../../contract/errors';
import { dataVersion } from './counts';
import { gridColumns, toGridItem, type GridRow } from './gridItem';
import { statements } from '../db/statements';

/** Everything the detail panel links to: lineage both ways, where the asset is used, its tags. */
export function assetRelations(sqlite: BetterSqlite3.Database, id: string): AssetRelations {
  const cache = statements(sqlite);
  const asset = cache.get('SELECT id, derived_from FROM assets WHERE id = ?').get(id) as
    | { id: string; derived_from: string | null }
    | undefined;
  if (!asset) throw new AppError('not_found', `No asset ${id}`);
  const parent = asset.derived_from
    ? (cache.get(`SELECT ${gridColumns} FROM assets a WHERE a.id = ?`).get(asset.derived_from) as
        | GridRow
        | undefined)
    : undefined;
  const derived = cache.all(
    `SELECT ${gridColumns} FROM assets a WHERE a.derived_from = ? ORDER BY a.added_at DESC LIMIT 100`,
    [id],
  ) as GridRow[];
  return {
    id,
    derivedFrom: parent ? toGridItem(parent) : null,
    derived: derived.map(toGridItem),
    collections: cache.all(
      `SELECT c.id, c.name FROM collection_assets ca JOIN collections c ON c.id = ca.collection_id
       WHERE ca.asset_id = ? AND c.deleted_at IS NULL ORDER BY c.position`,
      [id],
    ) as { id: string; name: string }[],
    packs: cache.all(
      `SELECT p.id, p.name FROM pack_assets pa JOIN packs p ON p.id = pa.pack_id
       WHERE pa.asset_id = ? AND p.deleted_at IS NULL ORDER BY p.name`,
      [id],
    ) as { id: string; name: string }[],
    tags: cache.all(
      `SELECT t.id, t.name, t.color FROM asset_tags at JOIN tags t ON t.id = at.tag_id
       WHERE at.asset_id = ? ORDER BY t.name`,
      [id],
    ) as { id: string; name: string; color: string | null }[],
    copies: (
      cache.all('SELECT path, missing FROM asset_copies WHERE asset_id = ? ORDER BY path', [
        id,
      ]) as { path: string; missing: number }[]
    ).map((c) => ({ path: c.path, missing: c.missing === 1 })),
  };
}

const facetCache = new WeakMap<BetterSqlite3.Database, { key: string; value: FacetValues }>();

/**
 * Values in use, most used first: the pickers offer what the creator typed before. Three
 * GROUP BYs over 100,000 assets cost ~40 ms, so the answer is kept until the data changes.
 */
export function facetValues(sqlite: BetterSqlite3.Database, limit: number): FacetValues {
  const key = `${dataVersion(sqlite)}:${limit}`;
  const hit = facetCache.get(sqlite);
  if (hit?.key === key) return hit.value;
  const value = computeFacets(sqlite, limit);
  facetCache.set(sqlite, { key, value });
  return value;
}

function computeFacets(sqlite: BetterSqlite3.Database, limit: number): FacetValues {
  const cache = statements(sqlite);
  const of = (column: 'theme' | 'source' | 'model' | 'ext') =>
    cache.all(
      `SELECT ${column} AS value, count(*) AS count FROM assets
       WHERE ${column} IS NOT NULL AND ${column} != '' AND deleted_at IS NULL GROUP BY ${column} ORDER BY count DESC, value LIMIT ?`,
      [limit],
    ) as { value: string; count: number }[];
  return {
    themes: of('theme'),
    sources: of('source'),
    models: of('model'),
    formats: of('ext'),
  };
}

export function gridItemsById(sqlite: BetterSqlite3.Database, ids: string[]) {
  const rows = statements(sqlite).all(
    `SELECT ${gridColumns} FROM json_each(?) j JOIN assets a ON a.id = j.value ORDER BY j.key`,
    [JSON.stringify(ids)],
  ) as GridRow[];
  return rows.map(toGridItem);
}
