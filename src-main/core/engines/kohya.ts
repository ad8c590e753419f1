import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { which } from './ffmpeg';

/**
 * kohya sd-scripts, the creator's own install: Settings → Engines, then `ATELIER_KOHYA_DIR` and
 * `ATELIER_KOHYA_PYTHON`. The folder may be sd-scripts itself or a kohya_ss (GUI) folder that
 * holds it. Its Python is the one set, else the venv kohya's installers make beside it, else
 * `python3` on PATH. Never bundled.
 */
export interface ResolvedKohya {
  /** The folder with train_network.py. */
  dir: string | null;
  python: string | null;
  source: 'settings' | 'env' | 'missing';
  problem: string | null;
}

/** The sd-scripts folder inside `dir` (itself, or its sd-scripts/), or null. */
export function kohyaScriptsDir(dir: string): string | null {
  for (const d of [dir, path.join(dir, 'sd-scripts')]) {
    try {
      if (statSync(path.join(d, 'train_network.py')).isFile()) return d;
    } catch {}
  }
  return null;
}

function venvPython(dirs: string[]): string | null {
  const rel =
    process.platform === 'win32'
      ? ['venv/Scripts/python.exe', '.venv/Scripts/python.exe']
      : ['venv/bin/python', '.venv/bin/python'];
  for (const d of dirs)
    for (const r of rel) if (existsSync(path.join(d, r))) return path.join(d, r);
  return null;
}

export function resolveKohya(
  settings: { kohyaDir: string | null; kohyaPython: string | null },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKohya {
  const fromEnv = env.ATELIER_KOHYA_DIR?.trim() || null;
  const given = settings.kohyaDir ?? fromEnv;
  const source = settings.kohyaDir ? 'settings' : fromEnv ? 'env' : 'missing';
  if (!given)
    return {
      dir: null,
      python: null,
      source: 'missing',
      problem:
        'kohya sd-scripts is not set up: install it, then set its folder in Settings → Engines (or ATELIER_KOHYA_DIR). Only needed to train LoRAs.',
    };
  const dir = kohyaScriptsDir(given);
  if (!dir)
    return {
      dir: null,
      python: null,
      source,
      problem: `${given} holds no train_network.py (nor an sd-scripts folder that does). Point Settings → Engines at your kohya sd-scripts folder.`,
    };
  const python =
    settings.kohyaPython ??
    (env.ATELIER_KOHYA_PYTHON?.trim() || null) ??
    venvPython([dir, path.dirname(dir)]) ??
    which('python3', env) ??
    which('python', env);
  return {
    dir,
    python,
    source,
    problem: python
      ? null
      : `No Python was found for kohya in ${dir}: set its venv's python in Settings → Engines (or ATELIER_KOHYA_PYTHON).`,
  };
}
