import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../contract/errors';
import type { ModelInfo, ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { statements } from '../browse/stmtCache';
import { nowIso, uuidv7 } from '../util/ids';
import { matchKey, modelsOfAsset, type GenerationFields } from './modelNames';

interface ModelRow {
  id: string;
  match_key: string;
  name: string;
  kind: ModelKind;
  sha256: string | null;
  non_commercial: number;
  license_note: string | null;
}

/** What AI-generated assets (out of the trash) were made with: the whole Library, or one pack. */
function generationRows(sqlite: BetterSqlite3.Database, packId?: string): GenerationFields[] {
  const cols = 'a.model, a.model_hash, a.prompt, a.generation_params';
  const where = `a.deleted_at IS NULL AND a.provenance = 'ai_generated'`;
  return (
    packId
      ? statements(sqlite).all(
          `SELECT ${cols} FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id WHERE pa.pack_id = ? AND ${where}`,
          [packId],
        )
      : statements(sqlite).all(`SELECT ${cols} FROM assets a WHERE ${where}`, [])
  ) as GenerationFields[];
}

function recorded(sqlite: BetterSqlite3.Database): Map<string, ModelRow> {
  const rows = statements(sqlite).all(
    'SELECT id, match_key, name, kind, sha256, non_commercial, license_note FROM models',
    [],
  ) as ModelRow[];
  return new Map(rows.map((r) => [r.match_key, r]));
}

function toInfo(
  key: string,
  row: ModelRow | undefined,
  seen: { name: string; kind: ModelKind; count: number; hashes: Set<string> } | undefined,
): ModelInfo {
  const hashes = new Set(seen?.hashes ?? []);
  if (row?.sha256) hashes.add(row.sha256);
  return {
    id: row?.id ?? null,
    name: row?.name ?? seen!.name,
    matchKey: key,
    kind: row?.kind ?? seen!.kind,
    nonCommercial: row?.non_commercial === 1,
    licenseNote: row?.license_note ?? null,
    assetCount: seen?.count ?? 0,
    hashes: [...hashes],
  };
}

/** Tallies the models each asset names. */
function tally(rows: GenerationFields[]) {
  const seen = new Map<
    string,
    { name: string; kind: ModelKind; count: number; hashes: Set<string> }
  >();
  for (const r of rows) {
    for (const m of modelsOfAsset(r)) {
      let s = seen.get(m.key);
      if (!s) seen.set(m.key, (s = { name: m.name, kind: m.kind, count: 0, hashes: new Set() }));
      s.count++;
      if (m.hash) s.hashes.add(m.hash);
    }
  }
  return seen;
}

export function listModels(
  core: Atelier,
  opts: { packId?: string; search?: string; limit: number },
): ModelInfo[] {
  if (opts.packId && !core.sqlite.prepare('SELECT 1 FROM packs WHERE id = ?').get(opts.packId))
    throw new AppError('not_found', `No pack ${opts.packId}`);
  const seen = tally(generationRows(core.sqlite, opts.packId));
  const rows = recorded(core.sqlite);
  // A pack lists what its assets use; the Library also lists models recorded but not (or no longer) used.
  const keys = new Set([...seen.keys(), ...(opts.packId ? [] : rows.keys())]);
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
  const seen = tally(generationRows(core.sqlite)).get(key);
  const existing = recorded(core.sqlite).get(key);
  const now = nowIso();
  if (existing) {
    core.sqlite
      .prepare(
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
    // The hash the metadata gave most is kept, so the check also finds the model under another file name.
    const hash = seen && seen.hashes.size === 1 ? [...seen.hashes][0]! : null;
    core.sqlite
      .prepare(
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
