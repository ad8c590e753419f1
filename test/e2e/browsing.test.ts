import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary, type SeededLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium, openLibrary } from './support/browser';
import { shootAll } from './support/screens';

/**
 * Browsing in Chromium (issue 18, "what a creator looks for"): colour labels (6–9, the detail
 * panel, the bulk bar; on cards, list rows and in review), filters by label, shape, format and
 * folder with chips that clear, and the sidebar's tree of watched folders.
 */

let browser: Browser;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let seeded: SeededLibrary;
let page: Page;
const errors: string[] = [];
const t = tempDir('atelier-e2e-browsing-');

/** A watched folder with sub-folders, pictures of each shape and three formats. */
const shoot: { rel: string; w: number; h: number; colour: [number, number, number] }[] = [
  { rel: 'wide-1.png', w: 640, h: 360, colour: [214, 96, 77] },
  { rel: 'wide-2.jpg', w: 800, h: 450, colour: [72, 140, 214] },
  { rel: '2025/tall-1.jpg', w: 360, h: 640, colour: [90, 170, 110] },
  { rel: '2025/june/square-1.webp', w: 500, h: 500, colour: [200, 160, 60] },
  { rel: '2025/june/tall-2.png', w: 300, h: 600, colour: [150, 90, 200] },
  { rel: '2025/june/wide-3.webp', w: 900, h: 400, colour: [60, 180, 180] },
];

beforeAll(async () => {
  const dataDir = path.join(t.dir, 'data');
  seeded = await seedLibrary(dataDir, path.join(t.dir, 'files'), 10, 0);
  server = await serveLibrary(dataDir);
  const folder = path.join(t.dir, 'shoot');
  for (const f of shoot) {
    const file = path.join(folder, f.rel);
    mkdirSync(path.dirname(file), { recursive: true });
    const [r, g, b] = f.colour;
    await sharp({ create: { width: f.w, height: f.h, channels: 3, background: { r, g, b } } })
      .composite([
        {
          input: Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}"><circle cx="${f.w / 2}" cy="${f.h / 2}" r="${Math.min(f.w, f.h) / 3}" fill="white" fill-opacity="0.35"/></svg>`,
          ),
        },
      ])
      .toFile(file);
  }
  const { createApi } = await import('../../src-main/core/api/dispatch');
  const added = await createApi(server.core).invoke('watchFolders.add', { path: folder });
  expect(added.ok, JSON.stringify(added)).toBe(true);
  // expect.poll is for tests: wait for the watcher's ingest by hand.
  for (let i = 0; i < 240 && countIn(folder) < shoot.length; i++)
    await new Promise((r) => setTimeout(r, 250));
  expect(countIn(folder)).toBe(shoot.length);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await openLibrary(page, server.url);
  for (let i = 0; i < 100 && (await cards().count()) < seeded.total + shoot.length; i++)
    await page.waitForTimeout(100);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

function countIn(folder: string): number {
  return (
    server.core.sqlite
      .prepare(
        `SELECT count(*) AS n FROM assets a JOIN watch_folders f ON f.id = a.folder_id
         WHERE f.path = ? AND a.thumb_key IS NOT NULL`,
      )
      .get(folder) as { n: number }
  ).n;
}
const lib = () => page.getByTestId('library-view');
const cards = () => lib().locator('[data-testid=lib-card]');
const card = (id: string) => lib().locator(`[data-testid=lib-card][data-id="${id}"]`);
const idOf = (filename: string) =>
  (
    server.core.sqlite.prepare('SELECT id FROM assets WHERE filename = ?').get(filename) as {
      id: string;
    }
  ).id;
const labelOf = (id: string) =>
  (
    server.core.sqlite.prepare('SELECT color_label FROM assets WHERE id = ?').get(id) as {
      color_label: string | null;
    }
  ).color_label;
const shownNames = async () =>
  (
    await cards().evaluateAll((els) => els.map((e) => e.querySelector('.card-name')?.textContent))
  ).sort();
