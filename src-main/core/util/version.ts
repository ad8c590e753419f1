import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

let cached: string | undefined;

/** The app version from package.json, found by walking up from this file (src or bundled out/). */
export function appVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'atelier' && pkg.version) return (cached = pkg.version);
    } catch {}
    dir = path.dirname(dir);
  }
  return (cached = '0.0.0');
}

/** The repository (or installed package) root: where package.json, migrations and resources live. */
export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
      };
      if (pkg.name === 'atelier') return dir;
    } catch {}
    dir = path.dirname(dir);
  }
  throw new Error('Cannot find the Atelier package root');
}
