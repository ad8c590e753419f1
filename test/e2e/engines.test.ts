import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../helpers/replayHttp';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();
let comfy: ReplayServer;
const shots = path.resolve('test-results/screens');

beforeAll(async () => {
  comfy = await new ReplayServer({
    'GET /system_stats': path.resolve('test/fixtures/engines/http/comfyui-system_stats.response'),
  }).start();
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await comfy?.stop();
});

describe('Settings → Engines in the browser', () => {
  it('tests a ComfyUI server before adding it, then lists it online as a pool beside this computer’s', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/settings');
    const servers = page.getByTestId('engine-servers');
    await expect.poll(() => servers.textContent()).toMatch(/None yet/);
    const form = page.getByTestId('add-server');
    await form.getByLabel('Kind').selectOption('comfyui');
    await form.getByLabel('Address').fill(comfy.url);
    await form.getByLabel('Name').fill('studio-pc');
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('test-result');
    await expect
      .poll(() => result.textContent())
      .toMatch(/Connected · version 0\.3\.64 · CPU only/);
    await form.getByRole('button', { name: 'Add server' }).click();
    const row = page.getByTestId('server-studio-pc');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(comfy.url);
    // The queue checked it: online, with what it runs.
    await expect
      .poll(() => row.locator('.dot').getAttribute('aria-label'), { timeout: 15_000 })
      .toBe('Online');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/version 0\.3\.64/);
    const slots = page.getByTestId('pool-slots');
    expect(await slots.textContent()).toMatch(/GPU.*CPU.*Disk/s);
    const state = await e2e.api<{ pools: { kind: string; online: boolean; label: string }[] }>(
      'jobs.queueState',
      {},
    );
    expect(state.pools.find((p) => p.kind === 'comfyui')).toMatchObject({
      online: true,
      label: "ComfyUI 'studio-pc'",
    });
    for (const [w, h] of [
      [1440, 900],
      [1280, 800],
      [1024, 700],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.getByTestId('engines-panel').scrollIntoViewIfNeeded();
        await page.getByTestId('engine-servers').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(shots, `engines-${w}-${scheme}.png`) });
      }
    }
    // A server typed wrong says what is wrong, in the engine's words.
    const closed = new ReplayServer({});
    await closed.start();
    await closed.stop();
    await form.getByLabel('Address').fill(`127.0.0.1:${closed.port}`);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => result.textContent()).toMatch(/cannot be reached \(ECONNREFUSED\)/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
