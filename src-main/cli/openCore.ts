import { openAtelier, type Atelier, type HostKind } from '../core/app/atelier';
import { defaultDataDir } from '../core/datadir/dataDir';
import '../core/api/services';
import { UsageError } from './output';

/** --data-dir, else ATELIER_DATA_DIR, else the desktop app's. An empty one is a mistake, not "default". */
export function resolveDataDir(flag: string | undefined): string {
  if (flag === undefined) return defaultDataDir();
  if (!flag.trim())
    throw new UsageError('--data-dir needs a folder (leave it out to use the default library)');
  return flag;
}

export async function openForCli(
  dataDir: string,
  host: HostKind,
  services: boolean,
): Promise<Atelier> {
  return openAtelier({ dataDir, host, services });
}
