import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary, type SeededLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium, openLibrary } from './support/browser';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let seeded: SeededLibrary;
let page: Page;
const errors: string[] = [];
const t = tempDir('atelier-e2e-library-');

beforeAll(async () => {
  const dataDir = path.join(t.dir, 'data');
  seeded = await seedLibrary(dataDir, path.join(t.dir, 'files'), 24, 300);
  server = await serveLibrary(dataDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await openLibrary(page, server.url);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

const lib = () => page.getByTestId('library-view');
const card = (id: string) => lib().locator(`[data-testid=lib-card][data-id="${id}"]`);
const row = (id: string) =>
  server.core.sqlite
    .prepare('SELECT status, rating, liked, deleted_at FROM assets WHERE id = ?')
    .get(id) as {
    status: string;
    rating: number;
    liked: number;
    deleted_at: string | null;
  };

describe('the library in Chromium', () => {
  // One page for the whole journey: a failed step must not leave a dialog over the next one.
  beforeEach(async () => {
    await page.mouse.click(5, 5);
    await page.keyboard.press('Escape');
  });

  it('curates with the keyboard, persists each key, and undoes', async () => {
    const [a, b] = seeded.real;
    await card(a!.id).click();
    await page.keyboard.press('p');
    await expect.poll(() => card(a!.id).getAttribute('data-status')).toBe('approved');
    await expect.poll(() => row(a!.id).status).toBe('approved');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('x');
    await page.keyboard.press('4');
    await page.keyboard.press('l');
    await expect.poll(() => row(b!.id)).toMatchObject({ status: 'rejected', rating: 4, liked: 1 });
    await expect.poll(() => card(b!.id).getAttribute('data-rating')).toBe('4');
    await page.keyboard.press('Control+z');
    await expect.poll(() => row(b!.id).liked).toBe(0);
    await expect.poll(() => card(b!.id).getAttribute('data-liked')).toBe('0');
    await page.keyboard.press('u');
    await expect.poll(() => row(b!.id).status).toBe('pending');
  });

  it('tags with T and autocomplete, and shows the tag in the sidebar', async () => {
    const a = seeded.real[0]!;
    await card(a.id).click();
    const tagDialog = () => lib().getByRole('dialog', { name: 'Tag' }).getByTestId('tag-input');
    await page.keyboard.press('t');
    await tagDialog().fill('sunset glow');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => lib().getByTestId('tag-chip').allTextContents())
      .toContainEqual(expect.stringContaining('sunset glow'));
    // Autocomplete offers the existing tag by prefix.
    await page.keyboard.press('t');
    await tagDialog().fill('suns');
    await expect
      .poll(() => lib().locator('.tag-options li').first().textContent())
      .toMatch(/sunset glow/);
    await page.keyboard.press('Escape');
    await expect.poll(() => lib().getByRole('dialog', { name: 'Tag' }).count()).toBe(0);
  });

  it('searches prompts with highlighted matches and filters by status', async () => {
    await lib().getByTestId('library-search').fill('fox');
    await expect.poll(() => lib().getByTestId('lib-card').count()).toBe(6);
    const marks = await lib().locator('[data-testid=snippet] mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => m.toLowerCase() === 'fox')).toBe(true);
    await lib().getByTestId('library-search').fill('');
    await lib().getByTestId('side-approved').click();
    await expect
      .poll(
        async () =>
          new Set(
            await lib()
              .locator('[data-testid=lib-card]')
              .evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
          ),
      )
      .toEqual(new Set(['approved']));
    await lib().getByTestId('side-all').click();
  });

  it('bulk-edits a shift-click range', async () => {
    const [, , c, d, e] = seeded.real;
    await card(c!.id).click();
    await card(e!.id).click({ modifiers: ['Shift'] });
    await expect.poll(() => lib().getByTestId('bulk-count').textContent()).toBe('3 selected');
    await lib().getByTestId('bulk-approve').click();
    await expect
      .poll(() => [c, d, e].map((x) => row(x!.id).status))
      .toEqual(['approved', 'approved', 'approved']);
    await lib().getByTestId('bulk-rating').selectOption('5');
    await expect.poll(() => [c, d, e].map((x) => row(x!.id).rating)).toEqual([5, 5, 5]);
  });

  it('reviews full screen with auto-advance after a decision', async () => {
    const [, , , , , f, g] = seeded.real;
    await card(f!.id).click();
    await page.keyboard.press('Enter');
    await expect.poll(() => lib().getByTestId('review-mode').isVisible()).toBe(true);
    await page.keyboard.press('x');
    await expect.poll(() => row(f!.id).status).toBe('rejected');
    await page.keyboard.press('p');
    await expect.poll(() => row(g!.id).status).toBe('approved');
    await page.keyboard.press('Escape');
    await expect.poll(() => lib().getByTestId('review-mode').count()).toBe(0);
  });

  it('moves to the trash with Delete and brings it back with undo', async () => {
    const h = seeded.real[7]!;
    await card(h.id).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => row(h.id).deleted_at).not.toBeNull();
    await expect.poll(() => card(h.id).count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => row(h.id).deleted_at).toBeNull();
    await expect.poll(() => card(h.id).count()).toBe(1);
  });

  it('groups near-duplicates and keeps the best', async () => {
    await lib().getByTestId('side-duplicates').click();
    await expect.poll(() => lib().getByTestId('dup-group').count()).toBe(2);
    await lib().getByTestId('keep-best-all').click();
    await expect.poll(() => lib().getByTestId('dup-group').count()).toBe(2);
    const statuses = seeded.real
      .slice(-4)
      .map((a) => row(a.id).status)
      .sort();
    expect(statuses).toEqual(['approved', 'approved', 'rejected', 'rejected']);
    await lib().getByTestId('side-all').click();
  });

  it('shows files dropped into a watched folder live', async () => {
    const folder = path.join(t.dir, 'watched');
    mkdirSync(folder);
    const { createApi } = await import('../../src-main/core/api/dispatch');
    const added = await createApi(server.core).invoke('watchFolders.add', { path: folder });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const before = await lib().getByTestId('lib-card').count();
    copyFileSync(path.join(t.dir, 'files', 'gen_005.png'), path.join(folder, 'fresh drop.png'));
    // An exact copy links to the existing asset; give it new bytes so it becomes a new asset.
    const sharp = (await import('sharp')).default;
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#33aa77' } })
      .png()
      .toFile(path.join(folder, 'brand new.png'));
    await expect
      .poll(
        async () =>
          (await lib().locator('[data-testid=lib-card]').allTextContents()).slice(0, 4).join(' '),
        { timeout: 20_000 },
      )
      .toContain('brand new.png');
    expect(await lib().getByTestId('lib-card').count()).toBeGreaterThanOrEqual(before);
  });

  it('opens the shortcut sheet and ran without page errors', async () => {
    await page.keyboard.press('?');
    await expect.poll(() => lib().getByTestId('shortcut-sheet').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
