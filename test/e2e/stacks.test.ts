import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../src-main/contract';
import { createApi } from '../../src-main/core/api/dispatch';
import { asset, insertAssets } from '../core/browse/helpers';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary, type SeededLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium, openLibrary } from './support/browser';
import { shootAll } from './support/screens';

/**
 * Issue 18's browsing tools in Chromium: stacks (an original with its upscale and denoise is one
 * card with a badge; the badge or S expands it in place; "Stack versions" turns stacking off and
 * is remembered), a video card scrubs through its frames under the mouse, and an audio card shows
 * its real waveform.
 */

let browser: Browser;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let seeded: SeededLibrary;
let page: Page;
const errors: string[] = [];
const t = tempDir('atelier-e2e-stacks-');
const ids = { original: '', upscale: '', denoise: '', video: '', audio: '' };

/** Six seconds whose hue sweeps the wheel: every tenth of it looks different. */
function sweepVideo(dir: string): string {
  const file = path.join(dir, 'sweep.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=480x270:rate=10:duration=6',
    '-vf',
    'hue=h=t*60',
    '-pix_fmt',
    'yuv420p',
    '-y',
    file,
  ]);
  return file;
}

/** Four seconds of a tone that swells and fades three times: a waveform with a shape to see. */
function pulseAudio(dir: string): string {
  const file = path.join(dir, 'pulse.wav');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.9*sin(2*PI*220*t)*abs(sin(PI*t*0.75)):d=4:s=44100',
    '-c:a',
    'pcm_s16le',
    '-y',
    file,
  ]);
  return file;
}

beforeAll(async () => {
  const dataDir = path.join(t.dir, 'data');
  seeded = await seedLibrary(dataDir, path.join(t.dir, 'files'), 8, 0);
  server = await serveLibrary(dataDir);
  // The oldest seeded picture gets an upscale and a denoise (sharing its thumbnail), newer than
  // every other picture: unstacked, they would be the first cards.
  const original = seeded.real[seeded.real.length - 1]!;
  ids.original = original.id;
  const upscale = asset(
    {
      filename: 'gen_007_upscaled_4x.png',
      thumb_key: original.thumb_key,
      width: 3072,
      height: 3072,
      derived_from: original.id,
      provenance: 'enhanced',
    },
    100,
  );
  const denoise = asset(
    {
      filename: 'gen_007_denoised.png',
      thumb_key: original.thumb_key,
      width: 768,
      height: 768,
      derived_from: original.id,
      provenance: 'enhanced',
    },
    101,
  );
  insertAssets(server.core.sqlite, [upscale, denoise]);
  ids.upscale = upscale.id;
  ids.denoise = denoise.id;
  // A real video and a real audio file through ingest: poster, waveform and thumbnails as in use.
  const media = path.join(t.dir, 'media');
  execFileSync('mkdir', ['-p', media]);
  const video = sweepVideo(media);
  const audio = pulseAudio(media);
  const r = await createApi(server.core).invoke('ingest.importFiles', { paths: [video, audio] });
  if (!r.ok) throw new Error(r.error.message);
  const summary = r.value as MethodOutput<'ingest.importFiles'>;
  ids.video = summary.outcomes.find((o) => o.path === video)!.assetId!;
  ids.audio = summary.outcomes.find((o) => o.path === audio)!.assetId!;

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await openLibrary(page, server.url);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

const lib = () => page.getByTestId('library-view');
const card = (id: string) => lib().locator(`[data-testid=lib-card][data-id="${id}"]`);
const cardIds = () =>
  lib()
    .locator('[data-testid=asset-grid] [data-testid=lib-card]')
    .evaluateAll((els) => {
      // In reading order: by row, then by x.
      const placed = els.map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.getAttribute('data-id')!, y: Math.round(r.top), x: r.left };
      });
      placed.sort((a, b) => a.y - b.y || a.x - b.x);
      return placed.map((p) => p.id);
    });

/** Every card's picture has loaded (screenshots show pictures, not placeholders). */
async function picturesIn(): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=asset-grid] .thumb img')].every(
      (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
    ),
  );
}

