import { existsSync, mkdirSync } from 'node:fs';
import { AppError } from '../../contract/errors';
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
  /** Model folders by kind (checkpoints/, loras/, vaes/, upscalers/), scanned with any others set. */
  models: string;
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
    models: path.join(abs, 'models'),
    lock: path.join(abs, 'atelier.lock'),
  };
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir loops forever under /proc (which answers
 * ENOENT for a folder it will never let exist), and a plain error beats a hang.
 */
function makeDir(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST') continue;
      throw new AppError(
        'invalid_input',
        `Cannot create the data folder ${dir}: ${e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : (e.code ?? e.message)}. Choose another folder with --data-dir.`,
      );
    }
  }
}

/** The data dir's own model folders, one per kind. */
export const modelKindFolders = ['checkpoints', 'loras', 'vaes', 'upscalers'] as const;

export function ensureLayout(layout: DataDirLayout): void {
  for (const dir of [
    layout.root,
    layout.thumbs,
    layout.outputs,
    layout.exports,
    layout.logs,
    layout.tmp,
    layout.work,
    layout.models,
    ...modelKindFolders.map((k) => path.join(layout.models, k)),
  ]) {
    makeDir(dir);
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
