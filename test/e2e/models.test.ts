import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serveWithBrowser } from './support/session';
import { writePng } from '../core/ingest/fixtures';
import type { ModelInfo, PackSummary } from '../../src-main/contract';

const e2e = serveWithBrowser();
const api = e2e.api;
let pack: PackSummary;

beforeAll(async () => {
  const media = path.join(e2e.serve.root, 'media');
  mkdirSync(media);
  const parameters = (seed: number) =>
    `a cabin in the woods, <lora:filmGrain:0.6>\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: ${seed}, Size: 256x192, Model hash: 31e35c80fc, Model: sdxl_base, Version: v1.9.4`;
  for (let i = 0; i < 3; i++)
    await writePng(path.join(media, `cabin_${i}.png`), {
      w: 256,
      h: 192,
      seed: i + 1,
      texts: [{ key: 'parameters', text: parameters(i), kind: 'tEXt' }],
    });
  await writePng(path.join(media, 'photo.png'), { w: 256, h: 192, seed: 9 });
  await api('ingest.importFiles', { paths: [media] });
  await api('settings.update', { ownerName: 'E2E Studio', supportContact: 'help@e2e.example' });
  pack = await api<PackSummary>('packs.create', {
    name: 'Cabins',
    licenseType: 'commercial',
    description: 'Cosy cabins.',
  });
  const assets = await api<{ items: { id: string }[] }>('assets.list', { limit: 10 });
  await api('packs.addAssets', { packId: pack.id, assetIds: assets.items.map((a) => a.id) });
});

describe('model licenses in the browser', () => {
  it('marking a model non-commercial in the pack blocks the commercial export, and unmarking clears it', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/packs');
    await page.locator(`[data-pack-id="${pack.id}"]`).click();
    const card = page.getByTestId('model-licenses');
    await expect.poll(() => card.locator('.model-row').count()).toBe(2);
    // Equally used (3 assets each): by name.
    expect(
      await card
        .locator('.model-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model'))),
    ).toEqual(['filmgrain', 'sdxl_base']);
    await expect
      .poll(() => card.locator('[data-model="filmgrain"] .mcount').textContent())
      .toBe('3 assets');
    expect(await page.locator('.pack-issue[data-code="noncommercial_model"]').count()).toBe(0);

    await card.locator('[data-model="sdxl_base"]').getByLabel('Non-commercial').check();
    const issue = page.locator('.pack-issue[data-code="noncommercial_model"]');
    await expect.poll(() => issue.count()).toBe(1);
    expect(await issue.textContent()).toMatch(
      /3 AI-generated assets were made with sdxl_base, marked non-commercial, in a commercial pack/,
    );
    await card.getByLabel('License of sdxl_base').fill('research only');
    await card.getByLabel('License of sdxl_base').press('Enter');
    await expect
      .poll(async () => (await api<ModelInfo[]>('models.list', { search: 'sdxl' }))[0]?.licenseNote)
      .toBe('research only');
    await page.screenshot({ path: path.join('test-results', 'models-pack.png'), fullPage: true });

    // The export refuses while the error stands.
    const r = await api<{ exportId: string }>('packs.export', { packId: pack.id, options: {} });
    await expect
      .poll(
        async () =>
          (
            await api<{ id: string; status: string; error: string | null }[]>('packs.exports', {
              packId: pack.id,
            })
          ).find((e) => e.id === r.exportId)?.error ?? '',
      )
      .toMatch(/blocked: .*sdxl_base, marked non-commercial/);

    await card.locator('[data-model="sdxl_base"]').getByLabel('Non-commercial').uncheck();
    await expect.poll(() => issue.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Settings lists every model the Library names, searchable, with what is recorded', async () => {
    await api('models.setLicense', {
      name: 'filmGrain',
      nonCommercial: true,
      licenseNote: 'CC BY-NC 4.0',
    });
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/settings');
    const card = page.getByTestId('model-licenses');
    await expect.poll(() => card.locator('.model-row').count()).toBe(2);
    expect(
      await card.locator('[data-model="filmgrain"]').getByLabel('Non-commercial').isChecked(),
    ).toBe(true);
    expect(await card.getByLabel('License of filmGrain').inputValue()).toBe('CC BY-NC 4.0');
    await expect.poll(() => card.locator('h2').textContent()).toMatch(/2 · 1 non-commercial/);
    await card.locator('.model-row').first().scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join('test-results', 'models-settings.png') });
    await card.getByLabel('Search models').fill('grain');
    await expect.poll(() => card.locator('.model-row').count()).toBe(1);
    await card.getByLabel('Search models').fill('nothing like it');
    await expect.poll(() => card.textContent()).toMatch(/No model matches/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
