import {
  libraryFilter,
  librarySort,
  type LibraryFilter,
  type LibrarySort,
} from '../../contract/browse';
import type { SavedSearchInfo } from '../../contract/curation';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';

interface Row {
  id: string;
  name: string;
  filter: string;
  sort: string;
  position: number;
}

/**
 * A stored query is parsed again on every read: a filter saved by an older version that no
 * longer validates falls back to its valid parts rather than breaking the sidebar.
 */
function toInfo(r: Row): SavedSearchInfo {
  const f = libraryFilter.safeParse(JSON.parse(r.filter));
  const s = librarySort.safeParse(JSON.parse(r.sort));
  return {
    id: r.id,
    name: r.name,
    filter: f.success ? f.data : libraryFilter.parse({}),
    sort: s.success ? s.data : librarySort.parse({}),
    position: r.position,
  };
}

export function listSavedSearches(core: Atelier): SavedSearchInfo[] {
  return (
    statements(core.sqlite).all(
      'SELECT id, name, filter, sort, position FROM saved_searches ORDER BY position, created_at',
      [],
    ) as Row[]
  ).map(toInfo);
}

export function saveSearch(
  core: Atelier,
  input: { id?: string; name: string; filter: LibraryFilter; sort?: LibrarySort },
): SavedSearchInfo {
  const cache = statements(core.sqlite);
  const at = nowIso();
  const sort = input.sort ?? librarySort.parse({});
  let id = input.id;
  if (id) {
    const r = cache
      .get('UPDATE saved_searches SET name = ?, filter = ?, sort = ?, updated_at = ? WHERE id = ?')
      .run(input.name, JSON.stringify(input.filter), JSON.stringify(sort), at, id);
    if (r.changes === 0) throw new AppError('not_found', `No saved search ${id}`);
  } else {
    id = uuidv7();
    const next = (
      cache.get('SELECT coalesce(max(position), 0) + 1 AS p FROM saved_searches').get() as {
        p: number;
      }
    ).p;
    cache
      .get(
        'INSERT INTO saved_searches (id, name, filter, sort, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, input.name, JSON.stringify(input.filter), JSON.stringify(sort), next, at, at);
  }
  core.events.emit('savedSearches.changed', { id });
  return toInfo(
    cache
      .get('SELECT id, name, filter, sort, position FROM saved_searches WHERE id = ?')
      .get(id) as Row,
  );
}

export function deleteSavedSearch(core: Atelier, id: string): { deleted: true } {
  const r = statements(core.sqlite).get('DELETE FROM saved_searches WHERE id = ?').run(id);
  if (r.changes === 0) throw new AppError('not_found', `No saved search ${id}`);
  core.events.emit('savedSearches.changed', { id });
  return { deleted: true };
}