async function openFilters() {
  if ((await page.locator('.filter-panel').count()) === 0)
    await page.getByTestId('filters-button').click();
  await page.locator('.filter-panel').waitFor();
}
async function closeFilters() {
  if ((await page.locator('.filter-panel').count()) > 0)
    await page.locator('.filter-panel').getByRole('button', { name: 'Done' }).click();
}
async function clearChips() {
  const all = page.getByTestId('filter-chips-clear-all');
  if (await all.count()) await all.click();
  else if (await page.getByTestId('filter-chip-clear').count())
    await page.getByTestId('filter-chip-clear').first().click();
  await expect.poll(() => page.getByTestId('filter-chip').count()).toBe(0);
}

describe('browsing in Chromium', () => {
  beforeEach(async () => {
    for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
  });

  it('6 labels the focused image red: on its card, in review, undoable; 7–9 and the panels set the others', async () => {
    const first = seeded.real[0]!;
    await card(first.id).click();
    await page.keyboard.press('6');
    await expect.poll(() => card(first.id).getAttribute('data-label')).toBe('red');
    await expect.poll(() => labelOf(first.id)).toBe('red');
    expect(await card(first.id).getByTestId('card-label').isVisible()).toBe(true);

    // Review shows it, and 6 again there clears it; Ctrl+Z puts it back.
    await page.keyboard.press('Enter');
    const review = page.getByTestId('review-mode');
    await expect.poll(() => review.getAttribute('data-id')).toBe(first.id);
    await expect
      .poll(() => review.getByTestId('review-label').getAttribute('data-label'))
      .toBe('red');
    expect(await review.getByTestId('review-label').textContent()).toContain('Red');
    await shootAll(page, 'browsing-review-label');
    await page.keyboard.press('6');
    await expect.poll(() => review.getByTestId('review-label').count()).toBe(0);
    await expect.poll(() => labelOf(first.id)).toBe(null);
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelOf(first.id)).toBe('red');
    await expect.poll(() => review.getByTestId('review-label').count()).toBe(1);
    await page.keyboard.press('Escape');

    // 7, 8, 9 on the next three; purple from the detail panel.
    for (const [i, key, label] of [
      [1, '7', 'yellow'],
      [2, '8', 'green'],
      [3, '9', 'blue'],
    ] as const) {
      await card(seeded.real[i]!.id).click();
      await page.keyboard.press(key);
      await expect.poll(() => labelOf(seeded.real[i]!.id)).toBe(label);
    }
    const fifth = seeded.real[4]!;
    await card(fifth.id).click();
    const picker = page.getByTestId('detail-label');
    await picker.locator('[data-label=purple]').click();
    await expect.poll(() => card(fifth.id).getAttribute('data-label')).toBe('purple');
    await expect.poll(() => labelOf(fifth.id)).toBe('purple');
    expect(await picker.locator('[data-label=purple]').getAttribute('aria-pressed')).toBe('true');

    // The bulk bar labels a selection: two shoot pictures turn red.
    const wide1 = idOf('wide-1.png');
    const tall1 = idOf('tall-1.jpg');
    await card(wide1).click();
    await card(tall1).click({ modifiers: ['Control'] });
    await page.getByTestId('bulk-label').locator('[data-label=red]').click();
    await expect.poll(() => [labelOf(wide1), labelOf(tall1)]).toEqual(['red', 'red']);
    await page.keyboard.press('Escape');
    await card(fifth.id).click();
    await shootAll(page, 'browsing-labels-grid');

    // The list shows the dot too.
    await page.getByTestId('list-view').click();
    await expect
      .poll(() =>
        lib()
          .locator(`[data-testid=lib-row][data-id="${first.id}"] [data-testid=row-label]`)
          .count(),
      )
      .toBe(1);
    await shootAll(page, 'browsing-labels-list');
    await page.getByTestId('grid-view').click();
  });

  it('filters by a colour label, with a chip that clears it', async () => {
    await openFilters();
    await page.getByTestId('filter-label-red').click();
    await expect.poll(() => cards().count()).toBe(3);
    const ids = await cards().evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
    expect(ids).toEqual(['red', 'red', 'red']);
    await shootAll(page, 'browsing-filters-panel');
    await closeFilters();
    const chip = page.locator('[data-testid=filter-chip][data-chip=label-red]');
    expect(await chip.textContent()).toContain('Red label');
    await shootAll(page, 'browsing-filter-chips');
    await chip.getByTestId('filter-chip-clear').click();
    await expect.poll(() => cards().count()).toBe(seeded.total + shoot.length);
    expect(await page.getByTestId('filter-chips').count()).toBe(0);
  });

  it('filters by shape and by format, each a chip', async () => {
    await openFilters();
    await page.getByTestId('filter-aspect-portrait').click();
    await expect.poll(shownNames).toEqual(['tall-1.jpg', 'tall-2.png']);
    await page.getByTestId('filter-aspect-portrait').click();
    await page.getByTestId('filter-aspect-landscape').click();
    await expect.poll(shownNames).toEqual(['wide-1.png', 'wide-2.jpg', 'wide-3.webp']);
    // Format: the facets list what is in the library.
    await page.getByTestId('filter-format').selectOption('webp');
    await expect.poll(shownNames).toEqual(['wide-3.webp']);
    await page.getByTestId('filter-aspect-landscape').click();
    await expect.poll(shownNames).toEqual(['square-1.webp', 'wide-3.webp']);
    await page.getByTestId('filter-format').selectOption('jpg');
    await expect.poll(shownNames).toEqual(['tall-1.jpg', 'wide-2.jpg']);
    // Resolution: 2 MP and more leaves nothing among these; 768 px wide leaves the seeds and the 800 and 900 px ones.
    await page.getByTestId('filter-format').selectOption('');
    await page.getByTestId('filter-min-width').fill('780');
    await page.getByTestId('filter-min-width').press('Enter');
    await expect.poll(shownNames).toEqual(['wide-2.jpg', 'wide-3.webp']);
    await page.getByTestId('filter-aspect-square').click();
    await expect.poll(() => cards().count()).toBe(0);
    await closeFilters();
    expect(
      await page.getByTestId('filter-chip').evaluateAll((els) => els.map((e) => e.dataset.chip)),
    ).toEqual(['aspects', 'px']);
    await clearChips();
    await expect.poll(() => cards().count()).toBe(seeded.total + shoot.length);
  });

  it('the folder tree lists the watched folder and its sub-folders with counts, and filters the grid', async () => {
    const tree = page.getByTestId('side-folders');
    const root = tree.locator('[data-testid=side-folder][data-folder-path=""]').filter({
      hasText: 'shoot',
    });
    await expect.poll(() => root.locator('.count').textContent()).toBe(String(shoot.length));
    await root.click();
    await expect.poll(() => cards().count()).toBe(shoot.length);
    // Unfold shoot, then 2025.
    await root.locator('xpath=preceding-sibling::button').click();
    const y2025 = tree.locator('[data-testid=side-folder][data-folder-path="2025"]');
    await expect.poll(() => y2025.locator('.count').textContent()).toBe('4');
    await y2025.locator('xpath=preceding-sibling::button').click();
    const june = tree.locator('[data-testid=side-folder][data-folder-path="2025/june"]');
    await june.click();
    await expect.poll(shownNames).toEqual(['square-1.webp', 'tall-2.png', 'wide-3.webp']);
    expect(await june.getAttribute('aria-pressed')).toBe('true');
    const chip = page.locator('[data-testid=filter-chip][data-chip=folder]');
    expect(await chip.textContent()).toContain('shoot / 2025 / june');
    await shootAll(page, 'browsing-folder-tree');

    // Combined with a filter from the panel; the folder chip clears only the folder.
    await openFilters();
    expect(await page.getByTestId('filter-folder').inputValue()).toMatch(/\|2025\/june$/);
    await page.getByTestId('filter-aspect-portrait').click();
    await expect.poll(shownNames).toEqual(['tall-2.png']);
    await closeFilters();
    await chip.getByTestId('filter-chip-clear').click();
    await expect.poll(shownNames).toEqual(['tall-1.jpg', 'tall-2.png']);
    await clearChips();

    // The unfolded folders are remembered across a reload.
    await page.reload();
    await page.locator('[data-testid=library-view] [data-testid=lib-card]').first().waitFor();
    await expect.poll(() => june.count()).toBe(1);
    // Folding the group hides the tree and is remembered too.
    await page.getByTestId('side-folders-toggle').click();
    await expect.poll(() => june.count()).toBe(0);
    await page.reload();
    await page.locator('[data-testid=library-view] [data-testid=lib-card]').first().waitFor();
    await expect
      .poll(() => page.getByTestId('side-folders-toggle').getAttribute('aria-expanded'))
      .toBe('false');
    await page.getByTestId('side-folders-toggle').click();
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
