import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail } from '../../src-main/contract/jobs';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();
const shots = path.resolve('test-results/screens');

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const media = path.join(e2e.serve.root, 'media');
  mkdirSync(media);
  for (const [name, color] of [
    ['red.png', { r: 200, g: 40, b: 40 }],
    ['teal.png', { r: 20, g: 160, b: 150 }],
  ] as const)
    await sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
      .png()
      .toFile(path.join(media, name));
  await e2e.api('ingest.importFiles', { paths: [media] });
});

describe('the Usage page', () => {
  it('shows what real jobs used, by model and by day, with the day’s GPU balance', async () => {
    const assets = await e2e.api<{ items: { id: string }[] }>('assets.list', { limit: 10 });
    const run = await e2e.api<{ jobId: string }>('process.run', {
      kind: 'upscale',
      assetIds: assets.items.map((a) => a.id),
      params: { engine: 'lanczos', scale: 2 },
    });
    await expect
      .poll(async () => (await e2e.api<JobDetail>('jobs.get', { id: run.jobId })).status, {
        timeout: 30_000,
      })
      .toBe('completed');
    const page = await e2e.browser.newPage();
    await page.goto(`${e2e.serve.openUrl}`);
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
    const table = page.getByTestId('usage-table');
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toMatch(/^lanczos2/);
    expect(await table.locator('tfoot').textContent()).toMatch(/^Total20%< 1 s/);
    expect(await page.getByTestId('gpu-balance').textContent()).toMatch(/GPU minutes used/);
    await page.getByRole('tab', { name: 'Day' }).click();
    await expect
      .poll(() => table.locator('tbody tr').first().textContent())
      .toMatch(/^\d{4}-\d{2}-\d{2}2/);
    await page.getByRole('tab', { name: 'Model' }).click();
    for (const [w, h] of [
      [1440, 900],
      [1280, 800],
      [1024, 700],
    ] as const)
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(shots, `usage-${w}-${scheme}.png`) });
      }
    await page.close();
  });
});
