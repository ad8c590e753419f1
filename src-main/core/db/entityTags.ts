import type BetterSqlite3 from 'better-sqlite3';
import { statements } from './statements';

/** What `entity_tags` can tag besides assets (migration 0013). */
export type TaggedEntityKind = 'project' | 'collection' | 'order';

/**
 * The tag names of many projects, collections or orders in one query (a list never asks once per
 * row), by entity id, each sorted by name; an id without tags maps to [].
 */
export function tagsByEntity(
  sqlite: BetterSqlite3.Database,
  kind: TaggedEntityKind,
  ids: readonly string[],
): Map<string, string[]> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = statements(sqlite).all(
    `SELECT e.entity_id AS id, t.name FROM entity_tags e JOIN tags t ON t.id = e.tag_id
     WHERE e.entity_kind = ? AND e.entity_id IN (SELECT value FROM json_each(?))
     ORDER BY t.name`,
    [kind, JSON.stringify(ids)],
  ) as { id: string; name: string }[];
  for (const r of rows) out.get(r.id)?.push(r.name);
  return out;
}

/** The tag names of one project, collection or order, sorted by name. */
export function tagsOfEntity(
  sqlite: BetterSqlite3.Database,
  kind: TaggedEntityKind,
  id: string,
): string[] {
  return tagsByEntity(sqlite, kind, [id]).get(id) ?? [];
}
