import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();

const png = (color: string) =>
  sharp({ create: { width: 96, height: 64, channels: 3, background: color } })
    .png()
    .toBuffer();

describe('ingest in the browser', () => {
  it('shows a file dropped into the Inbox live, with its thumbnail, and a failure with its reason', async () => {
    const page = await e2e.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl);
    await expect.poll(() => page.getByTestId('library-view').count()).toBe(1);

    const inbox = path.join(e2e.serve.dataDir, 'Inbox');
    writeFileSync(path.join(inbox, 'sunrise.png'), await png('#e07a5f'));
    writeFileSync(path.join(inbox, 'broken.png'), 'not an image at all');
    const card = page.getByTestId('lib-card').filter({ hasText: 'sunrise.png' });
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() =>
        card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('sidebar-status').textContent()).toMatch(/^1 asset/);

    const failures = page.getByTestId('ingest-failures');
    await expect
      .poll(() => failures.textContent(), { timeout: 10_000 })
      .toMatch(/1 file could not be added/);
    await failures.getByRole('button', { name: /could not be added/ }).click();
    expect(await failures.textContent()).toMatch(/not a PNG image/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('imports through the file picker (upload) and filters by search', async () => {
    const page = await e2e.browser.newPage();
    await page.goto(e2e.serve.openUrl);
    await page.getByTestId('import-input').setInputFiles({
      name: 'violet-dusk.png',
      mimeType: 'image/png',
      buffer: await png('#6b4ce6'),
    });
    const card = page.getByTestId('lib-card').filter({ hasText: 'violet-dusk.png' });
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('library-search').fill('violet');
    await expect.poll(() => page.getByTestId('lib-card').count()).toBe(1);
    await page.getByTestId('library-search').fill('');
    await expect.poll(() => page.getByTestId('lib-card').count()).toBe(2);
    await page.close();
  });

  it('manages watch folders from Settings', async () => {
    const page = await e2e.browser.newPage();
    await page.goto(e2e.serve.openUrl + '#/settings');
    const folders = page.getByTestId('watch-folder');
    await expect.poll(() => folders.count()).toBe(1);
    expect(await folders.first().textContent()).toMatch(/Inbox/);
    await folders.first().getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => folders.first().textContent()).toMatch(/paused/);
    await folders.first().getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => folders.first().textContent()).not.toMatch(/paused/);
    await page.getByLabel('Folder to watch').fill(path.join(e2e.serve.root, 'nowhere'));
    await page.getByRole('button', { name: 'Watch folder' }).click();
    await expect
      .poll(() => page.locator('.toast').first().textContent())
      .toMatch(/Folder not found/);
    await page.close();
  });
});
