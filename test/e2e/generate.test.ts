import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetDetail } from '../../src-main/contract/library';
import type { OrderDetail, OrderSummary } from '../../src-main/contract/generate';
import type { ComfyFake } from '../fakes/comfyFake';
import {
  addComfy,
  schemes,
  scrollAllToTop,
  sdCliWithSwitch,
  viewports,
  writeCheckpoint,
  writeLora,
} from './support/generateWorld';
import { serveWithBrowser } from './support/session';
import { ofOrder, watchTiles } from './support/tileWatch';

const e2e = serveWithBrowser();
const api = e2e.api;
const shots = path.resolve('test-results/screens');
let comfy: ComfyFake;
let sdcli: ReturnType<typeof sdCliWithSwitch>;
let page: Page;
const errors: string[] = [];
/** The first order (ComfyUI, 3 images), made in the first test and used by the next ones. */
let first: OrderDetail;
let opened: AssetDetail;

const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(fn, { timeout, interval: 50 });
const tid = (id: string) => page.getByTestId(id);
const card = (orderId: string) =>
  page.locator(`[data-testid=order-card][data-order-id="${orderId}"]`);
const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
const orders = () => api<OrderSummary[]>('orders.list', { limit: 50 });
const order = (id: string) => api<OrderDetail>('orders.get', { id });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const dataDir = e2e.serve.dataDir;
  writeCheckpoint(dataDir, 'dreamy-sd15');
  writeCheckpoint(dataDir, 'retired-sd15');
  writeLora(dataDir, 'inkwash');
  sdcli = sdCliWithSwitch(e2e.serve.root);
  await api('engines.update', { sdcppPath: sdcli.path });
  // The LoRA is on the server too (same file name), so orders on its checkpoint may use it.
  comfy = await addComfy(api, {
    name: 'studio-pc',
    imageMs: 300,
    previews: true,
    checkpoints: ['tiny-sd15.safetensors'],
    loras: ['inkwash.safetensors'],
  });
  const scan = await api<{ serverProblems: unknown[] }>('models.scan', {});
  expect(scan.serverProblems).toEqual([]);
  page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(e2e.serve.openUrl);
});
afterAll(async () => {
  await comfy?.stop();
});

