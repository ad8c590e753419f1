// `npm start` / `npm run dev`: electron-vite needs the Electron binary, which an install with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 (or one whose download failed) does not have. electron-vite
// then says only "Electron uninstall"; say what is missing and how to get it instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const mode = process.argv[2] === 'dev' ? 'dev' : 'preview';
const require = createRequire(import.meta.url);

function electronProblem() {
  try {
    require('electron');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const problem = electronProblem();
if (problem) {
  console.error(`The Electron binary is not installed, so the desktop app cannot start.
(${problem})

It is skipped when ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set, or when its download fails.
To get it, on a machine that can reach Electron's download host (github.com):

  node node_modules/electron/install.js

Without it, everything else works: run Atelier in your browser with

  npm run atelier -- serve
`);
  process.exit(1);
}
const bin = path.join(
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite',
);
const r = spawnSync(bin, [mode, '-c', './vite.config.ts'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
