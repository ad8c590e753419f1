import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary, type SeededLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium } from './support/browser';
import { dismissToasts, shootAll } from './support/screens';

/**
 * Culling in Chromium (issue 18: 1, 7, 10 and the culling tools): arrivals never move focus,
 * the selection or review's position; the tag dialog takes several tags; in-app dialogs only;
 * AI metadata first, review's info overlay, Copy all parameters; settings save as they change;
 * 1:1 zoom, compare and the filmstrip.
 */

let browser: Browser;
let context: BrowserContext;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let seeded: SeededLibrary;
let page: Page;
const errors: string[] = [];
/** window.prompt/confirm/alert are dead in Electron: any native dialog fails the suite. */
const nativeDialogs: string[] = [];
const t = tempDir('atelier-e2e-culling-');

const longPrompt =
  'portrait of a fox in a misty forest, volumetric light, soft rim light, ultra detailed fur, ' +
  'bokeh, 85mm lens, golden hour, cinematic colour grading, film grain, by a careful hand, ' +
  'award-winning wildlife photography, sharp focus on the eyes, morning dew on the ferns';
const generation = {
  tool: 'AUTOMATIC1111',
  prompt: longPrompt,
  negativePrompt: 'blurry, lowres, watermark',
  seed: '3141592653',
  steps: 28,
  sampler: 'DPM++ 2M Karras',
  cfg: 6.5,
  width: 768,
  height: 768,
  model: 'sdxl_base_1.0',
  modelHash: '31e35c80fc',
  loras: [{ name: 'fox_fur', weight: 0.8 }],
  extra: {},
};
const expectedParameters = [
  `${longPrompt} <lora:fox_fur:0.8>`,
  'Negative prompt: blurry, lowres, watermark',
  'Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3141592653, Size: 768x768, Model hash: 31e35c80fc, Model: sdxl_base_1.0',
].join('\n');

