import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serveWithBrowser } from './support/session';
import { writePng } from '../core/ingest/fixtures';
import type { ModelFileInfo, ModelInfo, PackSummary } from '../../src-main/contract';
import {
  modelDir,
  schemes,
  scrollAllToTop,
  viewports,
  writeCheckpoint,
  writeLora,
} from './support/generateWorld';

const e2e = serveWithBrowser();
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
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

describe('the Models page', () => {
  it('Scan lists what it found with the reason a file is not a model; filters by kind and family; the trigger token and non-commercial flag persist', async () => {
    const shots = path.resolve('test-results/screens');
    mkdirSync(shots, { recursive: true });
    const dataDir = e2e.serve.dataDir;
    writeCheckpoint(dataDir, 'dreamy-sd15');
    mkdirSync(path.join(modelDir(dataDir, 'checkpoints'), 'SDXL'));
    writeCheckpoint(dataDir, path.join('SDXL', 'juggernautXL'), 'sdxl');
    writeLora(dataDir, 'inkwash');
    writeFileSync(
      path.join(modelDir(dataDir, 'checkpoints'), 'notes.safetensors'),
      'these are my notes, not a model',
    );
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Models' })
      .click();
    const rows = page.getByTestId('model-row');
    const shown = () => rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-model')));
    await page.getByTestId('models-scan').click();
    const summary = page.getByTestId('models-scan-summary');
    await summary.waitFor();
    const [problem] = await api<ModelFileInfo[]>('models.files', { problemsOnly: true });
    expect(problem!.path).toMatch(/notes\.safetensors$/);
    // The folders are watched, so a scan may already have added them: counts of what is there.
    expect(await summary.getByRole('status').textContent()).toMatch(
      /^4 files · 3 models · \d added · \d changed · (< 0\.1|[\d.]+) s · 1 not usable$/,
    );
    expect(problem!.problem).toMatch(/not a safetensors file/);
    expect(await page.getByTestId('models-scan-problems').textContent()).toBe(
      `notes.safetensors: ${problem!.problem}`,
    );
    // The registry's three files and the two models the Library's images name.
    await poll(() => shown().then((r) => r.sort())).toEqual([
      'dreamy-sd15',
      'filmgrain',
      'inkwash',
      'juggernautxl',
      'sdxl_base',
    ]);

    // Filters: by kind, by family, both, and none matching.
    const kind = page.getByTestId('models-kind');
    const family = page.getByTestId('models-family');
    await kind.selectOption({ label: 'LoRAs' });
    await poll(() => shown().then((r) => r.sort())).toEqual(['filmgrain', 'inkwash']);
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-kind')))).toEqual([
      'lora',
      'lora',
    ]);
    await kind.selectOption({ label: 'Checkpoints' });
    await family.selectOption({ label: 'SDXL' });
    await poll(shown).toEqual(['juggernautxl']);
    await family.selectOption({ label: 'SD 1.5' });
    await poll(shown).toEqual(['dreamy-sd15']);
    await kind.selectOption({ label: 'LoRAs' });
    await poll(shown).toEqual(['inkwash']);
    await family.selectOption({ label: 'Flux' });
    await poll(() => page.getByTestId('models-page').textContent()).toMatch(/No model matches/);
    expect(await rows.count()).toBe(0);
    await family.selectOption({ label: 'All families' });
    await kind.selectOption({ label: 'All kinds' });
    await poll(() => rows.count()).toBe(5);

    // The LoRA's record: its trigger token from its training words, and its license.
    await rows
      .and(page.locator('[data-model="inkwash"]'))
      .getByRole('button', { name: 'inkwash' })
      .click();
    const panel = page.getByTestId('model-panel');
    await panel.waitFor();
    const token = panel.getByTestId('model-trigger-token');
    await poll(() => token.inputValue()).toBe('inkwash');
    expect(
      await panel.getByTestId('model-trigger-words').getByRole('button').allTextContents(),
    ).toEqual(['inkwash', 'ink painting', 'monochrome']);
    expect(await panel.getByTestId('model-files').textContent()).toContain('this computer');
    await panel
      .getByTestId('model-trigger-words')
      .getByRole('button', { name: 'ink painting' })
      .click();
    expect(await token.inputValue()).toBe('ink painting');
    await panel.getByTestId('model-noncommercial').check();
    await panel.getByTestId('model-license-note').fill('CC BY-NC 4.0');
    await panel.getByTestId('model-save').click();
    await poll(() => panel.getByRole('status').textContent()).toBe('Saved');
    expect(await api<ModelInfo>('models.get', { ref: 'inkwash' })).toMatchObject({
      triggerToken: 'ink painting',
      nonCommercial: true,
      licenseNote: 'CC BY-NC 4.0',
    });
    const row = rows.and(page.locator('[data-model="inkwash"]'));
    await poll(() => row.locator('.mdl-col-trigger').textContent()).toBe('ink painting');
    await poll(() => row.locator('.mdl-col-license').textContent()).toBe(
      'Non-commercialCC BY-NC 4.0',
    );

    await scrollAllToTop(page);
    for (const [w, h] of viewports)
      for (const scheme of schemes) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(shots, `models-${w}-${scheme}.png`) });
      }

    // A reload reads it back from the server; unticking persists too.
    await page.reload();
    await rows
      .and(page.locator('[data-model="inkwash"]'))
      .getByRole('button', { name: 'inkwash' })
      .click();
    await poll(() => panel.getByTestId('model-trigger-token').inputValue()).toBe('ink painting');
    expect(await panel.getByTestId('model-noncommercial').isChecked()).toBe(true);
    await panel.getByTestId('model-noncommercial').uncheck();
    await panel.getByTestId('model-save').click();
    await poll(
      async () => (await api<ModelInfo>('models.get', { ref: 'inkwash' })).nonCommercial,
    ).toBe(false);
    expect((await api<ModelInfo>('models.get', { ref: 'inkwash' })).triggerToken).toBe(
      'ink painting',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
