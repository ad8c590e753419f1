import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryFilter } from '../../contract/browse';
import type { DuplicateGroup } from '../../contract/curation';
import { filterSql } from '../browse/filterSql';
import { gridColumns, toGridItem, type GridRow } from '../browse/gridItem';
import { statements } from '../db/statements';
import { clusterNear, hamming, parsePhash, type PackedHashes } from './nearDuplicates';

type Row = GridRow & { phash: string | null; sha256: string };

const statusRank = { approved: 2, pending: 1, rejected: 0 } as const;

/** "Best" for keep-the-best: rating, then approved, liked, more pixels, bigger file, older. */
export function compareBest(a: Row, b: Row): number {
  return (
    b.rating - a.rating ||
    statusRank[b.status] - statusRank[a.status] ||
    b.liked - a.liked ||
    (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0) ||
    b.size_bytes - a.size_bytes ||
    a.added_at.localeCompare(b.added_at)
  );
}

const defaultScope: LibraryFilter = { tagMode: 'any', dateField: 'added', trashed: false };

function loadRows(sqlite: BetterSqlite3.Database, where: string, params: unknown[]): Row[] {
  return statements(sqlite).all(
    `SELECT ${gridColumns}, a.phash, a.sha256 FROM assets a WHERE ${where}`,
    params,
  ) as Row[];
}

function toGroup(
  kind: 'exact' | 'near',
  key: string,
  rows: Row[],
  copies: DuplicateGroup['copies'],
): DuplicateGroup {
  rows.sort(compareBest);
  const best = parsePhash(rows[0]!.phash);
  return {
    key,
    kind,
    assets: rows.map((r) => {
      const h = parsePhash(r.phash);
      return { ...toGridItem(r), phash: r.phash, distance: best && h ? hamming(best, h) : 0 };
    }),
    copies,
  };
}

/** Same bytes: several live assets with one sha256, or one asset with copies elsewhere on disk. */
export function exactDuplicates(
  sqlite: BetterSqlite3.Database,
  limit: number,
  scope: LibraryFilter = defaultScope,
) {
  const cache = statements(sqlite);
  const where = filterSql(scope);
  // Driven from dup_hashes (only hashes two live assets share) through the sha256 index: grouping
  // every asset in scope took seconds at 1,000,000 assets, all of it on the main process.
  const shared = cache.all(
    `SELECT d.sha256 FROM dup_hashes d
     WHERE (SELECT count(*) FROM (SELECT 1 FROM assets a WHERE a.sha256 = d.sha256 AND ${where.sql} LIMIT 2)) > 1
     LIMIT ?`,
    [...where.params, limit],
  ) as { sha256: string }[];
  // CROSS JOIN keeps asset_copies the outer loop (SQLite never reorders it): with few copies the
  // planner otherwise walked every asset looking each one up in asset_copies.
  const withCopies = cache.all(
    `SELECT DISTINCT a.sha256 FROM asset_copies c CROSS JOIN assets a ON a.id = c.asset_id WHERE ${where.sql} LIMIT ?`,
    [...where.params, limit],
  ) as { sha256: string }[];
  const keys = [...new Set([...shared, ...withCopies].map((s) => s.sha256))].slice(0, limit);
  const groups: DuplicateGroup[] = [];
  for (const sha of keys) {
    const rows = loadRows(sqlite, `${where.sql} AND a.sha256 = ?`, [...where.params, sha]);
    if (!rows.length) continue;
    const copies = (
      cache.all(
        'SELECT c.asset_id, c.path, c.missing FROM asset_copies c WHERE c.asset_id IN (SELECT value FROM json_each(?)) ORDER BY c.path',
        [JSON.stringify(rows.map((r) => r.id))],
      ) as { asset_id: string; path: string; missing: number }[]
    ).map((c) => ({ assetId: c.asset_id, path: c.path, missing: c.missing === 1 }));
    groups.push(toGroup('exact', sha, rows, copies));
  }
  return { groups, scanned: keys.length };
}

/**
 * Rows of hashes read per query. Each read is a short task and the event loop turns between
 * them, where one query over a 1,000,000-asset library would hold the main process for the
 * whole read.
 */
const hashReadChunk = 25_000;

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The scope's perceptual hashes, packed for clusterNear, with each one's asset rid. */
async function readHashes(
  sqlite: BetterSqlite3.Database,
  scope: LibraryFilter,
): Promise<{ hashes: PackedHashes; rids: Float64Array }> {
  const where = filterSql(scope);
  const sql = `SELECT a.rid, a.phash FROM assets a WHERE ${where.sql} AND a.phash IS NOT NULL AND a.rid > ? ORDER BY a.rid LIMIT ${hashReadChunk}`;
  let hi = new Uint32Array(1024);
  let lo = new Uint32Array(1024);
  let rids = new Float64Array(1024);
  let n = 0;
  let after = -Infinity;
  for (;;) {
    const rows = statements(sqlite).all(sql, [...where.params, after]) as {
      rid: number;
      phash: string;
    }[];
    for (const r of rows) {
      const p = parsePhash(r.phash);
      if (!p) continue;
      if (n === hi.length) {
        hi = grow(hi, new Uint32Array(n * 2));
        lo = grow(lo, new Uint32Array(n * 2));
        rids = grow(rids, new Float64Array(n * 2));
      }
      hi[n] = p.hi;
      lo[n] = p.lo;
      rids[n++] = r.rid;
    }
    if (rows.length < hashReadChunk) break;
    after = rows[rows.length - 1]!.rid;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { hashes: { hi: hi.subarray(0, n), lo: lo.subarray(0, n) }, rids: rids.subarray(0, n) };
}

/** Similar images by perceptual hash; biggest clusters first. */
export async function nearDuplicates(
  sqlite: BetterSqlite3.Database,
  threshold: number,
  limit: number,
  scope: LibraryFilter = defaultScope,
) {
  const { hashes, rids } = await readHashes(sqlite, scope);
  const scanned = rids.length;
  const clusters = await clusterNear(hashes, threshold, limit);
  const groups = clusters.map((c) => {
    const rows = loadRows(sqlite, 'a.rid IN (SELECT value FROM json_each(?))', [
      JSON.stringify(c.map((i) => rids[i]!)),
    ]);
    rows.sort(compareBest);
    return toGroup('near', rows[0]!.phash ?? '', rows, []);
  });
  return { groups, scanned };
}
