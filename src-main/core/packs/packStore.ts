import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../contract/errors';
import type { AssetTypeName } from '../../contract/library';
import type {
  PackAssetItem,
  PackAssetPage,
  PackChangelogEntry,
  PackExportDefaults,
  PackLicenseType,
  PackSummary,
  PresetId,
} from '../../contract/packs';
import type { Selection } from '../../contract/curation';
import type { Atelier } from '../app/atelier';
import { parseSearch, searchCondition } from '../browse/ftsQuery';
import { resolveSelection } from '../curation/selection';
import { nowIso, uuidv7 } from '../util/ids';
import { assignUniqueNames, fileNameProblems, wantedName } from './fileNames';
import { slugify } from './slug';
import { statements } from '../db/statements';

export interface PackDbRow {
  id: string;
  name: string;
  slug: string;
  theme: string | null;
  description: string;
  license_type: PackLicenseType;
  version: string;
  cover_asset_id: string | null;
  asset_count: number;
  total_size_bytes: number;
  export_path: string | null;
  exported_at: string | null;
  export_sha256: string | null;
  accepted_warnings: string;
  default_preset: string | null;
  project_id: string | null;
  include_prompts: number;
  strip_metadata: number;
  hero_asset_id: string | null;
  collage_asset_ids: string | null;
  license_text: string | null;
  name_pattern: string | null;
  changelog: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** One row per asset in pack order, with what the export and the checks need. */
export interface PackMemberRow {
  asset_id: string;
  position: number;
  export_filename: string | null;
  path: string;
  filename: string;
  ext: string;
  type: AssetTypeName;
  mime: string | null;
  sha256: string;
  phash: string | null;
  size_bytes: number;
  mtime_ms: number;
  width: number | null;
  height: number | null;
  duration_sec: number | null;
  sample_rate: number | null;
  channels: number | null;
  fps: number | null;
  codec: string | null;
  format: string | null;
  title: string;
  theme: string | null;
  provenance: string;
  status: 'pending' | 'approved' | 'rejected';
  prompt: string | null;
  negative_prompt: string | null;
  seed: string | null;
  model: string | null;
  model_hash: string | null;
  generation_params: string | null;
  derived_from: string | null;
  derivation: string | null;
  is_upscaled: number;
  thumb_key: string | null;
  missing: number;
  source: string | null;
  created_at: string;
  deleted_at: string | null;
  rating: number;
  added_at: string;
}

/** Through the one statement cache (db/statements.ts). */
export function stmt(db: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  return statements(db).get(sql);
}

export function toSummary(r: PackDbRow): PackSummary {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    theme: r.theme,
    description: r.description,
    licenseType: r.license_type,
    version: r.version,
    coverAssetId: r.cover_asset_id,
    assetCount: r.asset_count,
    totalSizeBytes: r.total_size_bytes,
    exportedAt: r.exported_at,
    exportPath: r.export_path,
    exportSha256: r.export_sha256,
    defaultPreset: (r.default_preset as PresetId | null) ?? null,
    projectId: r.project_id,
    includePrompts: r.include_prompts === 1,
    stripMetadata: r.strip_metadata === 1,
    heroAssetId: r.hero_asset_id,
    collageAssetIds: parseIds(r.collage_asset_ids),
    licenseText: r.license_text,
    namePattern: r.name_pattern,
    changelog: parseChangelog(r.changelog),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function parseIds(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
  } catch {
    return null;
  }
}

export function parseChangelog(json: string): PackChangelogEntry[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v)
      ? v.filter(
          (x): x is PackChangelogEntry =>
            !!x && typeof x === 'object' && typeof (x as PackChangelogEntry).version === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

const DEFAULTS_KEY = 'packExportDefaults';
/** Prompts stay the seller's unless they choose to share them. */
const FACTORY_DEFAULTS: PackExportDefaults = { includePrompts: false, stripMetadata: true };

/** Settings → Export defaults: a row of the settings table that the app settings leave alone. */
export function exportDefaults(core: Atelier): PackExportDefaults {
  const row = stmt(core.sqlite, 'SELECT value FROM settings WHERE key = ?').get(DEFAULTS_KEY) as
    | { value: string }
    | undefined;
  if (!row) return { ...FACTORY_DEFAULTS };
  try {
    const v = JSON.parse(row.value) as Partial<PackExportDefaults>;
    return {
      includePrompts:
        typeof v.includePrompts === 'boolean' ? v.includePrompts : FACTORY_DEFAULTS.includePrompts,
      stripMetadata:
        typeof v.stripMetadata === 'boolean' ? v.stripMetadata : FACTORY_DEFAULTS.stripMetadata,
    };
  } catch {
    return { ...FACTORY_DEFAULTS };
  }
}

export function setExportDefaults(
  core: Atelier,
  patch: Partial<PackExportDefaults>,
): PackExportDefaults {
  const next = { ...exportDefaults(core), ...patch };
  const at = nowIso();
  stmt(
    core.sqlite,
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(DEFAULTS_KEY, JSON.stringify(next), at);
  return next;
}

export function requirePack(core: Atelier, id: string): PackDbRow {
  const row = stmt(core.sqlite, 'SELECT * FROM packs WHERE id = ? AND deleted_at IS NULL').get(
    id,
  ) as PackDbRow | undefined;
  if (!row) throw new AppError('not_found', `No pack ${id}`);
  return row;
}

function changed(core: Atelier, packId: string): void {
  stmt(core.sqlite, 'UPDATE packs SET updated_at = ? WHERE id = ?').run(nowIso(), packId);
  core.events.emit('packs.changed', { packId });
}

export function listPacks(core: Atelier, opts: { projectId?: string } = {}): PackSummary[] {
  // A creator has tens of packs, not thousands; the cap keeps the call bounded regardless.
  const rows = (
    opts.projectId
      ? stmt(
          core.sqlite,
          'SELECT * FROM packs WHERE deleted_at IS NULL AND project_id = ? ORDER BY updated_at DESC, id DESC LIMIT 1000',
        ).all(opts.projectId)
      : stmt(
          core.sqlite,
          'SELECT * FROM packs WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 1000',
        ).all()
  ) as PackDbRow[];
  return rows.map(toSummary);
}

/** A pack may be made in a project that exists and is not in the trash. */
function checkProject(core: Atelier, projectId: string): void {
  const p = stmt(core.sqlite, 'SELECT name, deleted_at FROM projects WHERE id = ?').get(
    projectId,
  ) as { name: string; deleted_at: string | null } | undefined;
  if (!p) throw new AppError('not_found', `No project ${projectId}`);
  if (p.deleted_at) throw new AppError('conflict', `“${p.name}” is in the trash: restore it first`);
}

function uniqueSlug(core: Atelier, base: string, exceptId?: string): string {
  const taken = (s: string) =>
    !!stmt(core.sqlite, 'SELECT 1 FROM packs WHERE slug = ? AND id IS NOT ?').get(
      s,
      exceptId ?? null,
    );
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = base.slice(0, 50 - suffix.length) + suffix;
    if (!taken(candidate)) return candidate;
  }
}

export interface CreatePackInput {
  name: string;
  slug?: string;
  theme?: string | null;
  description?: string;
  licenseType?: PackLicenseType;
  version?: string;
  /** The project the pack belongs to. */
  projectId?: string;
  /** Default: Settings → Export defaults. */
  includePrompts?: boolean;
  stripMetadata?: boolean;
}

export function createPack(core: Atelier, input: CreatePackInput): PackSummary {
  if (input.projectId) checkProject(core, input.projectId);
  let slug: string;
  if (input.slug) {
    if (stmt(core.sqlite, 'SELECT 1 FROM packs WHERE slug = ?').get(input.slug)) {
      throw new AppError('conflict', `The slug "${input.slug}" is already used by another pack`);
    }
    slug = input.slug;
  } else {
    slug = uniqueSlug(core, slugify(input.name));
  }
  const id = uuidv7();
  const at = nowIso();
  const defaults = exportDefaults(core);
  stmt(
    core.sqlite,
    `INSERT INTO packs (id, name, slug, theme, description, license_type, version, project_id, created_at, updated_at, include_prompts, strip_metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    input.name,
    slug,
    input.theme ?? null,
    input.description ?? '',
    input.licenseType ?? 'commercial',
    input.version ?? '1.0.0',
    input.projectId ?? null,
    at,
    at,
    (input.includePrompts ?? defaults.includePrompts) ? 1 : 0,
    (input.stripMetadata ?? defaults.stripMetadata) ? 1 : 0,
  );
  core.events.emit('packs.changed', { packId: id });
  // Its count went up (a trigger): the project's page and card show it.
  if (input.projectId) core.events.emit('projects.changed', { id: input.projectId });
  return toSummary(requirePack(core, id));
}

export interface UpdatePackInput {
  id: string;
  name?: string;
  slug?: string;
  theme?: string | null;
  description?: string;
  licenseType?: PackLicenseType;
  version?: string;
  coverAssetId?: string | null;
  defaultPreset?: PresetId | null;
  includePrompts?: boolean;
  stripMetadata?: boolean;
  heroAssetId?: string | null;
  collageAssetIds?: string[] | null;
  licenseText?: string | null;
}

/** Marketing pictures must be the pack's own images or videos. */
function checkPicks(core: Atelier, packId: string, ids: string[], what: string): void {
  const q = stmt(
    core.sqlite,
    `SELECT a.type FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id WHERE pa.pack_id = ? AND pa.asset_id = ?`,
  );
  for (const id of ids) {
    const r = q.get(packId, id) as { type: string } | undefined;
    if (!r) throw new AppError('invalid_input', `The ${what} must be one of the pack’s assets`);
    if (r.type !== 'image' && r.type !== 'video')
      throw new AppError('invalid_input', `The ${what} must be an image or a video`);
  }
}

export function updatePack(core: Atelier, input: UpdatePackInput): PackSummary {
  requirePack(core, input.id);
  const sets: string[] = [];
  const values: unknown[] = [];
  const set = (col: string, v: unknown) => {
    sets.push(`${col} = ?`);
    values.push(v);
  };
  if (input.name !== undefined) set('name', input.name);
  if (input.slug !== undefined) {
    if (
      stmt(core.sqlite, 'SELECT 1 FROM packs WHERE slug = ? AND id != ?').get(input.slug, input.id)
    ) {
      throw new AppError('conflict', `The slug "${input.slug}" is already used by another pack`);
    }
    set('slug', input.slug);
  }
  if (input.theme !== undefined) set('theme', input.theme);
  if (input.description !== undefined) set('description', input.description);
  if (input.licenseType !== undefined) set('license_type', input.licenseType);
  if (input.version !== undefined) set('version', input.version);
  if (input.defaultPreset !== undefined) set('default_preset', input.defaultPreset);
  if (input.includePrompts !== undefined) set('include_prompts', input.includePrompts ? 1 : 0);
  if (input.stripMetadata !== undefined) set('strip_metadata', input.stripMetadata ? 1 : 0);
  if (input.heroAssetId !== undefined) {
    if (input.heroAssetId) checkPicks(core, input.id, [input.heroAssetId], 'hero');
    set('hero_asset_id', input.heroAssetId);
  }
  if (input.collageAssetIds !== undefined) {
    const ids = input.collageAssetIds ? [...new Set(input.collageAssetIds)] : null;
    if (ids) checkPicks(core, input.id, ids, 'collage picture');
    set('collage_asset_ids', ids && ids.length ? JSON.stringify(ids) : null);
  }
  if (input.licenseText !== undefined) {
    const text = input.licenseText?.replace(/\r\n/g, '\n');
    set('license_text', text?.trim() ? text : null);
  }
  if (input.coverAssetId !== undefined) {
    if (
      input.coverAssetId &&
      !stmt(core.sqlite, 'SELECT 1 FROM pack_assets WHERE pack_id = ? AND asset_id = ?').get(
        input.id,
        input.coverAssetId,
      )
    ) {
      throw new AppError('invalid_input', 'The cover must be one of the pack’s assets');
    }
    set('cover_asset_id', input.coverAssetId);
  }
  if (sets.length > 0) {
    set('updated_at', nowIso());
    statements(core.sqlite)
      .get(`UPDATE packs SET ${sets.join(', ')} WHERE id = ?`)
      .run(...values, input.id);
    core.events.emit('packs.changed', { packId: input.id });
  }
  return toSummary(requirePack(core, input.id));
}

export function deletePack(core: Atelier, id: string): { id: string } {
  const pack = requirePack(core, id);
  const at = nowIso();
  // The slug is freed for a new pack; the trashed one keeps a unique, recognisable slug. A pack
  // is never restored from the trash, so it leaves its project (whose count a trigger lowers).
  stmt(
    core.sqlite,
    "UPDATE packs SET deleted_at = ?, updated_at = ?, slug = slug || '_deleted_' || ?, project_id = NULL WHERE id = ?",
  ).run(at, at, id.slice(-12), id);
  core.events.emit('packs.changed', { packId: id });
  if (pack.project_id) core.events.emit('projects.changed', { id: pack.project_id });
  return { id };
}

const MEMBER_COLUMNS = `pa.asset_id, pa.position, pa.export_filename, a.path, a.filename, a.ext, a.type, a.mime, a.sha256,
  a.phash, a.size_bytes, a.mtime_ms, a.width, a.height, a.duration_sec, a.sample_rate, a.channels, a.fps, a.codec,
  a.format, a.title, a.theme, a.provenance, a.status, a.prompt, a.negative_prompt, a.seed, a.model, a.model_hash,
  a.generation_params, a.derived_from, a.derivation, a.is_upscaled, a.thumb_key, a.missing, a.source, a.created_at,
  a.deleted_at, a.rating, a.added_at`;

/** Every member in pack order. Used by checks and export, which need them all anyway. */
export function packMembers(core: Atelier, packId: string): PackMemberRow[] {
  return stmt(
    core.sqlite,
    `SELECT ${MEMBER_COLUMNS} FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id
     WHERE pa.pack_id = ? ORDER BY pa.position, pa.asset_id`,
  ).all(packId) as PackMemberRow[];
}

/** The names the assets get under assets/, in pack order (first keeps the name, later clashes get _001…). */
export function effectiveNames(
  members: Pick<PackMemberRow, 'filename' | 'ext' | 'export_filename'>[],
): string[] {
  return assignUniqueNames(members.map((m) => wantedName(m, m.export_filename)));
}

function toItem(m: PackMemberRow, effective: string): PackAssetItem {
  return {
    assetId: m.asset_id,
    position: m.position,
    filename: m.filename,
    exportFilename: m.export_filename,
    effectiveName: effective,
    type: m.type,
    sizeBytes: m.size_bytes,
    width: m.width,
    height: m.height,
    durationSec: m.duration_sec,
    status: m.status,
    provenance: m.provenance,
    missing: m.missing === 1 || m.deleted_at !== null,
    hasThumb: !!m.thumb_key,
    rating: m.rating,
    addedAt: m.added_at,
  };
}

export function listPackAssets(
  core: Atelier,
  packId: string,
  after: number | undefined,
  limit: number,
): PackAssetPage {
  requirePack(core, packId);
  // Effective names depend on every earlier member, so they are computed over the whole pack.
  const names = stmt(
    core.sqlite,
    `SELECT pa.asset_id, pa.export_filename, a.filename, a.ext FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id
     WHERE pa.pack_id = ? ORDER BY pa.position, pa.asset_id`,
  ).all(packId) as {
    asset_id: string;
    export_filename: string | null;
    filename: string;
    ext: string;
  }[];
  const effective = new Map(effectiveNames(names).map((n, i) => [names[i]!.asset_id, n]));
  const rows = stmt(
    core.sqlite,
    `SELECT ${MEMBER_COLUMNS} FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id
     WHERE pa.pack_id = ? AND pa.position > ? ORDER BY pa.position, pa.asset_id LIMIT ?`,
  ).all(packId, after ?? -1e308, limit + 1) as PackMemberRow[];
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    items: page.map((m) => toItem(m, effective.get(m.asset_id) ?? m.filename)),
    nextAfter: more ? page[page.length - 1]!.position : null,
  };
}

function lastPosition(core: Atelier, packId: string): number {
  const r = stmt(core.sqlite, 'SELECT max(position) p FROM pack_assets WHERE pack_id = ?').get(
    packId,
  ) as { p: number | null };
  return r.p ?? 0;
}

/** A pack's "add by search": the Library's search (browse/ftsQuery.ts), the same assets. */
function queryAssetIds(core: Atelier, query: string): string[] {
  const cond = searchCondition(parseSearch(query));
  if (!cond) return [];
  return (
    stmt(
      core.sqlite,
      `SELECT a.id FROM assets a WHERE ${cond.sql} AND a.deleted_at IS NULL ORDER BY a.added_at, a.id LIMIT 10001`,
    ).all(cond.param) as { id: string }[]
  ).map((r) => r.id);
}

/** What one call may add: a pack of more is built in steps, and a stray "select all" stops here. */
const MAX_ADD = 10_000;

export function addAssets(
  core: Atelier,
  packId: string,
  assetIds: string[] | undefined,
  query: string | undefined,
  selection?: Selection,
): { added: number; pack: PackSummary } {
  requirePack(core, packId);
  const selected = selection ? resolveSelection(core.sqlite, selection).map((r) => r.id) : [];
  const ids = [
    ...new Set([...(assetIds ?? []), ...(query ? queryAssetIds(core, query) : []), ...selected]),
  ];
  if (ids.length > MAX_ADD) {
    throw new AppError(
      'invalid_input',
      `That is ${ids.length.toLocaleString('en')} assets; a pack takes at most ${MAX_ADD.toLocaleString('en')} at a time. Narrow the filter and add them in parts.`,
    );
  }
  const state = stmt(core.sqlite, 'SELECT deleted_at FROM assets WHERE id = ?');
  const missing: string[] = [];
  const trashed: string[] = [];
  for (const id of ids) {
    const row = state.get(id) as { deleted_at: string | null } | undefined;
    if (!row) missing.push(id);
    else if (row.deleted_at) trashed.push(id);
  }
  if (missing.length > 0) {
    throw new AppError(
      'not_found',
      `${missing.length} of the assets do not exist (first: ${missing[0]})`,
      { missing: missing.slice(0, 50) },
    );
  }
  if (trashed.length > 0) {
    throw new AppError(
      'conflict',
      `${trashed.length} of the assets are in the trash: restore them before adding them to a pack.`,
      { trashed: trashed.slice(0, 50) },
    );
  }
  let pos = lastPosition(core, packId);
  let added = 0;
  const at = nowIso();
  const insert = stmt(
    core.sqlite,
    'INSERT OR IGNORE INTO pack_assets (pack_id, asset_id, position, export_filename, added_at) VALUES (?, ?, ?, NULL, ?)',
  );
  core.sqlite.transaction(() => {
    for (const id of ids) {
      const r = insert.run(packId, id, pos + 1, at);
      if (r.changes > 0) {
        pos += 1;
        added++;
      }
    }
    const pack = requirePack(core, packId);
    if (!pack.cover_asset_id && ids.length > 0) {
      const firstImage = stmt(
        core.sqlite,
        `SELECT pa.asset_id FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id
         WHERE pa.pack_id = ? AND a.type = 'image' ORDER BY pa.position LIMIT 1`,
      ).get(packId) as { asset_id: string } | undefined;
      if (firstImage)
        stmt(core.sqlite, 'UPDATE packs SET cover_asset_id = ? WHERE id = ?').run(
          firstImage.asset_id,
          packId,
        );
    }
  })();
  changed(core, packId);
  return { added, pack: toSummary(requirePack(core, packId)) };
}

export function removeAssets(
  core: Atelier,
  packId: string,
  assetIds: string[],
): { removed: number; pack: PackSummary } {
  requirePack(core, packId);
  let removed = 0;
  const del = stmt(core.sqlite, 'DELETE FROM pack_assets WHERE pack_id = ? AND asset_id = ?');
  core.sqlite.transaction(() => {
    for (const id of new Set(assetIds)) removed += del.run(packId, id).changes;
    stmt(
      core.sqlite,
      'UPDATE packs SET cover_asset_id = NULL WHERE id = ? AND cover_asset_id IS NOT NULL AND cover_asset_id NOT IN (SELECT asset_id FROM pack_assets WHERE pack_id = ?)',
    ).run(packId, packId);
    // Marketing picks that left the pack fall back to the automatic choice.
    stmt(
      core.sqlite,
      'UPDATE packs SET hero_asset_id = NULL WHERE id = ? AND hero_asset_id IS NOT NULL AND hero_asset_id NOT IN (SELECT asset_id FROM pack_assets WHERE pack_id = ?)',
    ).run(packId, packId);
    const pack = requirePack(core, packId);
    const picks = parseIds(pack.collage_asset_ids);
    if (picks) {
      const gone = new Set(assetIds);
      const left = picks.filter((p) => !gone.has(p));
      if (left.length !== picks.length)
        stmt(core.sqlite, 'UPDATE packs SET collage_asset_ids = ? WHERE id = ?').run(
          left.length ? JSON.stringify(left) : null,
          packId,
        );
    }
  })();
  changed(core, packId);
  return { removed, pack: toSummary(requirePack(core, packId)) };
}

export function moveAsset(
  core: Atelier,
  packId: string,
  assetId: string,
  toIndex: number,
): { ok: true } {
  requirePack(core, packId);
  const order = stmt(
    core.sqlite,
    'SELECT asset_id, position FROM pack_assets WHERE pack_id = ? ORDER BY position, asset_id',
  ).all(packId) as {
    asset_id: string;
    position: number;
  }[];
  const from = order.findIndex((o) => o.asset_id === assetId);
  if (from < 0) throw new AppError('not_found', `Asset ${assetId} is not in this pack`);
  const rest = order.filter((o) => o.asset_id !== assetId);
  const to = Math.min(toIndex, rest.length);
  const before = rest[to - 1]?.position;
  const after = rest[to]?.position;
  let position: number;
  if (before === undefined && after === undefined) position = 1;
  else if (before === undefined) position = after! - 1;
  else if (after === undefined) position = before + 1;
  else position = (before + after) / 2;
  if (before !== undefined && after !== undefined && !(position > before && position < after)) {
    // Repeated halving ran out of float precision: renumber the whole pack once.
    core.sqlite.transaction(() => {
      const upd = stmt(
        core.sqlite,
        'UPDATE pack_assets SET position = ? WHERE pack_id = ? AND asset_id = ?',
      );
      rest.splice(to, 0, order[from]!);
      rest.forEach((o, i) => upd.run(i + 1, packId, o.asset_id));
    })();
  } else {
    stmt(core.sqlite, 'UPDATE pack_assets SET position = ? WHERE pack_id = ? AND asset_id = ?').run(
      position,
      packId,
      assetId,
    );
  }
  changed(core, packId);
  return { ok: true };
}

export function setExportName(
  core: Atelier,
  packId: string,
  assetId: string,
  exportFilename: string | null,
): PackAssetItem {
  requirePack(core, packId);
  const name = exportFilename?.trim() || null;
  if (name) {
    const problems = fileNameProblems(name);
    if (problems.length > 0)
      throw new AppError('invalid_input', `The file name "${name}" ${problems.join('; ')}`, {
        problems,
      });
  }
  const r = stmt(
    core.sqlite,
    'UPDATE pack_assets SET export_filename = ? WHERE pack_id = ? AND asset_id = ?',
  ).run(name, packId, assetId);
  if (r.changes === 0) throw new AppError('not_found', `Asset ${assetId} is not in this pack`);
  changed(core, packId);
  const members = packMembers(core, packId);
  const names = effectiveNames(members);
  const i = members.findIndex((m) => m.asset_id === assetId);
  return toItem(members[i]!, names[i]!);
}

export function acceptedKeys(row: PackDbRow): Set<string> {
  try {
    const v = JSON.parse(row.accepted_warnings) as unknown;
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function setAccepted(core: Atelier, packId: string, key: string, accepted: boolean): void {
  const row = requirePack(core, packId);
  const keys = acceptedKeys(row);
  if (accepted) keys.add(key);
  else keys.delete(key);
  stmt(core.sqlite, 'UPDATE packs SET accepted_warnings = ? WHERE id = ?').run(
    JSON.stringify([...keys]),
    packId,
  );
  core.events.emit('packs.changed', { packId });
}

/** A pack by its id or its slug (the CLI takes either); a clear error naming where to look. */
export function packIdByRef(core: Atelier, ref: string): string {
  const row = stmt(
    core.sqlite,
    'SELECT id FROM packs WHERE (id = ? OR slug = ?) AND deleted_at IS NULL',
  ).get(ref, ref) as { id: string } | undefined;
  if (!row)
    throw new AppError('not_found', `No pack with id or slug "${ref}" (see: atelier packs list)`);
  return row.id;
}
