import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serveWithBrowser } from './support/session';
import { makeJpeg, makePng, makeWav } from '../core/packs/helpers';
import { pythonZip, unzipTest, yauzlRead } from '../core/zip/readers';

const e2e = serveWithBrowser();
const api = e2e.api;

beforeAll(async () => {
  const media = path.join(e2e.serve.root, 'media');
  mkdirSync(media);
  for (let i = 0; i < 4; i++) await makePng(path.join(media, `sprite_${i}.png`), i + 1, 128);
  await makeJpeg(path.join(media, 'Château.jpg'), 5, 256);
  makeWav(path.join(media, 'loop.wav'));
  await api('ingest.importFiles', { paths: [media] });
  await api('settings.update', { ownerName: 'E2E Studio', supportContact: 'help@e2e.example' });
});

/** The Library page with its six seeded cards shown, and the page errors it collects. */
async function openLibrary() {
  const page = await e2e.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(e2e.serve.openUrl + '#/library');
  const cards = page.getByTestId('lib-card');
  await expect.poll(() => cards.count()).toBe(6);
  return { page, cards, errors };
}

describe('packs in the browser', () => {
  it('builds a pack from the Library, exports it for Gumroad, and the ZIP is whole', async () => {
    const page = await e2e.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/packs');
    await page.getByLabel('New pack name').fill('E2E Sprites');
    await page.getByRole('button', { name: 'New pack' }).click();
    await expect
      .poll(() => page.getByLabel('Name', { exact: true }).inputValue())
      .toBe('E2E Sprites');

    // Ingest leaves assets pending: show all, pick every one.
    await page.getByRole('button', { name: 'Add assets' }).click();
    await page.getByLabel('Which assets').selectOption('all');
    await expect.poll(() => page.locator('.pack-pick').count()).toBe(6);
    for (const tile of await page.locator('.pack-pick').all()) await tile.click();
    await page.getByRole('button', { name: /Add 6 to pack/ }).click();
    await expect.poll(() => page.locator('.pack-asset').count()).toBe(6);

    // Reorder by drag: the last asset to the top.
    const last = page.locator('.pack-asset').nth(5);
    const lastId = await last.getAttribute('data-asset-id');
    await last.dragTo(page.locator('.pack-asset').first());
    await expect
      .poll(() => page.locator('.pack-asset').first().getAttribute('data-asset-id'))
      .toBe(lastId);

    // The unapproved warning shows; accept it, then export with the Gumroad preset.
    await expect.poll(() => page.locator('.pack-issue[data-code="unapproved"]').count()).toBe(1);
    await page
      .locator('.pack-issue[data-code="unapproved"]')
      .getByRole('button', { name: 'Accept' })
      .click();
    await page.getByLabel('Marketplace preset').selectOption('gumroad');
    await page.getByRole('button', { name: 'Export for Gumroad' }).click();
    await expect
      .poll(() => page.locator('.pack-history li').first().textContent(), { timeout: 60_000 })
      .toMatch(/completed/);
    // In a browser the export is a download (the desktop app shows it in the folder).
    expect(await page.getByTestId('export-download').count()).toBeGreaterThan(0);

    const packs = await api<{ id: string; name: string }[]>('packs.list', {});
    const pack = packs.find((p) => p.name === 'E2E Sprites')!;
    const [rec] = await api<{ files: { path: string }[]; status: string }[]>('packs.exports', {
      packId: pack.id,
    });
    const zip = rec!.files[0]!.path;
    unzipTest(zip);
    expect(pythonZip(zip).bad).toBeNull();
    const entries = await yauzlRead(zip, (n) => n.endsWith('manifest.json'));
    const names = entries.map((e) => e.name.split('/').slice(1).join('/'));
    for (const f of [
      'README.md',
      'LICENSE.txt',
      'manifest.json',
      'checksums.txt',
      'store_copy.txt',
      'previews/preview_grid.jpg',
      'assets/Château.jpg',
    ]) {
      expect(names, f).toContain(f);
    }
    const manifest = JSON.parse(
      entries.find((e) => e.name.endsWith('manifest.json'))!.data!.toString('utf8'),
    );
    expect(manifest.pack.asset_count).toBe(6);
    expect(manifest.assets[0].asset_id).toBe(lastId);
    expect(readdirSync(path.dirname(zip)).filter((n) => n.endsWith('.atelier-partial'))).toEqual(
      [],
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds Library cards to a pack and a collection by dragging them onto the sidebar', async () => {
    const pack = await api<{ id: string }>('packs.create', { name: 'Sidebar Drops' });
    const coll = await api<{ id: string }>('collections.create', { name: 'Dragged Here' });
    const { page, cards, errors } = await openLibrary();
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => cards.nth(i).getAttribute('data-id')));

    // A selection of three travels together when one of its cards is dragged.
    await cards.nth(0).click();
    await cards.nth(2).click({ modifiers: ['Shift'] });
    const target = page.locator(`[data-testid="side-pack"][data-pack-id="${pack.id}"]`);
    await cards.nth(1).dragTo(target);
    await expect
      .poll(
        async () => (await api<{ assetCount: number }>('packs.get', { id: pack.id })).assetCount,
      )
      .toBe(3);
    const inPack = await api<{ items: { assetId: string }[] }>('packs.assets', { packId: pack.id });
    expect(inPack.items.map((i) => i.assetId).sort()).toEqual(ids.slice(0, 3).sort());
    await expect.poll(() => target.locator('.count').textContent()).toBe('3');

    // A card outside the selection goes alone; dropping onto a collection adds it there.
    const collection = page.getByTestId('side-collection').filter({ hasText: 'Dragged Here' });
    await cards.nth(3).dragTo(collection);
    await cards.nth(4).dragTo(collection);
    const members = async () =>
      (
        await api<{ items: { id: string }[] }>('library.query', {
          filter: { collectionId: coll.id },
          sort: { key: 'position', dir: 'asc' },
          limit: 10,
        })
      ).items.map((i) => i.id);
    await expect.poll(members).toEqual([ids[3], ids[4]]);

    // Make the second one the collection's cover from the detail panel.
    await cards.nth(4).click();
    await page.getByTestId('detail-panel').getByTestId('make-cover').click();
    await expect
      .poll(
        async () =>
          (await api<{ id: string; coverAssetId: string | null }[]>('collections.list', {})).find(
            (c) => c.id === coll.id,
          )?.coverAssetId,
      )
      .toBe(ids[4]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('"select all" adds every matching asset to a pack, dragged or from the bulk bar', async () => {
    const dragged = await api<{ id: string }>('packs.create', { name: 'All Dragged' });
    const bulk = await api<{ id: string }>('packs.create', { name: 'All From Bar' });
    const { page, cards, errors } = await openLibrary();
    await cards.nth(0).click();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByText('All matching assets').count()).toBe(1);
    // The drag carries the grid's filter, not the ids that happen to be loaded.
    await cards
      .nth(2)
      .dragTo(page.locator(`[data-testid="side-pack"][data-pack-id="${dragged.id}"]`));
    await expect
      .poll(
        async () => (await api<{ assetCount: number }>('packs.get', { id: dragged.id })).assetCount,
      )
      .toBe(6);
    await page.getByTestId('bulk-pack').selectOption(bulk.id);
    await expect
      .poll(
        async () => (await api<{ assetCount: number }>('packs.get', { id: bulk.id })).assetCount,
      )
      .toBe(6);
    expect(errors).toEqual([]);
    await page.close();
  });
});
