import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../src-main/core/api/dispatch';
import { hamming, parsePhash } from '../../src-main/core/curation/nearDuplicates';
import { asset, insertAssets } from '../core/browse/helpers';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary, type SeededLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium, openLibrary } from './support/browser';
import { shootAll } from './support/screens';

/**
 * Duplicates that do no damage and a search that finds what creators type, in Chromium:
 * keep-the-best never silently rejects a pack member, an upscale is not its original's
 * duplicate, `cyber` finds cyberpunk and a model name finds its images.
 */
let browser: Browser;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let seeded: SeededLibrary;
let page: Page;
const errors: string[] = [];
const t = tempDir('atelier-e2e-dups-search-');
let sold = '';
let lookalike = '';
let original = '';
let upscaled = '';

const call = async (method: string, input: unknown) => {
  const r = await createApi(server.core).invoke(method as never, input as never);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as never;
};
const status = (id: string) =>
  (
    server.core.sqlite.prepare('SELECT status FROM assets WHERE id = ?').get(id) as {
      status: string;
    }
  ).status;
const phash = (id: string) =>
  (server.core.sqlite.prepare('SELECT phash FROM assets WHERE id = ?').get(id) as { phash: string })
    .phash;

beforeAll(async () => {
  const dataDir = path.join(t.dir, 'data');
  seeded = await seedLibrary(dataDir, path.join(t.dir, 'files'), 12, 0);
  server = await serveLibrary(dataDir);
  // A pack member and a bigger, better-rated look-alike made with another model.
  const thumb = (i: number) => seeded.real[i]!.thumb_key;
  const a = asset(
    {
      filename: 'castle-sold.png',
      phash: 'c3c3c3c3a5a5a5a5',
      thumb_key: thumb(2),
      prompt: 'a castle on a hill at dawn',
      provenance: 'ai_generated',
      model: 'juggernautXL_v9',
    },
    500,
  );
  const b = asset(
    {
      filename: 'castle-lookalike.png',
      phash: 'c3c3c3c3a5a5a5a7',
      thumb_key: thumb(3),
      width: 2048,
      height: 2048,
      rating: 5,
      prompt: 'a castle on a hill, morning light',
      provenance: 'ai_generated',
      model: 'dreamshaper_8',
    },
    501,
  );
  insertAssets(server.core.sqlite, [a, b]);
  server.core.sqlite
    .prepare('UPDATE assets SET generation_params = ? WHERE id = ?')
    .run(JSON.stringify({ sampler: 'DPM++ 2M Karras', steps: 30 }), b.id);
  sold = a.id;
  lookalike = b.id;
  const pack = (await call('packs.create', { name: 'Castles at dawn' })) as { id: string };
  await call('packs.addAssets', { packId: pack.id, assetIds: [sold] });

  // A real picture, ingested, and its ×2 upscale made by the job queue.
  const file = path.join(t.dir, 'files', 'lighthouse.png');
  await sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
      <rect width="100%" height="100%" fill="#2c7be5"/><circle cx="90" cy="80" r="60" fill="#ffd34d"/>
      <rect x="180" y="60" width="50" height="180" fill="#f4f4f4"/><rect x="0" y="190" width="320" height="50" fill="#13a3a3"/>
    </svg>`),
  )
    .png()
    .toFile(file);
  const ingested = (await call('ingest.importFiles', { paths: [file] })) as {
    outcomes: { assetId: string | null }[];
  };
  original = ingested.outcomes[0]!.assetId!;
  const { jobId } = (await call('process.run', {
    kind: 'upscale',
    assetIds: [original],
    params: { scale: 2, engine: 'lanczos' },
  })) as { jobId: string };
  const end = Date.now() + 60_000;
  for (;;) {
    const j = (await call('jobs.get', { id: jobId })) as {
      status: string;
      outputAssetIds: string[];
      error: string | null;
    };
    if (j.status === 'completed') {
      upscaled = j.outputAssetIds[0]!;
      break;
    }
    if (j.status === 'failed' || Date.now() > end)
      throw new Error(`upscale: ${j.status} ${j.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await openLibrary(page, server.url);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

const lib = () => page.getByTestId('library-view');
const cards = () => lib().locator('[data-testid=lib-card]');
const search = async (q: string) => {
  await lib().getByTestId('library-search').fill(q);
  await lib().getByTestId('library-search').press('Enter');
};

describe('duplicates that do no damage', () => {
  beforeEach(async () => {
    await page.keyboard.press('Escape');
  });

  it('an upscale output is not grouped with its original', async () => {
    // They look alike: before derived assets were left out, these two formed a group.
    const bits = hamming(parsePhash(phash(original))!, parsePhash(phash(upscaled))!);
    expect(bits).toBeLessThanOrEqual(6);
    await lib().getByTestId('side-duplicates').click();
    const view = lib().getByTestId('duplicates-view');
    await expect.poll(() => view.getByTestId('dup-group').count()).toBe(3);
    for (const id of [original, upscaled])
      expect(await view.locator(`[data-testid=dup-item][data-id="${id}"]`).count()).toBe(0);
  });

  it('keep-best never rejects a pack member: it keeps it by default, and asks when told otherwise', async () => {
    const view = lib().getByTestId('duplicates-view');
    const group = view
      .getByTestId('dup-group')
      .filter({ has: page.locator(`[data-id="${sold}"]`) });
    // The pack member leads its group (kept by default), badged with its pack.
    await expect
      .poll(() => group.getByTestId('dup-item').first().getAttribute('data-id'))
      .toBe(sold);
    expect(await group.getByTestId('dup-pack').textContent()).toBe('In Castles at dawn');
    expect(await group.getByTestId('dup-similarity').textContent()).toBe('98% similar');
    expect(await view.getByTestId('dup-threshold').textContent()).toBe('91% similar');
    const shots = await shootAll(page, 'dups-view', {
      prepare: () => group.scrollIntoViewIfNeeded(),
    });
    expect(shots).toHaveLength(6);

    // Keep the look-alike instead: keep-the-best now asks, and nothing changes meanwhile.
    await group.locator(`[data-id="${lookalike}"]`).click();
    await view.getByTestId('keep-best-all').click();
    const ask = view.getByTestId('dup-confirm');
    await ask.waitFor();
    expect(await ask.textContent()).toContain('castle-sold.png');
    expect(await ask.textContent()).toContain('Castles at dawn');
    expect(status(sold)).toBe('pending');
    expect(seeded.real.slice(-4).map((a) => status(a.id))).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    await shootAll(page, 'dups-confirm');
    // "Keep pack members": the other groups are resolved, the pack member is untouched.
    await ask.getByTestId('dup-spare-packs').click();
    await expect
      .poll(() =>
        seeded.real
          .slice(-4)
          .map((a) => status(a.id))
          .sort(),
      )
      .toEqual(['approved', 'approved', 'rejected', 'rejected']);
    expect(status(sold)).toBe('pending');

    // Asked again and confirmed: then, and only then, it is rejected.
    await expect.poll(() => view.getByTestId('dup-group').count()).toBeGreaterThan(0);
    const again = view
      .getByTestId('dup-group')
      .filter({ has: page.locator(`[data-id="${sold}"]`) });
    await again.locator(`[data-id="${lookalike}"]`).click();
    await again.getByTestId('keep-best').click();
    await view.getByTestId('dup-confirm').getByTestId('dup-reject-packs').click();
    await expect.poll(() => status(sold)).toBe('rejected');
    expect(status(lookalike)).toBe('approved');
    await call('curation.undo', {});
    await lib().getByTestId('side-all').click();
  });
});

describe('search finds what creators type', () => {
  it('cyber finds cyberpunk, highlighted', async () => {
    await search('cyber');
    // Seeded prompts: every fourth is "neon city at night, cyberpunk".
    await expect.poll(() => cards().count()).toBe(3);
    const marks = await lib().locator('[data-testid=snippet] mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(m.toLowerCase()).toBe('cyberpunk');
    await shootAll(page, 'search-cyber');
  });

  it('a model or sampler name finds its images', async () => {
    await search('dreamshaper');
    await expect.poll(() => cards().count()).toBe(1);
    expect(await cards().first().getAttribute('data-id')).toBe(lookalike);
    expect(await lib().locator('[data-testid=snippet] mark').first().textContent()).toBe(
      'dreamshaper',
    );
    await search('karras');
    await expect.poll(() => cards().count()).toBe(1);
    await search('juggernaut');
    await expect.poll(() => cards().count()).toBe(1);
    expect(await cards().first().getAttribute('data-id')).toBe(sold);
    await search('"cyber"');
    await expect.poll(() => cards().count()).toBe(0);
  });

  const mounted = readFileSync(
    path.resolve('src-renderer/src/library/LibraryView.tsx'),
    'utf8',
  ).includes('EmptySearch');
  it.skipIf(!mounted)('an empty result says what to try, with one-click clears', async () => {
    await lib().getByTestId('side-all').click();
    await search('xyzzy castle');
    const empty = lib().getByTestId('empty-search');
    await empty.waitFor();
    // <q> draws its quotation marks with CSS: the text holds the words alone.
    expect(await empty.textContent()).toContain('No results for xyzzy castle');
    expect(await empty.textContent()).toMatch(/Try fewer words, another spelling/);
    await shootAll(page, 'search-empty');
    await empty.getByTestId('empty-fewer-words').click();
    await expect.poll(() => lib().getByTestId('library-search').inputValue()).toBe('xyzzy');
    await empty.getByTestId('empty-clear-search').click();
    await expect.poll(() => cards().count()).toBeGreaterThan(0);
  });

  it('no page errors', () => {
    expect(errors).toEqual([]);
  });
});

describe('upscaling without a GPU', () => {
  it('Settings and the upscale choice say Vulkan runs on the CPU; the choice is remembered', async () => {
    await search('');
    await cards().first().click();
    const engine = page.getByTestId('upscale-engine');
    await engine.scrollIntoViewIfNeeded();
    // lavapipe: the fast model by default, and a note saying why.
    await expect.poll(() => engine.inputValue()).toBe('fast');
    expect(await page.getByTestId('upscale-note').textContent()).toMatch(
      /No GPU: AI upscaling runs on the CPU \(llvmpipe\)/,
    );
    await engine.selectOption('lanczos');
    await page.reload();
    await cards().first().click();
    await expect.poll(() => page.getByTestId('upscale-engine').inputValue()).toBe('lanczos');
    await page.getByTestId('upscale-engine').selectOption('quality');
    await page.getByTestId('upscale-engine').scrollIntoViewIfNeeded();
    await shootAll(page, 'upscale-choice', {
      scrollTop: false,
      prepare: () => page.getByTestId('upscale-engine').scrollIntoViewIfNeeded(),
    });
    await page.goto(page.url().replace(/#.*$/, '') + '#/settings');
    const row = page.getByTestId('engine-vulkan');
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/llvmpipe.*software, on the CPU/);
    expect(await row.textContent()).toMatch(/No GPU: Vulkan runs on the CPU/);
    await shootAll(page, 'engines-vulkan', {
      scrollTop: false,
      prepare: () => row.scrollIntoViewIfNeeded(),
    });
  });
});
