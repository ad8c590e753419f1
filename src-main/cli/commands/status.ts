import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StatusInfo } from '../../contract';
import { layoutOf } from '../../core/datadir/dataDir';
import { isDataDirLocked } from '../../core/datadir/lock';
import { createApi } from '../../core/api/dispatch';
import { readOnlyStatus } from '../../core/api/host';
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
