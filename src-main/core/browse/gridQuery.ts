import type BetterSqlite3 from 'better-sqlite3';
import type {
  GridItem,
  LibraryPageResult,
  LibraryQueryInput,
  SortKey,
} from '../../contract/browse';
import { AppError } from '../../contract/errors';
import { decodeCursor, encodeCursor } from './cursor';
import { filterSql } from './filterSql';
import { highlight, type FtsQuery } from './ftsQuery';
import { gridColumns, toGridItem, type GridRow } from './gridItem';
import { stackedOut, stackMemberRows } from './stacks';
import { statements } from '../db/statements';

/** Each expression matches an index in 0005_curation exactly, so the planner walks it in order. */
const sortExpr: Record<SortKey, string> = {
  added: 'a.added_at',
  created: 'a.created_at',
  name: 'a.filename COLLATE NOCASE',
  rating: 'a.rating',
  size: 'a.size_bytes',
  duration: 'ifnull(a.duration_sec, -1)',
  position: 'ca.position',
};

/**
 * Above this many hits a search term is "common": ranking or sorting every hit would cost more
 * than walking the sort index and probing the hit set until a page is full.
 */
const commonHits = 4000;

export function isCommonSearch(sqlite: BetterSqlite3.Database, match: string): boolean {
  const row = statements(sqlite)
    .get(
      `SELECT count(*) AS n FROM (SELECT 1 FROM assets_fts WHERE assets_fts MATCH ? LIMIT ${commonHits})`,
    )
    .get(match) as { n: number };
  return row.n >= commonHits;
}

function probeMatch(search: string | undefined): string | null {
  if (!search) return null;
  // The FTS5 text the filter will run (exclusions folded in), so the probe counts real hits.
  const f = filterSql({ search, tagMode: 'any', dateField: 'added', trashed: false });
  return f.match ? (f.params[0] as string) : null;
}

/** One keyset page of the grid: never OFFSET, so page 500 costs what page 1 does. */
export function queryLibrary(
  sqlite: BetterSqlite3.Database,
  input: LibraryQueryInput,
): LibraryPageResult {
  const { filter, sort, limit } = input;
  if (sort.key === 'position' && !filter.collectionId) {
    throw new AppError(
      'invalid_input',
      'sort: position orders a collection, so it needs filter.collectionId',
    );
  }
  const probe = probeMatch(filter.search);
  const where = filterSql(filter, {
    searchAsFilter: probe !== null && isCommonSearch(sqlite, probe),
  });
  const expr = sortExpr[sort.key];
  const params: unknown[] = [];
  let from = 'assets a';
  if (sort.key === 'position') {
    from = 'assets a JOIN collection_assets ca ON ca.asset_id = a.id AND ca.collection_id = ?';
    params.push(filter.collectionId);
  }
  params.push(...where.params);
  // Stacking: versions whose original this view shows are held back (stacks.ts).
  let stackWhere = '';
  if (input.stacks) {
    const out = stackedOut(filter);
    stackWhere = ` AND ${out.sql}`;
    params.push(...out.params);
  }
  let keyset = '';
  if (input.cursor) {
    const c = decodeCursor(input.cursor, sort);
    keyset = ` AND (${expr}, a.rid) ${sort.dir === 'desc' ? '<' : '>'} (?, ?)`;
    params.push(c.value, c.rid);
  }
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  const sql = `SELECT ${gridColumns}, ${expr} AS sort_value FROM ${from}
    WHERE ${where.sql}${stackWhere}${keyset}
    ORDER BY ${expr} ${dir}, a.rid ${dir} LIMIT ${limit + 1}`;
  const rows = statements(sqlite).all(sql, params) as (GridRow & { sort_value: string | number })[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  let items = rows.map(toGridItem);
  if (where.terms.length && items.length) attachSnippets(sqlite, where.terms, rows, items);
  const last = rows[rows.length - 1];
  if (input.stacks && items.length)
    items = withStacks(sqlite, filter, items, new Set(input.expandedStacks), where.terms);
  return {
    items,
    nextCursor:
      more && last
        ? encodeCursor({ key: sort.key, dir: sort.dir, value: last.sort_value, rid: last.rid })
        : null,
  };
}

/**
 * Each stack top gets its stack's size; an expanded one is followed by its versions (outside the
 * keyset walk, so paging is unchanged).
 */
function withStacks(
  sqlite: BetterSqlite3.Database,
  filter: LibraryQueryInput['filter'],
  items: GridItem[],
  expanded: Set<string>,
  terms: FtsQuery['terms'],
): GridItem[] {
  // One walk down from every card on the page gives both the sizes and the open stacks' versions.
  const rows = stackMemberRows(
    sqlite,
    filter,
    items.map((i) => i.id),
  );
  if (!rows.length) return items;
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.top, (counts.get(r.top) ?? 0) + 1);
  const openRows = rows.filter((r) => expanded.has(r.top));
  const members = new Map<string, GridItem[]>();
  if (openRows.length) {
    const memberItems = openRows.map((r) => ({ ...toGridItem(r), stackOf: r.top }));
    if (terms.length) attachSnippets(sqlite, terms, openRows, memberItems);
    for (const m of memberItems) {
      const list = members.get(m.stackOf) ?? [];
      list.push(m);
      members.set(m.stackOf, list);
    }
  }
  const out: GridItem[] = [];
  for (const item of items) {
    const n = counts.get(item.id);
    if (!n) {
      out.push(item);
      continue;
    }
    const shown = members.get(item.id);
    out.push({ ...item, stack: { count: n, expanded: shown !== undefined } });
    if (shown) out.push(...shown);
  }
  return out;
}

/** The versions stacked under one asset (`library.stack`): what expanding its stack shows. */
export function stackMembers(
  sqlite: BetterSqlite3.Database,
  id: string,
  filter: LibraryQueryInput['filter'],
): GridItem[] {
  const where = filterSql(filter);
  const rows = stackMemberRows(sqlite, filter, [id]);
  const items: GridItem[] = rows.map((r) => ({ ...toGridItem(r), stackOf: r.top }));
  if (where.terms.length && items.length) attachSnippets(sqlite, where.terms, rows, items);
  return items;
}

const snippetFields = ['title', 'filename', 'prompt', 'notes', 'tags', 'gen', 'said'] as const;
/** Which field's snippet a card shows first when several matched. */
const snippetPreference = ['title', 'prompt', 'tags', 'gen', 'said', 'filename', 'notes'] as const;

function attachSnippets(
  sqlite: BetterSqlite3.Database,
  terms: FtsQuery['terms'],
  rows: GridRow[],
  items: GridItem[],
): void {
  // The FTS table holds exactly the indexed text, tags included; reading by rowid is a lookup.
  const texts = statements(sqlite).all(
    `SELECT rowid AS rid, ${snippetFields.join(', ')} FROM assets_fts WHERE rowid IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(rows.map((r) => r.rid))],
  ) as ({ rid: number } & Record<(typeof snippetFields)[number], string>)[];
  const byRid = new Map(texts.map((t) => [t.rid, t]));
  rows.forEach((r, i) => {
    const t = byRid.get(r.rid);
    if (!t) return;
    for (const field of snippetPreference) {
      const parts = highlight(t[field], terms);
      if (parts) {
        items[i]!.snippet = { field, parts };
        return;
      }
    }
  });
}