beforeAll(async () => {
  const dataDir = path.join(t.dir, 'data');
  seeded = await seedLibrary(dataDir, path.join(t.dir, 'files'), 24, 0);
  server = await serveLibrary(dataDir);
  // The seed's rows name the PNG's size before sharp wrote it: say what is on disk, so review,
  // 1:1 and compare load the files themselves (the server checks size and mtime).
  for (const a of seeded.real) {
    const st = statSync(a.path);
    server.core.sqlite
      .prepare('UPDATE assets SET size_bytes = ?, mtime_ms = ? WHERE id = ?')
      .run(st.size, Math.floor(st.mtimeMs), a.id);
  }
  // The first two in the grid carry full A1111 generation settings.
  for (const a of seeded.real.slice(0, 2))
    server.core.sqlite
      .prepare(
        'UPDATE assets SET prompt = ?, negative_prompt = ?, seed = ?, model = ?, model_hash = ?, generation_params = ? WHERE id = ?',
      )
      .run(
        longPrompt,
        generation.negativePrompt,
        generation.seed,
        generation.model,
        generation.modelHash,
        JSON.stringify(generation),
        a.id,
      );
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    nativeDialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(server.url);
  await page.goto(page.url().replace(/#.*$/, '') + '#/library');
  await page.reload();
  await page.locator('[data-testid=library-view] [data-testid=lib-card]').first().waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

const lib = () => page.getByTestId('library-view');
const card = (id: string) => lib().locator(`[data-testid=lib-card][data-id="${id}"]`);
const review = () => page.getByTestId('review-mode');
const row = (id: string) =>
  server.core.sqlite.prepare('SELECT status, rating, liked FROM assets WHERE id = ?').get(id) as {
    status: string;
    rating: number;
    liked: number;
  };
const tagsOf = (id: string) =>
  (
    server.core.sqlite
      .prepare(
        'SELECT t.name FROM asset_tags a JOIN tags t ON t.id = a.tag_id WHERE a.asset_id = ? ORDER BY t.name',
      )
      .all(id) as { name: string }[]
  ).map((r) => r.name);

describe('culling in Chromium', () => {
  beforeEach(async () => {
    // A failed step must not leave review, compare or a dialog over the next one.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
  });

  it('keeps the selection and review position while 20 files arrive, and shows them from the pill', async () => {
    const seventh = seeded.real[6]!;
    await card(seventh.id).click();
    await page.keyboard.press('Enter');
    await expect.poll(() => review().getAttribute('data-id')).toBe(seventh.id);
    await expect.poll(() => page.getByTestId('review-counter').textContent()).toBe('7 of 24');

    const folder = path.join(t.dir, 'watched');
    mkdirSync(folder);
    const { createApi } = await import('../../src-main/core/api/dispatch');
    const added = await createApi(server.core).invoke('watchFolders.add', { path: folder });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    for (let i = 0; i < 20; i++)
      await sharp({
        create: {
          width: 320,
          height: 240,
          channels: 3,
          background: { r: 40 + i * 9, g: 180 - i * 6, b: 120 },
        },
      })
        .png()
        .toFile(path.join(folder, `arrival-${String(i).padStart(2, '0')}.png`));

    const pill = review().getByTestId('arrivals-pill');
    await expect.poll(() => pill.textContent(), { timeout: 60_000 }).toBe('20 new');
    // Nothing moved while they came in.
    expect(await page.getByTestId('review-counter').textContent()).toBe('7 of 24');
    expect(await review().getAttribute('data-id')).toBe(seventh.id);
    await expect
      .poll(() =>
        review()
          .getByTestId('review-image')
          .evaluate((i: HTMLImageElement) => i.naturalWidth),
      )
      .toBe(768);
    await shootAll(page, 'culling-arrivals-review');

    // The next decision lands on the asset on screen, and review moves on by one.
    await page.keyboard.press('p');
    await expect.poll(() => row(seventh.id).status).toBe('approved');
    await expect.poll(() => page.getByTestId('review-counter').textContent()).toBe('8 of 24');
    expect(await pill.textContent()).toBe('20 new');

    // The grid behind review holds them back too; the pill there is the same.
    await page.keyboard.press('Escape');
    await expect.poll(() => lib().getByTestId('arrivals-pill').textContent()).toBe('20 new');
    expect(await lib().getByTestId('lib-card').count()).toBe(24);
    expect(await card(seeded.real[7]!.id).getAttribute('aria-selected')).toBe('true');
    await shootAll(page, 'culling-arrivals-grid');

    // Asked for, they are shown: the first of them focused.
    await lib().getByTestId('arrivals-pill').click();
    await expect.poll(() => lib().getByTestId('arrivals-pill').count()).toBe(0);
    await expect
      .poll(() => lib().getByTestId('lib-card').first().textContent())
      .toMatch(/arrival-\d\d\.png/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('review-counter').textContent()).toBe('1 of 44');
    expect(await review().textContent()).toMatch(/arrival-\d\d\.png/);
    await page.keyboard.press('Escape');
  });

  it('takes three tags with Enter, and keys typed in the dialog decide nothing', async () => {
    const a = seeded.real[9]!;
    await card(a.id).click();
    await page.keyboard.press('t');
    const dialog = page.getByRole('dialog', { name: /^Tag/ });
    await expect.poll(() => dialog.getAttribute('aria-modal')).toBe('true');
    for (const name of ['alpha', 'beta', 'gamma']) {
      await page.keyboard.type(name);
      await page.keyboard.press('Enter');
    }
    await expect
      .poll(() => dialog.getByTestId('tag-dialog-chip').allTextContents())
      .toEqual(['alpha', 'beta', 'gamma']);
    await expect.poll(() => tagsOf(a.id)).toEqual(['alpha', 'beta', 'gamma']);
    await shootAll(page, 'culling-tag-dialog');
    // Focus on the dialog's buttons: P, X, L and 5 still belong to the dialog.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    for (const k of ['p', 'x', 'l', '5']) await page.keyboard.press(k);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    // Focus is back where T was pressed, and nothing was decided.
    expect(row(a.id)).toMatchObject({ status: 'pending', rating: 0, liked: 0 });
    // Done closes as well.
    await page.keyboard.press('t');
    await page.keyboard.type('delta');
    await page.keyboard.press('Enter');
    await dialog.getByTestId('tag-done').click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => tagsOf(a.id)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    await page.keyboard.press('l');
    await expect.poll(() => row(a.id).liked).toBe(1);
  });

  it('names a new collection and a saved search in the in-app dialog', async () => {
    await lib().getByTestId('new-collection').click();
    const dialog = page.getByRole('dialog', { name: 'New collection' });
    await expect.poll(() => dialog.getAttribute('aria-modal')).toBe('true');
    // Focus starts in the field; Tab stays inside the dialog.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await dialog.getByLabel('Name').fill('Keepers');
    await shootAll(page, 'culling-prompt-dialog');
    await dialog.getByLabel('Name').press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(() => server.core.sqlite.prepare('SELECT name FROM collections').all())
      .toEqual([{ name: 'Keepers' }]);
    // Focus went back to the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'new-collection',
    );

    // Escape cancels.
    await lib().getByTestId('new-collection').click();
    await page.keyboard.type('Never');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(server.core.sqlite.prepare('SELECT count(*) AS n FROM collections').get()).toEqual({
      n: 1,
    });

    await lib().getByTestId('library-search').fill('fox');
    await expect
      .poll(() => lib().getByTestId('lib-card').first().textContent())
      .not.toMatch(/arrival/);
    await lib().getByTestId('save-search').click();
    const save = page.getByRole('dialog', { name: 'Save this search' });
    await save.getByLabel('Name').fill('Foxes');
    await save.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => server.core.sqlite.prepare('SELECT name, filter FROM saved_searches').all())
      .toEqual([{ name: 'Foxes', filter: expect.stringContaining('"search":"fox"') }]);
    await lib().getByTestId('library-search').fill('');
    // The search is cleared once the grid shows the arrivals (no prompt) again.
    await expect
      .poll(() => lib().getByTestId('lib-card').first().textContent())
      .toMatch(/arrival-\d\d\.png/);
    expect(nativeDialogs).toEqual([]);
  });

  it('shows the AI metadata first, folded, and copies all parameters in A1111 format', async () => {
    const a = seeded.real[0]!;
    await card(a.id).click();
    const panel = lib().getByTestId('detail-panel');
    const meta = panel.getByTestId('ai-metadata');
    await expect.poll(() => meta.getByTestId('ai-seed').textContent()).toBe('3141592653');
    expect(await meta.getByTestId('ai-model').textContent()).toBe('sdxl_base_1.0');
    expect(await meta.getByTestId('ai-sampler').textContent()).toBe('DPM++ 2M Karras');
    // At the top: above tags, file and lineage.
    const metaTop = (await meta.boundingBox())!.y;
    const tagsTop = (await panel.getByRole('heading', { name: 'Tags' }).boundingBox())!.y;
    expect(metaTop).toBeLessThan(tagsTop);
    expect(metaTop).toBeLessThan(900);
    // A long prompt is folded, with Show all.
    const prompt = meta.getByTestId('ai-prompt');
    expect(await prompt.getAttribute('class')).toBe('folded');
    await meta.getByRole('button', { name: 'Show all' }).click();
    expect(await prompt.getAttribute('class')).toBe('');
    await meta.getByRole('button', { name: 'Show less' }).click();
    await shootAll(page, 'culling-detail-ai');

    await meta.getByTestId('copy-parameters').click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(expectedParameters);
    expect(await meta.getByTestId('remix-asset').count()).toBe(1);
  });

  it('toggles the generation overlay in review with I', async () => {
    const a = seeded.real[0]!;
    await card(a.id).click();
    await page.keyboard.press('Enter');
    await expect.poll(() => review().getAttribute('data-id')).toBe(a.id);
    expect(await review().getByTestId('review-info-overlay').count()).toBe(0);
    await page.keyboard.press('i');
    const info = review().getByTestId('review-info');
    await expect.poll(() => info.getByTestId('ai-seed').textContent()).toBe('3141592653');
    expect(await info.getByTestId('ai-prompt').textContent()).toBe(longPrompt);
    expect(await info.getByTestId('remix-asset').count()).toBe(1);
    await shootAll(page, 'culling-review-info');
    await info.getByTestId('copy-parameters').click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(expectedParameters);
    // It stays open from asset to asset (one without settings says so), and I hides it.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => review().getAttribute('data-id')).toBe(seeded.real[2]!.id);
    await expect
      .poll(() => review().getByTestId('review-info-overlay').textContent())
      .toMatch(/^Generation(?!.*misty forest, volumetric)/);
    await page.keyboard.press('i');
    await expect.poll(() => review().getByTestId('review-info-overlay').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('zooms to 100% with Z or a click, pans by dragging, and shows a filmstrip', async () => {
    const a = seeded.real[3]!;
    await card(a.id).click();
    await page.keyboard.press('Enter');
    await expect.poll(() => review().getAttribute('data-id')).toBe(a.id);
    const strip = review().getByTestId('filmstrip');
    await expect
      .poll(() => strip.locator('[aria-current=true]').getAttribute('data-id'))
      .toBe(a.id);
    // The filmstrip moves review.
    await strip.locator(`[data-id="${seeded.real[5]!.id}"]`).click();
    await expect.poll(() => review().getAttribute('data-id')).toBe(seeded.real[5]!.id);

    await page.keyboard.press('z');
    await expect.poll(() => review().getByTestId('review-zoom').textContent()).toBe('100%');
    const img = review().getByTestId('review-one-to-one').locator('img');
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(768);
    await shootAll(page, 'culling-review-zoom');
    // 768×768 fits in 1440×900 less the bars only when the stage is tall enough: make it pannable.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.keyboard.press('z');
    await page.keyboard.press('z');
    const before = await img.evaluate((i) => getComputedStyle(i).transform);
    const box = (await review().getByTestId('review-one-to-one').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 80, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => img.evaluate((i) => getComputedStyle(i).transform)).not.toBe(before);
    expect(await review().getByTestId('review-zoom').textContent()).toBe('100%');
    // A click without a drag goes back to fit; a click on the fitted picture zooms again.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => review().getByTestId('review-zoom').textContent()).toBe('Fit');
    await review().getByTestId('review-image').last().click();
    await expect.poll(() => review().getByTestId('review-zoom').textContent()).toBe('100%');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Escape');
  });

  it('compares 2–4 selected side by side with C and decides on the active one', async () => {
    const [a, b, c] = [seeded.real[12]!, seeded.real[13]!, seeded.real[14]!];
    await dismissToasts(page);
    await card(a.id).click();
    await card(b.id).click({ modifiers: ['Control'] });
    await card(c.id).click({ modifiers: ['Control'] });
    await page.keyboard.press('c');
    const cmp = page.getByTestId('compare-view');
    await expect.poll(() => cmp.getByTestId('compare-cell').count()).toBe(3);
    await expect
      .poll(() =>
        cmp
          .locator('img')
          .evaluateAll((els) => els.every((i) => (i as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
    await shootAll(page, 'culling-compare');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('x');
    await expect.poll(() => row(b.id).status).toBe('rejected');
    await cmp.locator(`[data-id="${c.id}"]`).click();
    await page.keyboard.press('p');
    await expect.poll(() => row(c.id).status).toBe('approved');
    expect(row(a.id).status).toBe('pending');
    await page.keyboard.press('Escape');
    await expect.poll(() => cmp.count()).toBe(0);
    // Back in the grid with the same three selected.
    await expect.poll(() => lib().getByTestId('bulk-count').textContent()).toBe('3 selected');
  });

  it('saves settings as they change: the theme at once, typed text without a Save button', async () => {
    await page.goto(page.url().replace(/#.*$/, '') + '#/settings');
    await page.getByLabel('Theme').selectOption('dark');
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
      .toBe('dark');
    const settings = async () =>
      (await (await import('../../src-main/core/api/dispatch'))
        .createApi(server.core)
        .invoke('settings.get', {})) as { ok: boolean; value: Record<string, unknown> };
    await expect.poll(async () => (await settings()).value.theme).toBe('dark');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    await page.getByLabel('Your name or studio').fill('Ada Studio');
    await expect.poll(async () => (await settings()).value.ownerName).toBe('Ada Studio');
    // Typed and left at once: still saved.
    await page.getByLabel('Support contact').fill('hello@ada.example');
    await page.goto(page.url().replace(/#.*$/, '') + '#/library');
    await expect
      .poll(async () => (await settings()).value.supportContact)
      .toBe('hello@ada.example');
    await page.goto(page.url().replace(/#.*$/, '') + '#/settings');
    await expect.poll(() => page.getByTestId('settings-save-state').textContent()).toMatch(/save/i);
    await page.getByLabel('Theme').selectOption('system');
    await page.getByLabel('Your name or studio').fill('Ada Studio');
    await expect
      .poll(() => page.getByTestId('settings-save-state').textContent())
      .toBe('All changes saved');
    await shootAll(page, 'culling-settings', {
      scrollTop: false,
      prepare: () =>
        page
          .locator('#profile-title')
          .evaluate((h) => h.closest('section')!.scrollIntoView({ block: 'start' })),
    });
    await page.goto(page.url().replace(/#.*$/, '') + '#/library');
  });

  it('ran without page errors or native dialogs', () => {
    expect(errors).toEqual([]);
    expect(nativeDialogs).toEqual([]);
  });
});
