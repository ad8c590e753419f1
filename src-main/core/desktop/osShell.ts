import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Atelier, HostKind } from '../app/atelier';
import { launchDetached } from '../engines/runProgram';

/** What "show in folder" and "open with the default app" do on this host. */
export interface OsShell {
  reveal(file: string): Promise<boolean>;
  open(file: string): Promise<boolean>;
}

/**
 * The plain-Node fallback (CLI). Only where the user sits at this machine: a serve host is
 * usually headless or remote, so there it does nothing and the caller shows the path instead.
 */
export function processShell(host: HostKind): OsShell {
  const local = host !== 'serve';
  const run = (cmd: string, args: string[]) => launchDetached(cmd, args, 'desktop shell');
  return {
    async reveal(file) {
      if (!local || !existsSync(file)) return false;
      try {
        if (process.platform === 'darwin') return await run('open', ['-R', file]);
        if (process.platform === 'win32') return await run('explorer.exe', [`/select,${file}`]);
        return await run('xdg-open', [path.dirname(file)]);
      } catch {
        return false;
      }
    },
    async open(file) {
      if (!local || !existsSync(file)) return false;
      try {
        if (process.platform === 'darwin') return await run('open', [file]);
        // explorer.exe opens a file with its default app; `cmd /c start` would parse the name.
        if (process.platform === 'win32') return await run('explorer.exe', [file]);
        return await run('xdg-open', [file]);
      } catch {
        return false;
      }
    },
  };
}

const shells = new WeakMap<Atelier, OsShell>();

/** The Electron host installs shell.showItemInFolder / shell.openPath here. */
export function setOsShell(core: Atelier, shell: OsShell): void {
  shells.set(core, shell);
}

export function osShell(core: Atelier): OsShell {
  return shells.get(core) ?? processShell(core.host);
}
