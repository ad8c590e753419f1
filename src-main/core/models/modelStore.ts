import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../contract/errors';
import type { ModelInfo, ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';
import { matchKey } from './modelNames';

interface ModelRow {
  id: string;
  match_key: string;
  name: string;
  kind: ModelKind;
  sha256: string | null;
  non_commercial: number;
  license_note: string | null;
}

interface NameTally {
  name: string;
  kind: ModelKind;
  hash: string | null;
  n: number;
}

interface Seen {
  name: string;
  kind: ModelKind;
  n: number;
  hashes: Set<string>;
}

/** Folds tallies of names as written into one per match key. */
function byKey(rows: NameTally[], minus: NameTally[] = []): Map<string, Seen> {
  const out = new Map<string, Seen>();
  const add = (r: NameTally, sign: 1 | -1) => {
    const key = matchKey(r.name);
    if (!key) return;
    let s = out.get(key);
    if (!s) out.set(key, (s = { name: r.name, kind: r.kind, n: 0, hashes: new Set() }));
    s.n += sign * r.n;
    if (sign > 0 && r.hash) s.hashes.add(r.hash);
  };
  for (const r of rows) add(r, 1);
  for (const r of minus) add(r, -1);
  return out;
}

/**
 * Models named by assets out of the trash, with how many assets name each: the whole Library,
 * or one pack. asset_models is kept by triggers (migrations/0007_models.ts). For the Library the
 * tally is an index-only scan, less what is in the trash (few, through its own index): joining
 * every row to its asset cost ~0.4 s at 100,000. An asset naming one model under two spellings
 * counts twice.
 */
function uses(sqlite: BetterSqlite3.Database, packId?: string): Map<string, Seen> {
  if (packId) {
    return byKey(
      statements(sqlite).all(
        `SELECT am.name, am.kind, am.hash, count(*) AS n FROM pack_assets pa JOIN asset_models am ON am.asset_id = pa.asset_id JOIN assets a ON a.id = pa.asset_id
         WHERE pa.pack_id = ? AND a.deleted_at IS NULL GROUP BY am.name, am.kind, am.hash`,
        [packId],
      ) as NameTally[],
    );
  }
  const all = statements(sqlite).all(
    'SELECT name, kind, hash, count(*) AS n FROM asset_models GROUP BY name, kind, hash',
    [],
  ) as NameTally[];
  const trashed = statements(sqlite).all(
    // CROSS JOIN keeps SQLite from walking every asset_models row to reach the few trashed assets.
    `SELECT am.name, am.kind, am.hash, count(*) AS n FROM assets a INDEXED BY lib_trash CROSS JOIN asset_models am ON am.asset_id = a.id
     WHERE a.deleted_at IS NOT NULL GROUP BY am.name, am.kind, am.hash`,
    [],
  ) as NameTally[];
  return byKey(all, trashed);
}

function recorded(sqlite: BetterSqlite3.Database): Map<string, ModelRow> {
  const rows = statements(sqlite).all(
    'SELECT id, match_key, name, kind, sha256, non_commercial, license_note FROM models',
    [],
  ) as ModelRow[];
  return new Map(rows.map((r) => [r.match_key, r]));
}

function toInfo(key: string, row: ModelRow | undefined, seen: Seen | undefined): ModelInfo {
  const hashes = new Set(seen?.hashes);
  if (row?.sha256) hashes.add(row.sha256);
  return {
    id: row?.id ?? null,
    name: row?.name ?? seen!.name,
    matchKey: key,
    kind: row?.kind ?? seen!.kind,
    nonCommercial: row?.non_commercial === 1,
    licenseNote: row?.license_note ?? null,
    assetCount: Math.max(0, seen?.n ?? 0),
    hashes: [...hashes],
  };
}

export function listModels(
  core: Atelier,
  opts: { packId?: string; search?: string; limit: number },
): ModelInfo[] {
  if (
    opts.packId &&
    statements(core.sqlite).all('SELECT 1 FROM packs WHERE id = ?', [opts.packId]).length === 0
  )
    throw new AppError('not_found', `No pack ${opts.packId}`);
  const seen = uses(core.sqlite, opts.packId);
  const rows = recorded(core.sqlite);
  // A pack lists what its assets use; the Library also lists models recorded but not (or no longer) used.
  const used = [...seen].filter(([, s]) => s.n > 0).map(([k]) => k);
  const keys = new Set([...used, ...(opts.packId ? [] : rows.keys())]);
  const q = opts.search?.toLowerCase();
  return [...keys]
    .map((k) => toInfo(k, rows.get(k), seen.get(k)))
    .filter(
      (m) =>
        !q ||
        m.name.toLowerCase().includes(q) ||
        m.matchKey.includes(q) ||
        (m.licenseNote ?? '').toLowerCase().includes(q),
    )
    .sort((a, b) => b.assetCount - a.assetCount || a.name.localeCompare(b.name))
    .slice(0, opts.limit);
}

/** Records whether a model's license allows commercial use; the row is created on first use. */
export function setModelLicense(
  core: Atelier,
  input: { name: string; kind?: ModelKind; nonCommercial: boolean; licenseNote?: string | null },
): ModelInfo {
  const key = matchKey(input.name);
  if (!key) throw new AppError('invalid_input', `“${input.name}” is not a model name`);
  const seen = uses(core.sqlite).get(key);
  const existing = recorded(core.sqlite).get(key);
  const now = nowIso();
  if (existing) {
    statements(core.sqlite)
      .get(
        'UPDATE models SET non_commercial = ?, license_note = ?, kind = ?, updated_at = ? WHERE id = ?',
      )
      .run(
        input.nonCommercial ? 1 : 0,
        input.licenseNote === undefined ? existing.license_note : input.licenseNote || null,
        input.kind ?? existing.kind,
        now,
        existing.id,
      );
  } else {
    // The hash the metadata gave, when it gave one, is kept, so the check also finds the model under another file name.
    const hash = seen?.hashes.size === 1 ? [...seen.hashes][0]! : null;
    statements(core.sqlite)
      .get(
        'INSERT INTO models (id, match_key, name, kind, sha256, non_commercial, license_note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        uuidv7(),
        key,
        seen?.name ?? input.name.trim(),
        input.kind ?? seen?.kind ?? 'checkpoint',
        hash,
        input.nonCommercial ? 1 : 0,
        input.licenseNote || null,
        now,
        now,
      );
  }
  core.events.emit('models.changed', { matchKey: key });
  return toInfo(key, recorded(core.sqlite).get(key), seen);
}

/** The models whose licenses forbid selling what they make: by match key, and by the hash the metadata gave. */
export function nonCommercialModels(core: Atelier): {
  keys: Map<string, string>;
  hashes: { hash: string; name: string }[];
} {
  const rows = statements(core.sqlite).all(
    'SELECT match_key, name, sha256 FROM models WHERE non_commercial = 1',
    [],
  ) as { match_key: string; name: string; sha256: string | null }[];
  const keys = new Map<string, string>();
  const hashes: { hash: string; name: string }[] = [];
  for (const r of rows) {
    keys.set(r.match_key, r.name);
    if (r.sha256) hashes.push({ hash: r.sha256.toLowerCase(), name: r.name });
  }
  return { keys, hashes };
}

/**
 * Whether two model hashes name the same file: A1111 writes the first 10 hex digits of the
 * file's SHA-256 (older versions 8 of another hash), a registered file has the whole SHA-256.
 */
export function sameModelHash(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  return x.length >= 8 && y.length >= 8 && (x.startsWith(y) || y.startsWith(x));
}

/** Which models each asset of a pack names (from asset_models), by match key, with the hash its metadata gave. */
export function packModelUses(
  core: Atelier,
  packId: string,
): { assetId: string; matchKey: string; hash: string | null }[] {
  const rows = statements(core.sqlite).all(
    'SELECT am.asset_id AS assetId, am.name, am.hash FROM pack_assets pa JOIN asset_models am ON am.asset_id = pa.asset_id WHERE pa.pack_id = ?',
    [packId],
  ) as {
    assetId: string;
    name: string;
    hash: string | null;
  }[];
  return rows.map((r) => ({ assetId: r.assetId, matchKey: matchKey(r.name), hash: r.hash }));
}
