import { openAtelier, type Atelier, type HostKind } from '../core/app/atelier';
import { defaultDataDir } from '../core/datadir/dataDir';
import '../core/api/services';

export function resolveDataDir(flag: string | undefined): string {
  return flag ? flag : defaultDataDir();
}

export async function openForCli(
  dataDir: string,
  host: HostKind,
  services: boolean,
): Promise<Atelier> {
  return openAtelier({ dataDir, host, services });
}