describe('stacks', () => {
  it('shows an original with its versions as one card with the stack badge', async () => {
    await expect.poll(() => card(ids.original).count()).toBe(1);
    const badge = card(ids.original).getByTestId('stack-badge');
    await expect.poll(() => badge.textContent()).toBe('3');
    expect(await badge.getAttribute('title')).toContain('selects the original only');
    expect(await card(ids.upscale).count()).toBe(0);
    expect(await card(ids.denoise).count()).toBe(0);
    // Selecting the collapsed stack selects the original only.
    await card(ids.original).click();
    await expect.poll(() => card(ids.original).getAttribute('aria-selected')).toBe('true');
    expect(await lib().locator('[data-testid=lib-card][aria-selected=true]').count()).toBe(1);
    await picturesIn();
    await shootAll(page, 'stacks-collapsed');
  });

  it('the badge expands the stack in place, and collapses it again', async () => {
    await card(ids.original).getByTestId('stack-badge').click();
    await expect.poll(() => card(ids.upscale).count()).toBe(1);
    const order = await cardIds();
    const at = order.indexOf(ids.original);
    // The versions come right after their original, oldest first.
    expect(order.slice(at, at + 3)).toEqual([ids.original, ids.upscale, ids.denoise]);
    expect(await card(ids.upscale).getAttribute('data-stack-of')).toBe(ids.original);
    expect(await card(ids.original).getByTestId('stack-badge').getAttribute('data-expanded')).toBe(
      '1',
    );
    await picturesIn();
    await shootAll(page, 'stacks-expanded');
    await card(ids.original).getByTestId('stack-badge').click();
    await expect.poll(() => card(ids.upscale).count()).toBe(0);
    expect(await card(ids.denoise).count()).toBe(0);
  });

  it('S opens and closes the focused stack; arrows walk originals while it is closed', async () => {
    await card(ids.original).click();
    await page.keyboard.press('s');
    await expect.poll(() => card(ids.denoise).count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => card(ids.upscale).getAttribute('aria-selected')).toBe('true');
    // S on a version closes its stack; focus goes back to the original.
    await page.keyboard.press('s');
    await expect.poll(() => card(ids.upscale).count()).toBe(0);
    await expect.poll(() => card(ids.original).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    const focused = await lib().locator('[data-testid=lib-card].focused').getAttribute('data-id');
    expect(focused).toBe(ids.original);
  });

  it('"Stack versions" off shows every version on its own card, and is remembered', async () => {
    const toggle = lib().getByTestId('stack-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    await expect.poll(() => card(ids.upscale).count()).toBe(1);
    expect(await card(ids.denoise).count()).toBe(1);
    expect(await card(ids.original).getByTestId('stack-badge').count()).toBe(0);
    await picturesIn();
    await shootAll(page, 'stacks-off');
    await page.reload();
    await lib().locator('[data-testid=lib-card]').first().waitFor();
    expect(await lib().getByTestId('stack-toggle').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => card(ids.upscale).count()).toBe(1);
    await lib().getByTestId('stack-toggle').click();
    await expect.poll(() => card(ids.upscale).count()).toBe(0);
  });
});

describe('stacks in the list', () => {
  it('shows the badge after the name and expands the stack in place', async () => {
    const row = (id: string) => lib().locator(`[data-testid=lib-row][data-id="${id}"]`);
    await lib().getByTestId('list-view').click();
    await row(ids.original).waitFor();
    expect(await row(ids.upscale).count()).toBe(0);
    const badge = row(ids.original).getByTestId('stack-badge');
    expect(await badge.textContent()).toBe('3');
    await badge.click();
    await expect.poll(() => row(ids.upscale).count()).toBe(1);
    expect(await row(ids.denoise).getByTestId('stack-member').count()).toBe(1);
    await shootAll(page, 'stacks-list');
    await badge.click();
    await expect.poll(() => row(ids.upscale).count()).toBe(0);
    await lib().getByTestId('grid-view').click();
    await card(ids.video).waitFor();
  });
});

describe('media cards', () => {
  it('a video card scrubs through its frames under the mouse', async () => {
    const video = card(ids.video);
    await video.waitFor();
    const box = (await video.locator('.thumb').boundingBox())!;
    const scrub = video.getByTestId('video-scrub');
    const at = async (fraction: number) => {
      await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
      await expect.poll(() => scrub.getAttribute('data-frame'), { timeout: 15_000 }).not.toBe('');
      return {
        frame: await scrub.getAttribute('data-frame'),
        position: await scrub.evaluate((e) => (e as HTMLElement).style.backgroundPosition),
        image: await scrub.evaluate((e) => (e as HTMLElement).style.backgroundImage),
      };
    };
    const left = await at(0.12);
    const right = await at(0.88);
    expect(left.image).toContain(`/media/${ids.video}/sprite`);
    expect(left.frame).toBe('1');
    expect(right.frame).toBe('8');
    expect(right.position).not.toBe(left.position);
    // No <video> anywhere in the grid.
    expect(await lib().locator('[data-testid=asset-grid] video').count()).toBe(0);
    await shootAll(page, 'stacks-scrub', {
      prepare: async () => {
        const b = (await card(ids.video).locator('.thumb').boundingBox())!;
        await page.mouse.move(b.x + b.width * 0.1, b.y + b.height / 2);
        await page.mouse.move(b.x + b.width * 0.55, b.y + b.height / 2);
        await expect.poll(() => scrub.getAttribute('data-frame')).toBe('5');
      },
    });
    await page.mouse.move(0, 0);
    await expect.poll(() => scrub.getAttribute('data-frame')).toBe('');
  });

  it('an audio card shows its waveform picture, not an icon', async () => {
    const audio = card(ids.audio);
    const img = audio.locator('.thumb img');
    await img.waitFor();
    expect(await img.getAttribute('src')).toContain(`/media/${ids.audio}/thumb`);
    await page.waitForFunction((id) => {
      const i = document.querySelector(
        `[data-testid=lib-card][data-id="${id}"] .thumb img`,
      ) as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    }, ids.audio);
    const size = await img.evaluate((i) => ({
      w: (i as HTMLImageElement).naturalWidth,
      h: (i as HTMLImageElement).naturalHeight,
    }));
    // A waveform is wide and short (1024×256 drawn, 512×128 as the card's WebP).
    expect(size.w).toBeGreaterThan(size.h * 2);
    expect(await audio.locator('.thumb-placeholder').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