describe('Generate in the browser', () => {
  it('orders 3 images with a LoRA and its trigger word; each tile goes waiting → generating (live preview) → done; a tile opens its image in the Library', async () => {
    await nav('Generate').click();
    await tid('generate-page').waitFor();
    // No order yet: the column says what to do.
    await poll(() => tid('gen-orders').textContent()).toMatch(/No orders yet/);

    // The model on the ComfyUI server.
    const model = tid('gen-model');
    await poll(() => model.locator('option', { hasText: 'tiny-sd15' }).count()).toBe(1);
    await model.selectOption({ label: 'tiny-sd15' });
    // Its LoRA, then a trigger word from its training tags.
    await tid('gen-lora-add').selectOption({ label: 'inkwash' });
    const lora = tid('gen-lora-row');
    await poll(() => lora.count()).toBe(1);
    const chips = lora.getByTestId('gen-trigger-chip');
    expect(await chips.allTextContents()).toEqual(['inkwash', 'ink painting', 'monochrome']);
    await chips.filter({ hasText: 'ink painting' }).click();
    const prompt = tid('gen-prompt');
    expect(await prompt.inputValue()).toBe('ink painting');
    // The rest of the prompt, typed after the trigger word.
    await prompt.click();
    await page.keyboard.press('End');
    await page.keyboard.type(', a lighthouse on a cliff at dusk');
    expect(await prompt.inputValue()).toBe('ink painting, a lighthouse on a cliff at dusk');
    await poll(() => tid('gen-prompt-tokens').textContent()).toMatch(/≈ \d+ \/ 75 tokens/);

    // A size preset: the fields and the pressed state follow.
    const preset = tid('gen-size-preset').and(page.locator('[data-size="768x768"]'));
    await preset.click();
    expect(await preset.getAttribute('aria-pressed')).toBe('true');
    await poll(() => tid('gen-width').inputValue()).toBe('768');
    await poll(() => tid('gen-height').inputValue()).toBe('768');

    await tid('gen-seed').fill('4242');
    await tid('gen-count').fill('3');
    expect(await tid('gen-generate').textContent()).toMatch(/Generate 3 images/);

    // The confirm step: how many, and where they run.
    await tid('gen-generate').click();
    const summary = tid('gen-confirm-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(
      /^3 images · 768×768 · tiny-sd15 · on ComfyUI 'studio-pc'/,
    );
    expect(await tid('gen-confirm').textContent()).toMatch(/Seed 4242–4244/);
    expect(await tid('gen-confirm').textContent()).toMatch(/LoRAs: inkwash 1/);

    // Slow enough per image that each tile is seen generating with its preview.
    comfy.imageMs = 1200;
    const history = await watchTiles(page);
    await tid('gen-queue').click();
    const cardEl = tid('order-card').first();
    await cardEl.waitFor();
    const orderId = (await cardEl.getAttribute('data-order-id'))!;
    first = await order(orderId);
    expect(first).toMatchObject({ engine: 'comfyui', itemCount: 3 });
    expect(first.params).toMatchObject({
      prompt: 'ink painting, a lighthouse on a cliff at dusk',
      width: 768,
      height: 768,
      seed: 4242,
      loras: [{ model: expect.any(String), weight: 1 }],
    });
    expect(first.items.map((i) => i.params.seed)).toEqual([4242, 4243, 4244]);
    // The form is back, ready for the next order, still holding what was typed.
    await tid('gen-generate').waitFor();
    expect(await prompt.inputValue()).toBe('ink painting, a lighthouse on a cliff at dusk');

    const tiles = card(orderId).getByTestId('order-item');
    await poll(() => card(orderId).getAttribute('data-status'), 30_000).toBe('fulfilled');
    await poll(() => tiles.evaluateAll((t) => t.map((x) => x.getAttribute('data-status')))).toEqual(
      ['complete', 'complete', 'complete'],
    );
    comfy.imageMs = 300;
    const seen = ofOrder(await history(), orderId);
    for (const seq of [1, 2, 3])
      expect(seen.statuses[seq]).toEqual(['pending', 'generating', 'complete']);
    expect(seen.previews.length).toBeGreaterThan(0);
    expect(await card(orderId).getByTestId('order-status').textContent()).toBe('Done');
    expect(await card(orderId).getByTestId('order-counts').textContent()).toBe('3 of 3');
    // Thumbnails, loaded.
    await poll(() =>
      card(orderId)
        .locator('[data-testid=order-item-open] img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)),
    ).toEqual([true, true, true]);

    // The third image, in the Library, selected with its details open.
    const done = await order(orderId);
    const assetId = done.items[2]!.assetIds[0]!;
    opened = await api<AssetDetail>('assets.get', { id: assetId });
    await tiles.nth(2).getByTestId('order-item-open').click();
    await poll(() => nav('Library').getAttribute('aria-current')).toBe('page');
    const libCard = page.locator(`[data-testid=lib-card][data-id="${assetId}"]`);
    await poll(() => libCard.getAttribute('aria-selected')).toBe('true');
    const detail = tid('detail-panel');
    await poll(() => detail.textContent()).toContain(
      'ink painting, a lighthouse on a cliff at dusk',
    );
    expect(await detail.locator('.detail-title').textContent()).toBe(
      opened.title || opened.filename,
    );
    expect(errors).toEqual([]);
  });

  it('Remix from the Library fills the form with the image’s prompt, seed and LoRA; img2img from this adds it as the init image', async () => {
    // Something else in the form first, so the remix has to replace it.
    await nav('Generate').click();
    await tid('gen-prompt').fill('a different idea');
    await tid('gen-seed').fill('7');
    await tid('gen-lora-remove').click();
    await poll(() => tid('gen-lora-row').count()).toBe(0);

    await nav('Library').click();
    const detail = tid('detail-panel');
    await poll(() => detail.getByTestId('remix-asset').count()).toBe(1);
    await detail.getByTestId('remix-asset').click();
    await tid('generate-page').waitFor();
    await poll(() => tid('gen-prompt').inputValue()).toBe(
      'ink painting, a lighthouse on a cliff at dusk',
    );
    expect(opened.seed).toBe('4244');
    expect(await tid('gen-seed').inputValue()).toBe('4244');
    expect(await tid('gen-width').inputValue()).toBe('768');
    expect(await tid('gen-model').inputValue()).toBe(first.model!.id);
    await poll(() => tid('gen-lora-row').allTextContents()).toEqual([
      expect.stringContaining('inkwash'),
    ]);
    // Everything was found here: no notes about what could not be carried over.
    expect(await tid('gen-prefill-notes').count()).toBe(0);
    expect(await tid('gen-init-thumb').count()).toBe(0);

    await nav('Library').click();
    await poll(() => detail.getByTestId('img2img-asset').count()).toBe(1);
    await detail.getByTestId('img2img-asset').click();
    await tid('generate-page').waitFor();
    const thumb = tid('gen-init-thumb');
    await thumb.waitFor();
    await poll(() => thumb.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(
      0,
    );
    expect(await thumb.getAttribute('alt')).toBe(`Init image: ${opened.filename}`);
    expect(await tid('gen-seed').inputValue()).toBe('4244');
    expect(await tid('gen-init-strength').inputValue()).toBe('0.75');
    expect(errors).toEqual([]);
  });

  it('a refused order shows the server’s reason beside the form and keeps the form; a count of 0 is caught before sending', async () => {
    await tid('gen-init-remove').click();
    const before = (await orders()).length;
    const model = tid('gen-model');
    await model.selectOption({ label: 'dreamy-sd15' });
    await tid('gen-prompt').fill('a quiet harbour');

    // 0 images: the field says so, nothing is sent.
    await tid('gen-count').fill('0');
    await tid('gen-generate').click();
    await poll(() => tid('gen-invalid').textContent()).toBe('Check Images.');
    expect(await page.locator('#gen-count-error').textContent()).toMatch(
      /Images: a whole number, 1–10,000/,
    );
    expect(await tid('gen-confirm').count()).toBe(0);
    await tid('gen-count').fill('2');
    expect(await tid('gen-invalid').count()).toBe(0);

    // A local-only model sent to the ComfyUI server: the server says why it refuses.
    await tid('gen-engine').selectOption({ label: "ComfyUI 'studio-pc'" });
    await tid('gen-generate').click();
    await poll(() => tid('gen-confirm-summary').textContent()).toMatch(/on ComfyUI 'studio-pc'$/);
    await tid('gen-queue').click();
    const error = tid('gen-error');
    await poll(() => error.textContent()).toBe(
      "The order was not queued. Cannot generate with “dreamy-sd15” there: “dreamy-sd15” is not on 'studio-pc' (scan the models after adding it there).",
    );
    expect(await tid('gen-prompt').inputValue()).toBe('a quiet harbour');
    expect(await tid('gen-count').inputValue()).toBe('2');
    expect(await tid('gen-generate').isEnabled()).toBe(true);
    expect((await orders()).length).toBe(before);

    // A model whose file went away since the form listed it.
    await tid('gen-engine').selectOption({ value: '' });
    await model.selectOption({ label: 'retired-sd15' });
    rmSync(path.join(e2e.serve.dataDir, 'models', 'checkpoints', 'retired-sd15.safetensors'));
    await api('models.scan', {});
    await poll(() => model.locator('option', { hasText: 'not found here' }).textContent()).toBe(
      'retired-sd15 (not found here)',
    );
    await tid('gen-generate').click();
    await tid('gen-queue').click();
    await poll(() => error.textContent()).toMatch(
      /^The order was not queued\. No engine can generate with “retired-sd15”: .*“retired-sd15” is not in a model folder on this computer\.$/,
    );
    expect(await tid('gen-prompt').inputValue()).toBe('a quiet harbour');
    expect((await orders()).length).toBe(before);
    await error.getByRole('button', { name: 'Dismiss the error' }).click();
    expect(await error.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('with a finished order and one running (sd-cli in real time): screens, then Cancel stops it and keeps what was made', async () => {
    sdcli.setEnv({ FAKE_SDCLI_SPEED: 1 });
    await tid('gen-model').selectOption({ label: 'dreamy-sd15' });
    await tid('gen-prompt').fill('inkwash, a harbour at night, lanterns');
    await tid('gen-count').fill('4');
    await tid('gen-seed').fill('100');
    await tid('gen-generate').click();
    await poll(() => tid('gen-confirm-summary').textContent()).toMatch(
      /^4 images · 512×512 · dreamy-sd15 · on stable-diffusion\.cpp on this computer/,
    );
    const history = await watchTiles(page);
    await tid('gen-queue').click();
    const running = tid('order-card').first();
    await poll(() => running.getAttribute('data-order-id')).not.toBe(first.id);
    const id = (await running.getAttribute('data-order-id'))!;
    expect((await order(id)).engine).toBe('sdcpp');
    // One made, the next one under way.
    await poll(
      () => running.locator('[data-testid=order-item][data-status=complete]').count(),
      30_000,
    ).toBeGreaterThanOrEqual(1);
    await poll(
      () => running.locator('[data-testid=order-item][data-status=generating]').count(),
      30_000,
    ).toBe(1);
    await poll(() => running.getByTestId('order-status').textContent()).toBe('Generating');
    // The top of the form (model, LoRAs, prompt) in view, as the page opens.
    await scrollAllToTop(page);
    for (const [w, h] of viewports)
      for (const scheme of schemes) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(shots, `generate-${w}-${scheme}.png`) });
      }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await card(first.id).getAttribute('data-status')).toBe('fulfilled');

    await running.getByTestId('order-cancel').click();
    await poll(() => running.getAttribute('data-status')).toBe('cancelled');
    expect(await running.getByTestId('order-status').textContent()).toBe('Cancelled');
    const after = await order(id);
    expect(after.status).toBe('cancelled');
    expect(after.completeCount).toBeGreaterThanOrEqual(1);
    expect(after.cancelledCount).toBeGreaterThanOrEqual(1);
    expect(after.completeCount + after.cancelledCount).toBe(4);
    await poll(() => running.getByTestId('order-counts').textContent()).toBe(
      `${after.completeCount} of 4 · ${after.cancelledCount} cancelled`,
    );
    // What was made stays, in the Library and in the card.
    for (const item of after.items.filter((i) => i.status === 'complete')) {
      const a = await api<AssetDetail>('assets.get', { id: item.assetIds[0]! });
      expect(a.missing).toBe(false);
      expect(existsSync(a.path)).toBe(true);
    }
    await poll(() =>
      running.locator('[data-testid=order-item][data-status=complete] img').count(),
    ).toBe(after.completeCount);
    await poll(() =>
      running.locator('[data-testid=order-item][data-status=cancelled]').count(),
    ).toBe(after.cancelledCount);
    // The sd-cli tile showed its progress while it ran.
    expect(ofOrder(await history(), id).progress.length).toBeGreaterThan(0);
    expect(await running.getByTestId('order-cancel').count()).toBe(0);
    expect(await running.getByTestId('order-retry').textContent()).toBe(
      `Retry cancelled (${after.cancelledCount})`,
    );
    sdcli.setEnv({ FAKE_SDCLI_SPEED: 0 });
    expect(errors).toEqual([]);
  });
});
