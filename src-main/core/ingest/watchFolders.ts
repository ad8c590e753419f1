import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { AppError } from '../../contract/errors';
import type { ProvenanceName, WatchFolderDetail } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { nowIso, uuidv7 } from '../util/ids';
import { statements } from '../db/statements';

const INBOX_CREATED_KEY = 'ingest.inboxCreated';

export interface FolderPatch {
  enabled?: boolean;
  recursive?: boolean;
  defaultTheme?: string | null;
  defaultSource?: string | null;
  defaultProvenance?: ProvenanceName | null;
}

/** Errors the watcher met per folder id (missing folder, inotify limit); kept in memory. */
const watchErrors = new WeakMap<Atelier, Map<string, string>>();
export function folderWatchErrors(core: Atelier): Map<string, string> {
  let m = watchErrors.get(core);
  if (!m) watchErrors.set(core, (m = new Map<string, string>()));
  return m;
}

export async function folderDetails(core: Atelier): Promise<WatchFolderDetail[]> {
  const rows = await core.db
    .selectFrom('watch_folders as f')
    .selectAll('f')
    .select((eb) =>
      eb
        .selectFrom('assets as a')
        .whereRef('a.folder_id', '=', 'f.id')
        .where('a.deleted_at', 'is', null)
        .select(sql<number>`count(*)`.as('n'))
        .as('asset_count'),
    )
    .orderBy('f.is_inbox', 'desc')
    .orderBy('f.created_at')
    .execute();
  const errors = folderWatchErrors(core);
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    enabled: r.enabled === 1,
    recursive: r.recursive === 1,
    isInbox: r.is_inbox === 1,
    defaultTheme: r.default_theme,
    defaultSource: r.default_source,
    defaultProvenance: r.default_provenance,
    lastScanAt: r.last_scan_at,
    assetCount: Number(r.asset_count ?? 0),
    watchError: errors.get(r.id) ?? null,
  }));
}

export async function folderDetail(core: Atelier, id: string): Promise<WatchFolderDetail> {
  const f = (await folderDetails(core)).find((d) => d.id === id);
  if (!f) throw new AppError('not_found', `No watch folder with id ${id}`);
  return f;
}

/** The default Inbox, made once on first run; a user who removes it does not get it back. */
export async function ensureInbox(core: Atelier): Promise<string | null> {
  const existing = await core.db
    .selectFrom('watch_folders')
    .select('id')
    .where('is_inbox', '=', 1)
    .executeTakeFirst();
  if (existing) return existing.id;
  const made = await core.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', INBOX_CREATED_KEY)
    .executeTakeFirst();
  if (made) return null;
  const dir = path.resolve(process.env.ATELIER_INBOX_DIR || path.join(core.layout.root, 'Inbox'));
  mkdirSync(dir, { recursive: true });
  const at = nowIso();
  const id = uuidv7();
  await core.db.transaction().execute(async (trx) => {
    const clash = await trx
      .selectFrom('watch_folders')
      .select('id')
      .where('path', '=', dir)
      .executeTakeFirst();
    if (clash)
      await trx
        .updateTable('watch_folders')
        .set({ is_inbox: 1, updated_at: at })
        .where('id', '=', clash.id)
        .execute();
    else
      await trx
        .insertInto('watch_folders')
        .values({
          id,
          path: dir,
          is_inbox: 1,
          enabled: 1,
          recursive: 1,
          default_theme: null,
          default_source: null,
          default_provenance: null,
          last_scan_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
    await trx
      .insertInto('settings')
      .values({ key: INBOX_CREATED_KEY, value: 'true', updated_at: at })
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
  const row = await core.db
    .selectFrom('watch_folders')
    .select('id')
    .where('is_inbox', '=', 1)
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addFolder(
  core: Atelier,
  rawPath: string,
  patch: FolderPatch,
): Promise<string> {
  const dir = path.resolve(rawPath);
  let s;
  try {
    s = statSync(dir);
  } catch {
    throw new AppError('not_found', `Folder not found: ${dir}`);
  }
  if (!s.isDirectory()) throw new AppError('invalid_input', `Not a folder: ${dir}`);
  if (
    path.resolve(dir) === path.resolve(core.layout.root) ||
    (dir.startsWith(core.layout.root + path.sep) &&
      !dir.startsWith(path.join(core.layout.root, 'Inbox')))
  ) {
    throw new AppError(
      'invalid_input',
      'Atelier’s own data folder cannot be watched (thumbnails would be ingested)',
    );
  }
  const taken = await core.db
    .selectFrom('watch_folders')
    .select('id')
    .where('path', '=', dir)
    .executeTakeFirst();
  if (taken) throw new AppError('conflict', `Already watching ${dir}`);
  const at = nowIso();
  const id = uuidv7();
  await core.db
    .insertInto('watch_folders')
    .values({
      id,
      path: dir,
      enabled: 1,
      recursive: patch.recursive === false ? 0 : 1,
      is_inbox: 0,
      default_theme: patch.defaultTheme ?? null,
      default_source: patch.defaultSource ?? null,
      default_provenance: patch.defaultProvenance ?? null,
      last_scan_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  // Files already in the library that live under this folder now belong to it.
  adoptAssets(core, id, dir, patch.recursive !== false);
  return id;
}

function adoptAssets(core: Atelier, id: string, dir: string, recursive: boolean): void {
  const prefix = dir + path.sep;
  // A range over the unique path index: '0' is the character after the separator '/'.
  const end = dir + String.fromCharCode(path.sep.charCodeAt(0) + 1);
  const rows = statements(core.sqlite)
    .get('SELECT id, path FROM assets WHERE path > ? AND path < ? AND folder_id IS NULL')
    .all(prefix, end) as { id: string; path: string }[];
  const set = statements(core.sqlite).get('UPDATE assets SET folder_id = ? WHERE id = ?');
  core.sqlite.transaction(() => {
    for (const r of rows) if (recursive || path.dirname(r.path) === dir) set.run(id, r.id);
  })();
}

export async function updateFolder(core: Atelier, id: string, patch: FolderPatch): Promise<void> {
  const values: Record<string, unknown> = { updated_at: nowIso() };
  if (patch.enabled !== undefined) values.enabled = patch.enabled ? 1 : 0;
  if (patch.recursive !== undefined) values.recursive = patch.recursive ? 1 : 0;
  if (patch.defaultTheme !== undefined) values.default_theme = patch.defaultTheme || null;
  if (patch.defaultSource !== undefined) values.default_source = patch.defaultSource || null;
  if (patch.defaultProvenance !== undefined) values.default_provenance = patch.defaultProvenance;
  const r = await core.db
    .updateTable('watch_folders')
    .set(values)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0)
    throw new AppError('not_found', `No watch folder with id ${id}`);
}

export async function removeFolder(core: Atelier, id: string): Promise<void> {
  // Assets keep their rows and curation; folder_id is cleared by ON DELETE SET NULL.
  const r = await core.db.deleteFrom('watch_folders').where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0)
    throw new AppError('not_found', `No watch folder with id ${id}`);
  folderWatchErrors(core).delete(id);
}
