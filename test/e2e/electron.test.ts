import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { tempDir } from '../helpers/tempDir';

/** Where `npm install` put the Electron binary, or why there is none. */
function electronBinary(): { path: string | null; reason: string } {
  try {
    const p = createRequire(import.meta.url)('electron') as string;
    if (typeof p === 'string' && existsSync(p)) return { path: p, reason: '' };
    return {
      path: null,
      reason:
        'the Electron binary was not downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)',
    };
  } catch (err) {
    return {
      path: null,
      reason: `the electron package has no binary here: ${(err as Error).message.split('\n')[0]}`,
    };
  }
}

const bin = electronBinary();
const hasDisplay = !!process.env.DISPLAY;
if (!bin.path) console.warn(`[e2e] Electron journey skipped: ${bin.reason}.`);
else if (!hasDisplay)
  console.warn('[e2e] Electron journey skipped: no DISPLAY (run under xvfb-run).');

describe.skipIf(!bin.path || !hasDisplay)('the desktop app through Electron', () => {
  it('opens a window on a fresh data dir and shows the live status', async () => {
    const build = spawnSync('npx', ['electron-vite', 'build', '-c', './vite.config.ts'], {
      stdio: 'inherit',
    });
    expect(build.status).toBe(0);
    const t = tempDir('atelier-electron-');
    const app = await electron.launch({
      executablePath: bin.path!,
      args: ['.', '--no-sandbox'],
      env: { ...process.env, ATELIER_DATA_DIR: t.dir },
    });
    try {
      const win = await app.firstWindow();
      await expect
        .poll(() => win.getByTestId('sidebar-status').textContent())
        .toMatch(/assets · v/);
      // The preload exposes only invoke, on and pathForFile.
      expect(
        await win.evaluate(() =>
          Object.keys((window as unknown as { atelier?: object }).atelier ?? {}).sort(),
        ),
      ).toEqual(['invoke', 'on', 'pathForFile']);
      expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
    } finally {
      await app.close();
      t.cleanup();
    }
  });
});
