import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryFilter } from '../../contract/browse';
import type { DuplicateGroup, KeepBestResult } from '../../contract/curation';
import type { Atelier } from '../app/atelier';
import { filterSql } from '../browse/filterSql';
import { gridColumns, toGridItem, type GridRow } from '../browse/gridItem';
import { statements } from '../db/statements';
import { keepBest } from './curate';
import {
  clusterNear,
  hamming,
  parsePhash,
  similarityPercent,
  type PackedHashes,
} from './nearDuplicates';

type Row = GridRow & { phash: string | null; sha256: string; pack_count: number };

const statusRank = { approved: 2, pending: 1, rejected: 0 } as const;

/**
 * "Best" for keep-the-best: in a pack (the creator already chose it to sell), then rating,
 * approved, liked, more pixels, bigger file, older.
 */
export function compareBest(a: Row, b: Row): number {
  return (
    Math.min(1, b.pack_count) - Math.min(1, a.pack_count) ||
    b.rating - a.rating ||
    statusRank[b.status] - statusRank[a.status] ||
    b.liked - a.liked ||
    (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0) ||
    b.size_bytes - a.size_bytes ||
    a.added_at.localeCompare(b.added_at)
  );
}

const defaultScope: LibraryFilter = { tagMode: 'any', dateField: 'added', trashed: false };

/** Packs not in the trash. */
const livePackMember = `SELECT 1 FROM pack_assets p JOIN packs k ON k.id = p.pack_id AND k.deleted_at IS NULL WHERE p.asset_id = a.id`;

function loadRows(sqlite: BetterSqlite3.Database, where: string, params: unknown[]): Row[] {
  return statements(sqlite).all(
    `SELECT ${gridColumns}, a.phash, a.sha256, (SELECT count(*) FROM (${livePackMember})) AS pack_count
     FROM assets a WHERE ${where}`,
    params,
  ) as Row[];
}

/** The live packs each of these assets is in, by asset id. */
function packsOf(
  sqlite: BetterSqlite3.Database,
  assetIds: string[],
): Map<string, { id: string; name: string }[]> {
  const rows = statements(sqlite).all(
    `SELECT p.asset_id, k.id, k.name FROM pack_assets p JOIN packs k ON k.id = p.pack_id AND k.deleted_at IS NULL
     WHERE p.asset_id IN (SELECT value FROM json_each(?)) ORDER BY k.name`,
    [JSON.stringify(assetIds)],
  ) as { asset_id: string; id: string; name: string }[];
  const out = new Map<string, { id: string; name: string }[]>();
  for (const r of rows) {
    const list = out.get(r.asset_id) ?? [];
    list.push({ id: r.id, name: r.name });
    out.set(r.asset_id, list);
  }
  return out;
}

