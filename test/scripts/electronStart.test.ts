import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const hasBinary = (() => {
  try {
    createRequire(import.meta.url)('electron');
    return true;
  } catch {
    return false;
  }
})();

describe('npm start without the Electron binary', () => {
  it.skipIf(hasBinary)('says what is missing and how to get it, or how to run in a browser', () => {
    const r = spawnSync(process.execPath, ['scripts/electron.mjs', 'preview'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/The Electron binary is not installed/);
    expect(r.stderr).toMatch(/node node_modules\/electron\/install\.js/);
    expect(r.stderr).toMatch(/npm run atelier -- serve/);
    expect(r.stderr).not.toMatch(/Electron uninstall/);
  });
});
