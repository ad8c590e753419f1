import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary, type SeededLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium } from './support/browser';
import { viewports } from './support/generateWorld';
import { shootAll, shotsDir } from './support/screens';

/**
 * The app at ordinary window sizes (1440×900, 1280×800, 1024×700): the Library's toolbar never
 * overlaps and every action in it can be clicked, the grid keeps three columns at 1024, the
 * sidebar and the detail panel collapse by button and by key and stay so after a reload, the
 * justified grid keeps each picture's shape and is remembered, and the Packs form fits at 1024.
 */
let browser: Browser;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let seeded: SeededLibrary;
let page: Page;
const errors: string[] = [];
const t = tempDir('atelier-e2e-layout-');
/** Seeded assets given a landscape (2:1) and a portrait (2:3) shape for the justified grid. */
const landscape: string[] = [];
const portrait: string[] = [];

beforeAll(async () => {
  mkdirSync(shotsDir, { recursive: true });
  const dataDir = path.join(t.dir, 'data');
  seeded = await seedLibrary(dataDir, path.join(t.dir, 'files'), 24, 300);
  server = await serveLibrary(dataDir);
  const shape = server.core.sqlite.prepare('UPDATE assets SET width = ?, height = ? WHERE id = ?');
  seeded.real.forEach((a, i) => {
    if (i % 3 === 0) {
      shape.run(1536, 768, a.id);
      landscape.push(a.id);
    } else if (i % 3 === 1) {
      shape.run(768, 1152, a.id);
      portrait.push(a.id);
    }
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.goto(page.url().replace(/#.*$/, '') + '#/library');
  await page.reload();
  await cards().first().waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

const lib = () => page.getByTestId('library-view');
const cards = () => page.locator('[data-testid=library-view] [data-testid=lib-card]');
const grid = () => lib().getByTestId('asset-grid');
const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
const columns = async () => Number(await grid().getAttribute('data-columns'));

async function size(w: number, h: number) {
  await page.setViewportSize({ width: w, height: h });
  await frame();
  await frame();
}

/** The toolbar's controls, by what a person clicks. */
const controls: [string, string][] = [
  ['sidebar toggle', '[data-testid=toggle-sidebar]'],
  ['search', '.search-box'],
  ['filters', '[data-testid=filters-button]'],
  ['save search', '[data-testid=save-search]'],
  ['sort', '[data-testid=sort-key]'],
  ['sort direction', '[data-testid=sort-dir]'],
  ['grid', '[data-testid=grid-view]'],
  ['justified', '[data-testid=justified-view]'],
  ['list', '[data-testid=list-view]'],
  ['size', '.size-slider'],
  ['import', '[data-testid=import-button]'],
  ['detail toggle', '[data-testid=toggle-detail]'],
];

/**
 * Each control's box, and whether a click at its centre lands on it (nothing painted over it);
 * also the sidebar's Trash and the page's other edges, which Import once covered.
 */
async function toolbarBoxes() {
  return page.evaluate((list) => {
    const out: {
      name: string;
      box: { x: number; y: number; w: number; h: number } | null;
      hit: boolean;
    }[] = [];
    for (const [name, sel] of list) {
      const el = document.querySelector<HTMLElement>(`[data-testid=library-view] ${sel}`);
      const r = el?.getBoundingClientRect();
      if (!el || !r || r.width === 0 || r.height === 0) {
        out.push({ name, box: null, hit: false });
        continue;
      }
      const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      out.push({
        name,
        box: { x: r.x, y: r.y, w: r.width, h: r.height },
        hit: !!at && (el === at || el.contains(at) || at.contains(el)),
      });
    }
    return { out, vw: window.innerWidth, vh: window.innerHeight };
  }, controls);
}

const overlaps = (
  a: { x: number; y: number; w: number; h: number },
  b: { x: number; y: number; w: number; h: number },
) =>
  a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;

describe('the layout at ordinary window sizes', () => {
  it('keeps every toolbar control visible, apart and clickable at 1440, 1280 and 1024', async () => {
    for (const [w, h] of viewports) {
      await size(w, h);
      const { out, vw, vh } = await toolbarBoxes();
      for (const c of out) {
        expect(c.box, `${c.name} at ${w}`).not.toBeNull();
        expect(c.hit, `${c.name} is covered at ${w}`).toBe(true);
        expect(c.box!.x, `${c.name} inside the window at ${w}`).toBeGreaterThanOrEqual(0);
        expect(c.box!.x + c.box!.w, `${c.name} inside the window at ${w}`).toBeLessThanOrEqual(vw);
        expect(c.box!.y + c.box!.h).toBeLessThanOrEqual(vh);
      }
      for (let i = 0; i < out.length; i++)
        for (let j = i + 1; j < out.length; j++)
          expect(
            overlaps(out[i]!.box!, out[j]!.box!),
            `${out[i]!.name} overlaps ${out[j]!.name} at ${w}`,
          ).toBe(false);
      // The sidebar's last entry (Trash) is not under anything either.
      const trash = lib().getByTestId('side-trash');
      await trash.scrollIntoViewIfNeeded();
      const hit = await trash.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !!at && el.contains(at);
      });
      expect(hit, `Trash is covered at ${w}`).toBe(true);
      // Every action works by a click: list and back, then the justified grid and back.
      await lib().getByTestId('list-view').click();
      await expect.poll(() => lib().locator('.list-view').count()).toBe(1);
      await lib().getByTestId('grid-view').click();
      await expect.poll(() => grid().count()).toBe(1);
      await lib().getByTestId('filters-button').click();
      await expect
        .poll(() => lib().getByRole('dialog', { name: 'Filters' }).isVisible())
        .toBe(true);
      await lib().getByTestId('filters-button').click();
      await lib().getByTestId('sort-dir').click();
      await lib().getByTestId('sort-dir').click();
    }
    await size(1440, 900);
  });

  it('gives the grid three columns at 1024×700 with the sidebar open, more when collapsed', async () => {
    await size(1024, 700);
    await expect.poll(() => lib().locator('.lib-sidebar').count()).toBe(1);
    await expect.poll(() => lib().getByTestId('detail-panel').count()).toBe(1);
    const open = await columns();
    expect(open).toBeGreaterThanOrEqual(3);
    await lib().getByTestId('toggle-sidebar').click();
    await expect.poll(() => lib().locator('.lib-sidebar').count()).toBe(0);
    await expect.poll(columns).toBeGreaterThan(open);
    // The detail panel collapsed too: more again.
    const noSidebar = await columns();
    await lib().getByTestId('toggle-detail').click();
    await expect.poll(() => lib().getByTestId('detail-panel').count()).toBe(0);
    await expect.poll(columns).toBeGreaterThan(noSidebar);
    await shootAll(page, 'layout-library-collapsed');
    await lib().getByTestId('toggle-sidebar').click();
    await lib().getByTestId('toggle-detail').click();
    await expect.poll(() => lib().locator('.lib-sidebar').count()).toBe(1);
    await expect.poll(() => lib().getByTestId('detail-panel').count()).toBe(1);
    await size(1440, 900);
  });

  it('collapses the sidebar with [ and the detail panel with ], and remembers both', async () => {
    await cards().first().click();
    await page.keyboard.press('[');
    await expect.poll(() => lib().locator('.lib-sidebar').count()).toBe(0);
    await page.keyboard.press(']');
    await expect.poll(() => lib().getByTestId('detail-panel').count()).toBe(0);
    // Not while typing: the search box takes the brackets as text.
    await lib().getByTestId('library-search').fill('');
    await lib().getByTestId('library-search').press('[');
    await expect.poll(() => lib().locator('.lib-sidebar').count()).toBe(0);
    await lib().getByTestId('library-search').fill('');
    await page.mouse.click(5, 5);
    await page.reload();
    await cards().first().waitFor();
    expect(await lib().locator('.lib-sidebar').count()).toBe(0);
    expect(await lib().getByTestId('detail-panel').count()).toBe(0);
    expect(await lib().getByTestId('toggle-sidebar').getAttribute('aria-pressed')).toBe('false');
    // And by button after the reload, remembered again.
    await lib().getByTestId('toggle-sidebar').click();
    await lib().getByTestId('toggle-detail').click();
    await page.reload();
    await cards().first().waitFor();
    expect(await lib().locator('.lib-sidebar').count()).toBe(1);
    expect(await lib().getByTestId('detail-panel').count()).toBe(1);
  });

  it('lays out a justified grid that keeps aspect ratios, and remembers it', async () => {
    await size(1440, 900);
    await shootAll(page, 'layout-library');
    await lib().getByTestId('justified-view').click();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('justified');
    const ratio = (id: string) =>
      lib()
        .locator(`[data-testid=lib-card][data-id="${id}"] .thumb`)
        .evaluate((el) => el.getBoundingClientRect().width / el.getBoundingClientRect().height);
    const wide = await ratio(landscape[0]!);
    const tall = await ratio(portrait[0]!);
    expect(wide).toBeGreaterThan(1.8);
    expect(wide).toBeLessThan(2.2);
    expect(tall).toBeGreaterThan(0.58);
    expect(tall).toBeLessThan(0.75);
    const widthOf = (id: string) =>
      lib()
        .locator(`[data-testid=lib-card][data-id="${id}"]`)
        .evaluate((el) => el.getBoundingClientRect().width);
    expect(await widthOf(landscape[0]!)).toBeGreaterThan((await widthOf(portrait[0]!)) * 2);
    // Rows fill the width: the first row's right edge is the grid's, within the padding.
    const edges = await grid().evaluate((g) => {
      const box = g.getBoundingClientRect();
      const cells = [...g.querySelectorAll('.vgrid-cell')].map((c) => c.getBoundingClientRect());
      const top = Math.min(...cells.map((c) => c.top));
      const first = cells.filter((c) => Math.abs(c.top - top) < 1);
      return { right: Math.max(...first.map((c) => c.right)), gridRight: box.left + g.clientWidth };
    });
    expect(Math.abs(edges.gridRight - 10 - edges.right)).toBeLessThanOrEqual(1);
    // Keyboard focus still scrolls into view down a long justified grid.
    await cards().first().click();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('detail-panel').count()).toBe(1);
    await page.keyboard.press('Home');
    await shootAll(page, 'layout-library-justified');
    await page.reload();
    await cards().first().waitFor();
    expect(await grid().getAttribute('data-layout')).toBe('justified');
    expect(await lib().getByTestId('justified-view').getAttribute('aria-pressed')).toBe('true');
    // Square again, remembered too.
    await lib().getByTestId('grid-view').click();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('square');
    await page.reload();
    await cards().first().waitFor();
    expect(await grid().getAttribute('data-layout')).toBe('square');
  });

  it('shows the list view at every size', async () => {
    await lib().getByTestId('list-view').click();
    await expect.poll(() => lib().locator('.list-view').count()).toBe(1);
    // Every column shown fits beside the detail panel (none spills under it).
    for (const [w, h] of viewports) {
      await size(w, h);
      const spill = await lib()
        .locator('.list-view')
        .evaluate((list) => {
          const right = list.getBoundingClientRect().right;
          return [...list.querySelectorAll('.list-head > span')]
            .filter((c) => c.getBoundingClientRect().width > 0)
            .filter((c) => c.getBoundingClientRect().right > right + 0.5)
            .map((c) => `${c.className} ${c.getBoundingClientRect().right} > ${right}`)
            .join(', ');
        });
      expect(spill, `list columns spill at ${w}`).toBe('');
    }
    await shootAll(page, 'layout-library-list');
    await lib().getByTestId('grid-view').click();
  });

  it('keeps the Packs page form usable at 1024×700', async () => {
    await page.goto(page.url().replace(/#.*$/, '') + '#/packs');
    await page.getByLabel('New pack name').fill('Layout Pack');
    await page.getByRole('button', { name: 'New pack' }).click();
    await page.getByLabel('Name', { exact: true }).waitFor();
    await shootAll(page, 'layout-packs');
    for (const [w, h] of viewports) {
      await size(w, h);
      for (const label of ['Name', 'Slug', 'Theme', 'Version', 'License', 'Description']) {
        const field = page.getByLabel(label, { exact: true });
        await field.scrollIntoViewIfNeeded();
        const fit = await field.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const at = document.elementFromPoint(r.x + Math.min(20, r.width / 2), r.y + r.height / 2);
          // Clipped by any scrolling or hidden-overflow ancestor?
          let clipped = false;
          for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (s.overflowX === 'visible') continue;
            const b = p.getBoundingClientRect();
            if (r.left < b.left - 1 || r.right > b.right + 1) clipped = true;
          }
          return {
            width: r.width,
            right: r.right,
            vw: window.innerWidth,
            hit: !!at && (at === el || el.contains(at)),
            clipped,
          };
        });
        expect(fit.width, `${label} width at ${w}`).toBeGreaterThanOrEqual(140);
        expect(fit.right, `${label} inside the window at ${w}`).toBeLessThanOrEqual(fit.vw);
        expect(fit.hit, `${label} is covered at ${w}`).toBe(true);
        expect(fit.clipped, `${label} is clipped at ${w}`).toBe(false);
      }
      // The page does not scroll sideways.
      const sideways = await page.evaluate(() => {
        const c = document.querySelector('.content')!;
        return c.scrollWidth - c.clientWidth;
      });
      expect(sideways, `Packs page scrolls sideways at ${w}`).toBeLessThanOrEqual(1);
    }
    await size(1440, 900);
    expect(errors).toEqual([]);
  });
});
