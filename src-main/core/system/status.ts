import process from 'node:process';
import { sql } from 'kysely';
import type { StatusInfo, WatchFolderSummary } from '../../contract';
import { migrations } from '../../../migrations';
import type { Atelier } from '../app/atelier';
import { appVersion } from '../util/version';

export async function listWatchFolders(core: Atelier): Promise<WatchFolderSummary[]> {
  const rows = await core.db
    .selectFrom('watch_folders as f')
    .select((eb) => [
      'f.id',
      'f.path',
      'f.enabled',
      'f.recursive',
      eb
        .selectFrom('assets as a')
        .whereRef('a.folder_id', '=', 'f.id')
        .where('a.deleted_at', 'is', null)
        .select(sql<number>`count(*)`.as('n'))
        .as('asset_count'),
    ])
    .orderBy('f.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    enabled: r.enabled === 1,
    recursive: r.recursive === 1,
    assetCount: Number(r.asset_count ?? 0),
  }));
}

export async function getStatus(core: Atelier): Promise<StatusInfo> {
  const count = await core.db
    .selectFrom('assets')
    .where('deleted_at', 'is', null)
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return {
    app: 'Atelier',
    version: appVersion(),
    host: core.host,
    dataDir: core.layout.root,
    databasePath: core.layout.database,
    schemaVersion: core.schemaVersion,
    latestSchemaVersion: migrations.length,
    assetCount: Number(count.n),
    watchFolders: await listWatchFolders(core),
    startedAt: core.startedAt,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  };
}
