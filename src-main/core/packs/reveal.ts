import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { HostKind } from '../app/atelier';

/**
 * Opens the file manager at an export. Only where the user sits at this machine (desktop, CLI);
 * a serve host is usually headless or remote, so it just returns the path.
 */
export async function revealPath(file: string, host: HostKind): Promise<boolean> {
  if (host === 'serve' || !existsSync(file)) return false;
  try {
    if (process.platform === 'darwin') await execa('open', ['-R', file], { timeout: 10_000 });
    else if (process.platform === 'win32') await execa('explorer.exe', [`/select,${file}`], { timeout: 10_000, reject: false });
    else await execa('xdg-open', [path.dirname(file)], { timeout: 10_000, detached: true, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
