import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../contract/errors';
import type { ModelFamily, ModelFileInfo, ModelInfo, ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';
import { endpointKindLabels, listEndpoints } from '../engines/endpoints';
import { matchKey } from './modelNames';
import { findModel } from './resolveModel';

interface ModelRow {
  id: string;
  match_key: string;
  name: string;
  kind: ModelKind;
  sha256: string | null;
  non_commercial: number;
  license_note: string | null;
  family: ModelFamily | null;
  format: string | null;
  base_model: string | null;
  resolution: string | null;
  trigger_words: string | null;
  trigger_token: string | null;
  description: string | null;
  autov2: string | null;
  size_bytes: number | null;
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
    `SELECT id, match_key, name, kind, sha256, non_commercial, license_note, family, format, base_model, resolution,
       trigger_words, trigger_token, description, autov2, size_bytes FROM models`,
    [],
  ) as ModelRow[];
  return new Map(rows.map((r) => [r.match_key, r]));
}

/** Files per model, and the best generated asset per model for its thumbnail. */
interface Extras {
  files: Map<string, ModelFileInfo[]>;
  thumbs: Map<string, string>;
}

function extras(core: Atelier): Extras {
  const labels = new Map(
    listEndpoints(core).map((e) => [e.id, `${endpointKindLabels[e.kind]} '${e.name}'`]),
  );
  const files = new Map<string, ModelFileInfo[]>();
  for (const r of statements(core.sqlite).all(
    `SELECT model_id, location, path, kind, size_bytes, problem FROM model_files WHERE model_id IS NOT NULL ORDER BY location = 'local' DESC, path`,
    [],
  ) as {
    model_id: string;
    location: string;
    path: string;
    kind: ModelKind | null;
    size_bytes: number | null;
    problem: string | null;
  }[]) {
    const list = files.get(r.model_id) ?? [];
    list.push(fileInfo(r, labels));
    files.set(r.model_id, list);
  }
  // Highest rated, then liked, then newest: the picture a creator would pick to show the model.
  const thumbs = new Map<string, string>();
  for (const r of statements(core.sqlite).all(
    `SELECT source_id, asset_id FROM (
       SELECT al.source_id, al.asset_id, row_number() OVER (PARTITION BY al.source_id ORDER BY a.rating DESC, a.liked DESC, a.created_at DESC) AS n
       FROM asset_links al JOIN assets a ON a.id = al.asset_id
       WHERE al.source_kind = 'model' AND al.role = 'model' AND a.deleted_at IS NULL AND a.type = 'image'
     ) WHERE n = 1`,
    [],
  ) as { source_id: string; asset_id: string }[])
    thumbs.set(r.source_id, r.asset_id);
  return { files, thumbs };
}

function fileInfo(
  r: {
    location: string;
    path: string;
    kind: ModelKind | null;
    size_bytes: number | null;
    problem: string | null;
    model_id: string | null;
  },
  labels: Map<string, string>,
): ModelFileInfo {
  return {
    location: r.location,
    locationLabel:
      r.location === 'local' ? 'this computer' : (labels.get(r.location) ?? 'a removed server'),
    path: r.path,
    kind: r.kind,
    sizeBytes: r.size_bytes,
    problem: r.problem,
    modelId: r.model_id,
  };
}

/** Every model file found, here and on servers (problems only: the files that are not models). */
export function listModelFiles(core: Atelier, problemsOnly: boolean): ModelFileInfo[] {
  const labels = new Map(
    listEndpoints(core).map((e) => [e.id, `${endpointKindLabels[e.kind]} '${e.name}'`]),
  );
  return (
    statements(core.sqlite).all(
      `SELECT model_id, location, path, kind, size_bytes, problem FROM model_files ${problemsOnly ? 'WHERE problem IS NOT NULL' : ''} ORDER BY location, path LIMIT 20000`,
      [],
    ) as Parameters<typeof fileInfo>[0][]
  ).map((r) => fileInfo(r, labels));
}

function words(text: string | null): string[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : [];
  } catch {
    return [];
  }
}

