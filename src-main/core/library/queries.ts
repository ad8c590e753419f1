import { sql } from 'kysely';
import { AppError } from '../../contract/errors';
import type { AssetDetail, AssetListInput, AssetPage } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { parseSearch } from '../browse/ftsQuery';
import { summaryColumns, toDetail, toSummary, type SummaryRow } from './assetRows';

interface Cursor {
  /** added_at + id for the newest-first order; rank + rid for search relevance. */
  a: string | number;
  b: string | number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (
      c &&
      (typeof c.a === 'string' || typeof c.a === 'number') &&
      (typeof c.b === 'string' || typeof c.b === 'number')
    )
      return c;
  } catch {}
  throw new AppError(
    'invalid_input',
    'The page cursor is not valid; start again from the first page',
  );
}

/**
 * A page of assets. Without search: newest first, keyset on (added_at, id) so every page costs
 * the same at any depth. With search: FTS5 hits in relevance order, keyset on (rank, rid).
 */
export async function listAssets(core: Atelier, input: AssetListInput): Promise<AssetPage> {
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  // The Library's own search (browse/ftsQuery.ts): the same words find the same assets.
  const search = input.search ? parseSearch(input.search) : null;
  const fts = search?.match
    ? search.exclude
      ? `(${search.match}) NOT (${search.exclude})`
      : search.match
    : null;
  let q = core.db.selectFrom('assets as a').where('a.deleted_at', 'is', null);
  if (input.type) q = q.where('a.type', '=', input.type);
  if (input.status) q = q.where('a.status', '=', input.status);
  if (input.provenance) q = q.where('a.provenance', '=', input.provenance);
  if (input.theme) q = q.where('a.theme', '=', input.theme);
  if (input.folderId) q = q.where('a.folder_id', '=', input.folderId);
  if (input.missing !== undefined) q = q.where('a.missing', '=', input.missing ? 1 : 0);
  if (input.hasPrompt === true) q = q.where('a.prompt', 'is not', null).where('a.prompt', '!=', '');
  if (input.hasPrompt === false)
    q = q.where((eb) => eb.or([eb('a.prompt', 'is', null), eb('a.prompt', '=', '')]));
  if (search && !search.match && search.exclude)
    q = q.where(
      sql<boolean>`a.rid NOT IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH ${search.exclude})`,
    );
  const cols = summaryColumns.map((c) => `a.${c}` as const);

  if (fts) {
    let fq = q
      .innerJoin(
        (eb) =>
          eb
            .selectFrom('assets_fts')
            .select([sql<number>`rowid`.as('rid'), sql<number>`rank`.as('rank')])
            .where(sql<boolean>`assets_fts MATCH ${fts}`)
            .as('f'),
        (join) => join.onRef('f.rid', '=', 'a.rid'),
      )
      .select([...cols, 'f.rank', 'a.rid']);
    if (cursor) {
      fq = fq.where((eb) =>
        eb.or([
          eb('f.rank', '>', Number(cursor.a)),
          eb.and([eb('f.rank', '=', Number(cursor.a)), eb('a.rid', '>', Number(cursor.b))]),
        ]),
      );
    }
    const rows = await fq
      .orderBy('f.rank')
      .orderBy('a.rid')
      .limit(input.limit + 1)
      .execute();
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toSummary(r as SummaryRow)),
      nextCursor:
        rows.length > input.limit && last ? encodeCursor({ a: last.rank, b: last.rid }) : null,
    };
  }

  let pq = q.select(cols);
  if (cursor) {
    pq = pq.where((eb) =>
      eb.or([
        eb('a.added_at', '<', String(cursor.a)),
        eb.and([eb('a.added_at', '=', String(cursor.a)), eb('a.id', '<', String(cursor.b))]),
      ]),
    );
  }
  const rows = await pq
    .orderBy('a.added_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toSummary(r as SummaryRow)),
    nextCursor:
      rows.length > input.limit && last ? encodeCursor({ a: last.added_at, b: last.id }) : null,
  };
}

export async function getAsset(core: Atelier, id: string): Promise<AssetDetail> {
  const row = await core.db
    .selectFrom('assets')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `No asset with id ${id}`);
  const copies = await core.db
    .selectFrom('asset_copies')
    .select(['path', 'missing', 'added_at'])
    .where('asset_id', '=', id)
    .orderBy('added_at')
    .limit(200)
    .execute();
  return toDetail(
    row,
    copies.map((c) => ({ path: c.path, missing: c.missing === 1, addedAt: c.added_at })),
  );
}
