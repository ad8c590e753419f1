import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StatusInfo } from '../../contract';
import { layoutOf } from '../../core/datadir/dataDir';
import { isDataDirLocked } from '../../core/datadir/lock';
import { readSchemaState } from '../../core/db/migrate';
import { openDatabase } from '../../core/db/open';
import { appVersion } from '../../core/util/version';
import { migrations } from '../../../migrations';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, type CliIO } from '../output';

export const statusHelp = `atelier status [--data-dir DIR] [--json]
  Version, data directory, database, schema version, asset count and watch folders.`;

export async function statusCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const dataDir = resolveDataDir(values['data-dir']);
  const layout = layoutOf(dataDir);
  let status: StatusInfo;
  if (existsSync(layout.database) && isDataDirLocked(layout.lock)) {
    // The app or a server holds this library: read it without taking the lock.
    status = await readOnlyStatus(layout.root, layout.database);
  } else {
    const core = await openForCli(dataDir, 'cli', false);
    try {
      const r = await createApi(core).invoke('system.status', {});
      if (!r.ok) throw new Error(r.error.message);
      status = r.value as StatusInfo;
    } finally {
      await core.dispose();
    }
  }
  if (values.json) {
    printJson(io, status);
    return 0;
  }
  io.out(`Atelier ${status.version}`);
  io.out(`  data dir       ${status.dataDir}`);
  io.out(`  database       ${status.databasePath}`);
  io.out(`  schema         ${status.schemaVersion} of ${status.latestSchemaVersion}`);
  io.out(`  assets         ${status.assetCount}`);
  io.out(`  watch folders  ${status.watchFolders.length === 0 ? 'none' : ''}`);
  for (const f of status.watchFolders) {
    io.out(
      `    ${f.enabled ? '●' : '○'} ${f.path}  (${f.assetCount} assets${f.recursive ? '' : ', top level only'})`,
    );
  }
  return 0;
}

async function readOnlyStatus(root: string, file: string): Promise<StatusInfo> {
  const state = readSchemaState(file, migrations);
  const { db, sqlite, close } = openDatabase(file, { readonly: true });
  try {
    const assetCount = (
      sqlite.prepare('SELECT count(*) n FROM assets WHERE deleted_at IS NULL').get() as {
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
        sqlite
          .prepare(
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