function toInfo(
  key: string,
  row: ModelRow | undefined,
  seen: Seen | undefined,
  more?: Extras,
): ModelInfo {
  const hashes = new Set(seen?.hashes);
  if (row?.sha256) hashes.add(row.sha256);
  const triggerWords = words(row?.trigger_words ?? null);
  return {
    id: row?.id ?? null,
    name: row?.name ?? seen!.name,
    matchKey: key,
    kind: row?.kind ?? seen!.kind,
    nonCommercial: row?.non_commercial === 1,
    licenseNote: row?.license_note ?? null,
    assetCount: Math.max(0, seen?.n ?? 0),
    hashes: [...hashes],
    family: row?.family ?? null,
    format: row?.format ?? null,
    baseModel: row?.base_model ?? null,
    resolution: row?.resolution ?? null,
    triggerWords,
    triggerToken: row?.trigger_token ?? triggerWords[0] ?? null,
    description: row?.description ?? null,
    autov2: row?.autov2 ?? null,
    sizeBytes: row?.size_bytes ?? null,
    files: (row && more?.files.get(row.id)) ?? [],
    thumbAssetId: (row && more?.thumbs.get(row.id)) ?? null,
  };
}

export function listModels(
  core: Atelier,
  opts: {
    packId?: string;
    search?: string;
    kind?: ModelKind;
    family?: ModelFamily;
    available?: boolean;
    limit: number;
  },
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
  const more = extras(core);
  return [...keys]
    .map((k) => toInfo(k, rows.get(k), seen.get(k), more))
    .filter(
      (m) =>
        (!opts.kind || m.kind === opts.kind) &&
        (!opts.family || m.family === opts.family) &&
        (opts.available === undefined || m.files.some((f) => !f.problem) === opts.available) &&
        (!q ||
          m.name.toLowerCase().includes(q) ||
          m.matchKey.includes(q) ||
          (m.licenseNote ?? '').toLowerCase().includes(q) ||
          (m.description ?? '').toLowerCase().includes(q) ||
          m.triggerWords.some((w) => w.toLowerCase().includes(q)) ||
          (m.autov2 ?? '').startsWith(q)),
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
  return toInfo(key, recorded(core.sqlite).get(key), seen, extras(core));
}

/** One model by id, name, file name or hash, as the list shows it. */
export function getModel(core: Atelier, ref: string): ModelInfo {
  const found = findModel(core, ref);
  const key = found?.matchKey ?? matchKey(ref);
  const row = recorded(core.sqlite).get(key);
  const seen = uses(core.sqlite).get(key);
  if (!row && !seen) throw new AppError('not_found', `No model “${ref}”`);
  return toInfo(key, row, seen, extras(core));
}

/** Edits what the creator records about a model (the row is created for a name only metadata knew). */
export function updateModel(
  core: Atelier,
  input: {
    ref: string;
    triggerToken?: string | null;
    description?: string | null;
    licenseNote?: string | null;
    nonCommercial?: boolean;
  },
): ModelInfo {
  let found = findModel(core, input.ref);
  if (!found) {
    const info = getModel(core, input.ref);
    setModelLicense(core, { name: info.name, kind: info.kind, nonCommercial: info.nonCommercial });
    found = findModel(core, info.name)!;
  }
  const row = recorded(core.sqlite).get(found.matchKey)!;
  statements(core.sqlite)
    .get(
      'UPDATE models SET trigger_token = ?, description = ?, license_note = ?, non_commercial = ?, updated_at = ? WHERE id = ?',
    )
    .run(
      input.triggerToken === undefined ? row.trigger_token : input.triggerToken || null,
      input.description === undefined ? row.description : input.description || null,
      input.licenseNote === undefined ? row.license_note : input.licenseNote || null,
      input.nonCommercial === undefined ? row.non_commercial : input.nonCommercial ? 1 : 0,
      nowIso(),
      row.id,
    );
  core.events.emit('models.changed', { matchKey: found.matchKey });
  return getModel(core, row.id);
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

/**
 * Which models each asset of a pack was made with, by match key: what its metadata names
 * (asset_models, with the hash it gave), and — for what Atelier generated — the models and LoRAs
 * it is linked to by id, which no renaming or missing metadata can break.
 */
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
  const linked = statements(core.sqlite).all(
    `SELECT pa.asset_id AS assetId, m.match_key AS matchKey, m.sha256 AS hash FROM pack_assets pa
     JOIN asset_links al ON al.asset_id = pa.asset_id AND al.source_kind = 'model'
     JOIN models m ON m.id = al.source_id WHERE pa.pack_id = ?`,
    [packId],
  ) as { assetId: string; matchKey: string; hash: string | null }[];
  return [
    ...rows.map((r) => ({ assetId: r.assetId, matchKey: matchKey(r.name), hash: r.hash })),
    ...linked,
  ];
}
