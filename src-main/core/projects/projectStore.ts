import { AppError } from '../../contract/errors';
import type { ProjectInfo, ProjectStatus } from '../../contract/projects';
import type { Atelier } from '../app/atelier';
import { createTag } from '../curation/tags';
import { tagsByEntity, tagsOfEntity } from '../db/entityTags';
import { statements } from '../db/statements';
import { findModel } from '../models/resolveModel';
import { nowIso, uuidv7 } from '../util/ids';

interface Row {
  id: string;
  name: string;
  description: string;
  status: ProjectStatus;
  default_model_id: string | null;
  model_name: string | null;
  default_params: string | null;
  featured_asset_ids: string | null;
  asset_count: number;
  order_count: number;
  pack_count: number;
  template_count: number;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

const select = `SELECT p.*, m.name AS model_name FROM projects p LEFT JOIN models m ON m.id = p.default_model_id`;

function toInfo(r: Row, tags: string[]): ProjectInfo {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    status: r.status,
    defaultModel:
      r.default_model_id && r.model_name ? { id: r.default_model_id, name: r.model_name } : null,
    defaultParams: r.default_params
      ? (JSON.parse(r.default_params) as Record<string, unknown>)
      : null,
    featuredAssetIds: r.featured_asset_ids ? (JSON.parse(r.featured_asset_ids) as string[]) : [],
    counts: {
      assets: r.asset_count,
      orders: r.order_count,
      packs: r.pack_count,
      templates: r.template_count,
    },
    tags,
    deleted: r.deleted_at !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function getProject(core: Atelier, id: string): ProjectInfo {
  const r = statements(core.sqlite).all(`${select} WHERE p.id = ?`, [id])[0] as Row | undefined;
  if (!r) throw new AppError('not_found', `No project ${id}`);
  return toInfo(r, tagsOfEntity(core.sqlite, 'project', id));
}

export function listProjects(
  core: Atelier,
  opts: { status?: ProjectStatus[]; includeDeleted: boolean },
): ProjectInfo[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (!opts.includeDeleted) where.push('p.deleted_at IS NULL');
  if (opts.status?.length) {
    where.push(`p.status IN (${opts.status.map(() => '?').join(', ')})`);
    args.push(...opts.status);
  }
  const rows = statements(core.sqlite).all(
    `${select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.updated_at DESC`,
    args,
  ) as Row[];
  const tags = tagsByEntity(
    core.sqlite,
    'project',
    rows.map((r) => r.id),
  );
  return rows.map((r) => toInfo(r, tags.get(r.id) ?? []));
}

function modelIdOf(core: Atelier, ref: string): string {
  const m = findModel(core, ref);
  if (!m) throw new AppError('not_found', `No model “${ref}”`);
  return m.id;
}

function checkName(core: Atelier, name: string, except?: string): void {
  const clash = statements(core.sqlite).all(
    'SELECT id FROM projects WHERE lower(name) = lower(?) AND deleted_at IS NULL AND id IS NOT ?',
    [name, except ?? null],
  );
  if (clash.length) throw new AppError('conflict', `There is already a project named “${name}”`);
}

export function createProject(
  core: Atelier,
  input: {
    name: string;
    description: string;
    defaultModel?: string;
    defaultParams?: Record<string, unknown>;
  },
): ProjectInfo {
  checkName(core, input.name);
  const id = uuidv7();
  const at = nowIso();
  statements(core.sqlite)
    .get(
      `INSERT INTO projects (id, name, description, default_model_id, default_params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      input.name,
      input.description,
      input.defaultModel ? modelIdOf(core, input.defaultModel) : null,
      input.defaultParams ? JSON.stringify(input.defaultParams) : null,
      at,
      at,
    );
  core.events.emit('projects.changed', { id });
  return getProject(core, id);
}

export function updateProject(
  core: Atelier,
  input: {
    id: string;
    name?: string;
    description?: string;
    status?: ProjectStatus;
    defaultModel?: string | null;
    defaultParams?: Record<string, unknown> | null;
    featuredAssetIds?: string[];
  },
): ProjectInfo {
  getProject(core, input.id);
  if (input.name) checkName(core, input.name, input.id);
  const sets: string[] = [];
  const args: unknown[] = [];
  const put = (col: string, v: unknown) => {
    sets.push(`${col} = ?`);
    args.push(v);
  };
  if (input.name !== undefined) put('name', input.name);
  if (input.description !== undefined) put('description', input.description);
  if (input.status !== undefined) put('status', input.status);
  if (input.defaultModel !== undefined)
    put(
      'default_model_id',
      input.defaultModel === null ? null : modelIdOf(core, input.defaultModel),
    );
  if (input.defaultParams !== undefined)
    put(
      'default_params',
      input.defaultParams === null ? null : JSON.stringify(input.defaultParams),
    );
  if (input.featuredAssetIds !== undefined) {
    const known = statements(core.sqlite).all(
      'SELECT id FROM assets WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL',
      [JSON.stringify(input.featuredAssetIds)],
    ) as { id: string }[];
    const missing = input.featuredAssetIds.filter((a) => !known.some((k) => k.id === a));
    if (missing.length) throw new AppError('not_found', `No asset ${missing[0]} to feature`);
    put('featured_asset_ids', JSON.stringify(input.featuredAssetIds));
  }
  put('updated_at', nowIso());
  statements(core.sqlite)
    .get(`UPDATE projects SET ${sets.join(', ')} WHERE id = ?`)
    .run(...args, input.id);
  core.events.emit('projects.changed', { id: input.id });
  return getProject(core, input.id);
}

export function setProjectDeleted(core: Atelier, id: string, deleted: boolean): ProjectInfo {
  const p = getProject(core, id);
  if (!deleted) checkName(core, p.name, id);
  statements(core.sqlite)
    .get('UPDATE projects SET deleted_at = ?, updated_at = ? WHERE id = ?')
    .run(deleted ? nowIso() : null, nowIso(), id);
  core.events.emit('projects.changed', { id });
  return getProject(core, id);
}

/** Moves assets, orders and packs into a project (or out of any, with null). */
export function assignToProject(
  core: Atelier,
  input: { id: string | null; assetIds: string[]; orderIds: string[]; packIds: string[] },
): ProjectInfo | null {
  if (input.id) {
    const p = getProject(core, input.id);
    if (p.deleted) throw new AppError('conflict', `“${p.name}” is in the trash: restore it first`);
  }
  const at = nowIso();
  core.sqlite.transaction(() => {
    for (const [table, ids] of [
      ['assets', input.assetIds],
      ['orders', input.orderIds],
      ['packs', input.packIds],
    ] as const) {
      if (!ids.length) continue;
      statements(core.sqlite)
        .get(
          `UPDATE ${table} SET project_id = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`,
        )
        .run(input.id, at, JSON.stringify(ids));
    }
  })();
  if (input.assetIds.length) core.events.emit('library.changed', { reason: 'project' });
  if (input.id) core.events.emit('projects.changed', { id: input.id });
  return input.id ? getProject(core, input.id) : null;
}

/** Replaces the tags of a project, collection or order. */
export function setEntityTags(
  core: Atelier,
  input: { kind: 'project' | 'collection' | 'order'; id: string; tags: string[] },
): { tags: string[] } {
  const table =
    input.kind === 'project' ? 'projects' : input.kind === 'collection' ? 'collections' : 'orders';
  if (!statements(core.sqlite).all(`SELECT 1 FROM ${table} WHERE id = ?`, [input.id]).length)
    throw new AppError('not_found', `No ${input.kind} ${input.id}`);
  const at = nowIso();
  core.sqlite.transaction(() => {
    statements(core.sqlite)
      .get('DELETE FROM entity_tags WHERE entity_kind = ? AND entity_id = ?')
      .run(input.kind, input.id);
    for (const name of new Map(input.tags.map((n) => [n.toLowerCase(), n])).values()) {
      const tag = createTag(core, name);
      statements(core.sqlite)
        .get(
          'INSERT OR IGNORE INTO entity_tags (entity_kind, entity_id, tag_id, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(input.kind, input.id, tag.id, at);
    }
  })();
  core.events.emit('tags.changed', { id: null });
  if (input.kind === 'project') core.events.emit('projects.changed', { id: input.id });
  else if (input.kind === 'collection') core.events.emit('collections.changed', { id: input.id });
  else core.events.emit('orders.changed', { orderId: input.id });
  return { tags: tagsOfEntity(core.sqlite, input.kind, input.id) };
}
