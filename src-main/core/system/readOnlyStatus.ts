import type { StatusInfo } from '../../contract';
import { migrations } from '../../../migrations';
import { readSchemaState } from '../db/migrate';
import { openDatabase } from '../db/open';
import { statements } from '../db/statements';
import { appVersion } from '../util/version';

/**
 * The status of a library another Atelier holds (the app, a server): read without taking its
 * lock, from a read-only connection, so `atelier status` works beside a running app.
 */
export async function readOnlyStatus(root: string, file: string): Promise<StatusInfo> {
  const state = readSchemaState(file, migrations);
  const { db, sqlite, close } = openDatabase(file, { readonly: true });
  try {
    const assetCount = (
      statements(sqlite).get('SELECT count(*) n FROM assets WHERE deleted_at IS NULL').get() as {
        n: number;
      }
    ).n;
    const folders = await db
      .selectFrom('watch_folders')
      .select(['id', 'path', 'enabled', 'recursive'])
      .orderBy('created_at')
      .execute();
    const counts = new Map(
      (
        statements(sqlite)
          .get(
            'SELECT folder_id, count(*) n FROM assets WHERE deleted_at IS NULL GROUP BY folder_id',
          )
          .all() as {
          folder_id: string;
          n: number;
        }[]
      ).map((r) => [r.folder_id, r.n]),
    );
    return {
      app: 'Atelier',
      version: appVersion(),
      host: 'cli',
      dataDir: root,
      databasePath: file,
      schemaVersion: state.applied.length,
      latestSchemaVersion: migrations.length,
      assetCount,
      watchFolders: folders.map((f) => ({
        id: f.id,
        path: f.path,
        enabled: f.enabled === 1,
        recursive: f.recursive === 1,
        assetCount: counts.get(f.id) ?? 0,
      })),
      startedAt: new Date().toISOString(),
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    };
  } finally {
    await close();
  }
}
