import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where everything Atelier writes lives, apart from the creator's own media. */
export interface DataDirLayout {
  root: string;
  database: string;
  thumbs: string;
  outputs: string;
  exports: string;
  logs: string;
  tmp: string;
  /** Persistent work folders of resumable jobs (work/<jobId>/): start-up leaves them. */
  work: string;
  lock: string;
}

export function layoutOf(root: string): DataDirLayout {
  const abs = path.resolve(root);
  return {
    root: abs,
    database: path.join(abs, 'atelier.db'),
    thumbs: path.join(abs, 'thumbs'),
    outputs: path.join(abs, 'outputs'),
    exports: path.join(abs, 'exports'),
    logs: path.join(abs, 'logs'),
    tmp: path.join(abs, 'tmp'),
    work: path.join(abs, 'work'),
    lock: path.join(abs, 'atelier.lock'),
  };
}

export function ensureLayout(layout: DataDirLayout): void {
  for (const dir of [
    layout.root,
    layout.thumbs,
    layout.outputs,
    layout.exports,
    layout.logs,
    layout.tmp,
    layout.work,
  ]) {
    mkdirSync(dir, { recursive: true });
  }
}

/**
 * The data directory for serve mode and the CLI when none is given: ATELIER_DATA_DIR, else the
 * same folder Electron's userData would be, so the desktop app and the CLI share one library.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ATELIER_DATA_DIR) return path.resolve(env.ATELIER_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Atelier');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Atelier');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Atelier');
  }
}