function toGroup(
  sqlite: BetterSqlite3.Database,
  kind: 'exact' | 'near',
  key: string,
  rows: Row[],
  copies: DuplicateGroup['copies'],
): DuplicateGroup {
  rows.sort(compareBest);
  const best = parsePhash(rows[0]!.phash);
  const packs = rows.some((r) => r.pack_count > 0)
    ? packsOf(
        sqlite,
        rows.map((r) => r.id),
      )
    : new Map<string, { id: string; name: string }[]>();
  return {
    key,
    kind,
    assets: rows.map((r) => {
      const h = parsePhash(r.phash);
      const distance = kind === 'exact' ? 0 : best && h ? hamming(best, h) : 0;
      return {
        ...toGridItem(r),
        phash: r.phash,
        distance,
        similarity: similarityPercent(distance),
        packs: packs.get(r.id) ?? [],
      };
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
    groups.push(toGroup(sqlite, 'exact', sha, rows, copies));
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

/**
 * An asset made from another (an upscale, a denoise, an img2img output: any asset-to-asset link
 * in `asset_links`, or `derived_from`) looks like its source by design, and so do two outputs made
 * from the same source. They are versions of one picture, not duplicates to cull: keep-the-best
 * would reject the original (perhaps one already in a pack) in favour of its upscale. So a
 * family (assets joined by such links, transitively) takes part in near-duplicate search once,
 * through its oldest member in scope, normally the original; the others are left out. Two
 * different pictures that look alike still meet, whatever was derived from them.
 */
export function oneHashPerFamily(
  sqlite: BetterSqlite3.Database,
  read: { hashes: PackedHashes; rids: Float64Array },
): { hashes: PackedHashes; rids: Float64Array } {
  const edges = statements(sqlite).all(
    `SELECT a.rid AS x, s.rid AS y FROM asset_links l
       JOIN assets a ON a.id = l.asset_id JOIN assets s ON s.id = l.source_id
     WHERE l.source_kind = 'asset'
     UNION
     SELECT a.rid, s.rid FROM assets a JOIN assets s ON s.id = a.derived_from
     WHERE a.derived_from IS NOT NULL`,
    [],
  ) as { x: number; y: number }[];
  if (!edges.length) return read;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const { x, y } of edges) {
    const rx = find(x);
    const ry = find(y);
    // The smaller rid (the older asset) roots the family.
    if (rx !== ry) parent.set(Math.max(rx, ry), Math.min(rx, ry));
    parent.set(Math.min(rx, ry), Math.min(rx, ry));
  }
  // Hashes come in rid order, so the first member of a family met is its oldest in scope.
  const seen = new Set<number>();
  const keep: number[] = [];
  for (let i = 0; i < read.rids.length; i++) {
    const rid = read.rids[i]!;
    if (!parent.has(rid)) {
      keep.push(i);
      continue;
    }
    const root = find(rid);
    if (seen.has(root)) continue;
    seen.add(root);
    keep.push(i);
  }
  if (keep.length === read.rids.length) return read;
  const hi = new Uint32Array(keep.length);
  const lo = new Uint32Array(keep.length);
  const rids = new Float64Array(keep.length);
  keep.forEach((from, to) => {
    hi[to] = read.hashes.hi[from]!;
    lo[to] = read.hashes.lo[from]!;
    rids[to] = read.rids[from]!;
  });
  return { hashes: { hi, lo }, rids };
}

/** Similar images by perceptual hash; biggest clusters first. */
export async function nearDuplicates(
  sqlite: BetterSqlite3.Database,
  threshold: number,
  limit: number,
  scope: LibraryFilter = defaultScope,
) {
  const read = await readHashes(sqlite, scope);
  const scanned = read.rids.length;
  const { hashes, rids } = oneHashPerFamily(sqlite, read);
  const clusters = await clusterNear(hashes, threshold, limit);
  const groups = clusters.map((c) => {
    const rows = loadRows(sqlite, 'a.rid IN (SELECT value FROM json_each(?))', [
      JSON.stringify(c.map((i) => rids[i]!)),
    ]);
    rows.sort(compareBest);
    return toGroup(sqlite, 'near', rows[0]!.phash ?? '', rows, []);
  });
  return { groups, scanned };
}

/**
 * Keep-the-best that never rejects an asset in a pack without being told to: it says what it
 * would do (how many it approves and rejects, and which of the rejected are in which packs) and
 * changes nothing until `confirmPackMembers` is set. Without pack members it applies at once.
 */
export function keepBestChecked(
  core: Atelier,
  groups: { keepId: string; otherIds: string[] }[],
  confirmPackMembers: boolean,
): KeepBestResult {
  const keepIds = new Set(groups.map((g) => g.keepId));
  const otherIds = [...new Set(groups.flatMap((g) => g.otherIds))].filter((id) => !keepIds.has(id));
  const packs = packsOf(core.sqlite, otherIds);
  const names = new Map(
    (
      statements(core.sqlite).all(
        'SELECT id, filename, title FROM assets WHERE id IN (SELECT value FROM json_each(?))',
        [JSON.stringify([...packs.keys()])],
      ) as { id: string; filename: string; title: string }[]
    ).map((r) => [r.id, r.title || r.filename]),
  );
  const packMembers = otherIds
    .filter((id) => packs.has(id))
    .map((id) => ({ id, name: names.get(id) ?? id, packs: packs.get(id)! }));
  const plan = { wouldApprove: keepIds.size, wouldReject: otherIds.length, packMembers };
  if (packMembers.length && !confirmPackMembers)
    return { changed: 0, undoId: null, applied: false, ...plan };
  return { ...keepBest(core, groups), applied: true, ...plan };
}
