import type { CurationResult, Selection, TagInfo } from '../../contract/curation';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';
import { plural } from './curate';
import { notifyCurated } from './notify';
import { resolveSelection } from './selection';
import { pushUndo, type TagLinksOp } from './undoLog';

/** New tags get a colour from this palette, chosen by name so a tag keeps its colour everywhere. */
const palette = [
  '#6b4ce6',
  '#e0679a',
  '#2f9e6b',
  '#c98a12',
  '#d0453a',
  '#2c7be5',
  '#8a5a44',
  '#13a3a3',
  '#7a7a7a',
  '#b04fd1',
];

export function defaultTagColor(name: string): string {
  let h = 0;
  for (const ch of name.toLowerCase()) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return palette[h % palette.length]!;
}

interface TagRow {
  id: string;
  name: string;
  color: string | null;
  usage_count: number;
}
const toInfo = (r: TagRow): TagInfo => ({
  id: r.id,
  name: r.name,
  color: r.color,
  usageCount: r.usage_count,
});

/** Autocomplete: a range scan on the NOCASE unique index, most used first. */
export function listTags(core: Atelier, prefix: string | undefined, limit: number): TagInfo[] {
  const cache = statements(core.sqlite);
  if (!prefix) {
    return (
      cache.all(
        'SELECT id, name, color, usage_count FROM tags ORDER BY usage_count DESC, name LIMIT ?',
        [limit],
      ) as TagRow[]
    ).map(toInfo);
  }
  const rows = cache.all(
    `SELECT id, name, color, usage_count FROM tags WHERE name >= ? AND name < ? ORDER BY usage_count DESC, name LIMIT ?`,
    [prefix, prefix + '\u{10FFFF}', limit],
  ) as TagRow[];
  return rows.map(toInfo);
}

function tagByName(core: Atelier, name: string): TagRow | undefined {
  return statements(core.sqlite)
    .get('SELECT id, name, color, usage_count FROM tags WHERE name = ?')
    .get(name) as TagRow | undefined;
}

export function createTag(core: Atelier, name: string, color?: string | null): TagInfo {
  const existing = tagByName(core, name);
  if (existing) return toInfo(existing);
  const row: TagRow = { id: uuidv7(), name, color: color ?? defaultTagColor(name), usage_count: 0 };
  statements(core.sqlite)
    .get('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)')
    .run(row.id, row.name, row.color, nowIso());
  core.events.emit('tags.changed', { id: row.id });
  return toInfo(row);
}

export function updateTag(
  core: Atelier,
  id: string,
  patch: { name?: string; color?: string | null },
): TagInfo {
  const cache = statements(core.sqlite);
  const row = cache.get('SELECT id, name, color, usage_count FROM tags WHERE id = ?').get(id) as
    | TagRow
    | undefined;
  if (!row) throw new AppError('not_found', `No tag ${id}`);
  if (patch.name !== undefined && patch.name.toLowerCase() !== row.name.toLowerCase()) {
    const clash = tagByName(core, patch.name);
    if (clash) throw new AppError('conflict', `A tag named “${clash.name}” already exists`);
  }
  const next = {
    ...row,
    name: patch.name ?? row.name,
    color: patch.color !== undefined ? patch.color : row.color,
  };
  cache.get('UPDATE tags SET name = ?, color = ? WHERE id = ?').run(next.name, next.color, id);
  core.events.emit('tags.changed', { id });
  return toInfo(next);
}

export function deleteTag(core: Atelier, id: string): { deleted: true } {
  const r = statements(core.sqlite).get('DELETE FROM tags WHERE id = ?').run(id);
  if (r.changes === 0) throw new AppError('not_found', `No tag ${id}`);
  // The FTS tags column is kept by asset_tags' delete trigger, which the cascade fires.
  core.events.emit('tags.changed', { id });
  core.events.emit('assets.curated', { ids: null, fields: ['tags'] });
  return { deleted: true };
}

export function addTags(core: Atelier, selection: Selection, names: string[]): CurationResult {
  const selected = resolveSelection(core.sqlite, selection);
  const cache = statements(core.sqlite);
  const at = nowIso();
  const result = core.sqlite.transaction(() => {
    const tags = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()].map((n) =>
      createTag(core, n),
    );
    const op: TagLinksOp = { kind: 'tagLinks', remove: [], insert: [] };
    const changedIds = new Set<string>();
    const assetIds = JSON.stringify(selected.map((s) => s.id));
    for (const tag of tags) {
      const missing = cache.all(
        `SELECT j.value AS id FROM json_each(?) j
         WHERE NOT EXISTS (SELECT 1 FROM asset_tags WHERE asset_id = j.value AND tag_id = ?)`,
        [assetIds, tag.id],
      ) as { id: string }[];
      if (!missing.length) continue;
      const ids = missing.map((m) => m.id);
      cache
        .get(
          'INSERT INTO asset_tags (asset_id, tag_id, created_at) SELECT value, ?, ? FROM json_each(?)',
        )
        .run(tag.id, at, JSON.stringify(ids));
      op.remove.push({ tagId: tag.id, assetIds: ids });
      for (const id of ids) changedIds.add(id);
    }
    const label = `Tag ${tags.map((t) => t.name).join(', ')} · ${plural(changedIds.size, 'asset')}`;
    const undoId = changedIds.size ? pushUndo(core.sqlite, label, changedIds.size, [op]) : null;
    return { changedIds: [...changedIds], undoId };
  })();
  notifyCurated(core, result.changedIds, ['tags']);
  if (result.changedIds.length) core.events.emit('tags.changed', { id: null });
  return { changed: result.changedIds.length, undoId: result.undoId };
}

export function removeTags(core: Atelier, selection: Selection, tagIds: string[]): CurationResult {
  const selected = resolveSelection(core.sqlite, selection);
  const cache = statements(core.sqlite);
  const result = core.sqlite.transaction(() => {
    const op: TagLinksOp = { kind: 'tagLinks', remove: [], insert: [] };
    const changedIds = new Set<string>();
    const assetIds = JSON.stringify(selected.map((s) => s.id));
    for (const tagId of new Set(tagIds)) {
      const links = cache.all(
        'SELECT asset_id, created_at FROM asset_tags WHERE tag_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
        [tagId, assetIds],
      ) as { asset_id: string; created_at: string }[];
      if (!links.length) continue;
      cache
        .get(
          'DELETE FROM asset_tags WHERE tag_id = ? AND asset_id IN (SELECT value FROM json_each(?))',
        )
        .run(tagId, assetIds);
      op.insert.push({
        tagId,
        assetIds: links.map((l) => l.asset_id),
        createdAt: links[0]!.created_at,
      });
      for (const l of links) changedIds.add(l.asset_id);
    }
    const undoId = changedIds.size
      ? pushUndo(
          core.sqlite,
          `Remove tags · ${plural(changedIds.size, 'asset')}`,
          changedIds.size,
          [op],
        )
      : null;
    return { changedIds: [...changedIds], undoId };
  })();
  notifyCurated(core, result.changedIds, ['tags']);
  if (result.changedIds.length) core.events.emit('tags.changed', { id: null });
  return { changed: result.changedIds.length, undoId: result.undoId };
}
