import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../src-main/contract';
import { createApi } from '../../src-main/core/api/dispatch';
import { makeVideo } from '../core/process/mediaFixtures';
import { tempDir } from '../helpers/tempDir';
import { seedLibrary } from './librarySeed';
import { serveLibrary } from './libraryServe';
import { launchChromium, openLibrary } from './support/browser';
import { shootAll } from './support/screens';

/**
 * Subtitles in the Library (issue 19): SRT and WebVTT files are cards with their first lines,
 * a "Subtitles" filter in the sidebar, the cues with their times and the language in the detail
 * panel, and a reading view in review mode.
 */

let browser: Browser;
let server: Awaited<ReturnType<typeof serveLibrary>>;
let page: Page;
const errors: string[] = [];
const t = tempDir('atelier-e2e-subtitles-');
const ids = { srt: '', vtt: '', video: '' };

const srt = `1
00:00:00,500 --> 00:00:02,400
Hoy vamos a pintar
una montaña al atardecer.

2
00:00:03,000 --> 00:00:05,100
Primero, el cielo.

3
00:00:05,600 --> 00:00:08,000
Gracias por ver este vídeo.
`;

const vtt = `WEBVTT
Language: fr

00:00.500 --> 00:02.400
Aujourd'hui, nous peignons une montagne.

00:03.000 --> 00:05.100
D'abord, le ciel.
`;

beforeAll(async () => {
  const dataDir = path.join(t.dir, 'data');
  await seedLibrary(dataDir, path.join(t.dir, 'files'), 6, 0);
  server = await serveLibrary(dataDir);
  const media = path.join(t.dir, 'media');
  mkdirSync(media);
  const video = makeVideo(media, 'sunset.mp4', 8);
  const files = {
    srt: path.join(media, 'sunset.es.srt'),
    vtt: path.join(media, 'sunset-fr.vtt'),
  };
  writeFileSync(files.srt, srt);
  writeFileSync(files.vtt, vtt);
  const r = await createApi(server.core).invoke('ingest.importFiles', {
    paths: [video, files.srt, files.vtt],
  });
  if (!r.ok) throw new Error(r.error.message);
  const summary = r.value as MethodOutput<'ingest.importFiles'>;
  ids.srt = summary.outcomes.find((o) => o.path === files.srt)!.assetId!;
  ids.vtt = summary.outcomes.find((o) => o.path === files.vtt)!.assetId!;
  ids.video = summary.outcomes.find((o) => o.path === video)!.assetId!;
  // The French WebVTT was made from the video (as a localisation's would be).
  server.core.sqlite
    .prepare(`UPDATE assets SET derived_from = ?, provenance = 'derived' WHERE id = ?`)
    .run(ids.video, ids.vtt);
  server.core.sqlite
    .prepare(
      `INSERT INTO asset_links (asset_id, role, source_kind, source_id, created_at) VALUES (?, 'source', 'asset', ?, ?)`,
    )
    .run(ids.vtt, ids.video, new Date().toISOString());

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

describe('subtitles in the Library', () => {
  it('are cards with their first lines, and the sidebar filters to them', async () => {
    const side = page.getByTestId('side-subtitles');
    await expect.poll(() => side.textContent()).toMatch(/Subtitles\s*2/);
    await side.click();
    await expect
      .poll(() => lib().locator('[data-testid=asset-grid] [data-testid=lib-card]').count())
      .toBe(2);
    // Each card shows its drawn card (a real picture, not the placeholder icon).
    for (const id of [ids.srt, ids.vtt])
      await expect
        .poll(() =>
          card(id)
            .locator('.thumb img')
            .evaluate(
              (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth,
            ),
        )
        .toBe(256);
  });

  it('the detail panel reads the cues with their times and says the language', async () => {
    await card(ids.srt).click();
    const panel = page.getByTestId('detail-panel');
    const cues = panel.getByTestId('subtitle-cue');
    await expect.poll(() => cues.count()).toBe(3);
    expect(await cues.first().textContent()).toMatch(/^0:00\.5Hoy vamos a pintar\s+una montaña/);
    expect(await panel.getByTestId('subtitle-preview').textContent()).toMatch(
      /ES · SRT\s*Spanish · 3 cues/,
    );
    expect(await panel.getByTestId('detail-language').textContent()).toBe('Spanish');
    // Subtitles convert between SRT and WebVTT; picture and sound tools are not offered.
    const actions = panel.getByTestId('process-actions');
    expect(await actions.getByRole('combobox', { name: 'Convert to' }).textContent()).toMatch(
      /SRT.*VTT/,
    );
    expect(await actions.getByRole('button', { name: /Enhance|Denoise|Upscale/ }).count()).toBe(0);
    await shootAll(page, 'subtitles-library');
  });

  it('review mode shows them as a reading view; the WebVTT header gives its language', async () => {
    await card(ids.vtt).click();
    await page.keyboard.press('Enter');
    const review = page.getByTestId('review-mode');
    await expect.poll(() => review.getByTestId('subtitle-cue').count()).toBe(2);
    expect(await review.getByTestId('subtitle-preview').textContent()).toMatch(/French · 2 cues/);
    await shootAll(page, 'subtitles-review');
    await page.keyboard.press('Escape');
  });

  it('the search box finds a subtitle file by what it says', async () => {
    const box = page.getByPlaceholder(/Search prompts/);
    await box.fill('cielo');
    await expect
      .poll(() => lib().locator('[data-testid=asset-grid] [data-testid=lib-card]').count())
      .toBe(1);
    expect(await card(ids.srt).getByTestId('snippet').textContent()).toMatch(/cielo/);
    await box.fill('');
  });

  it("a video's player offers the WebVTT subtitles made from it", async () => {
    await page.getByTestId('side-subtitles').click();
    await page.getByRole('button', { name: /^Video\b/ }).click();
    await card(ids.video).click();
    const track = page.getByTestId('detail-panel').getByTestId('video-track');
    await expect.poll(() => track.count()).toBe(1);
    expect(await track.getAttribute('label')).toBe('sunset-fr.vtt');
    expect(await track.getAttribute('src')).toContain(ids.vtt);
    // The player loads it: its two cues, once the track is turned on.
    const cues = await track.evaluate(async (el) => {
      const t = el as HTMLTrackElement;
      t.track.mode = 'hidden';
      for (let i = 0; i < 100 && t.readyState !== 2; i++)
        await new Promise((r) => setTimeout(r, 50));
      return [...(t.track.cues ?? [])].map((c) => (c as VTTCue).text);
    });
    expect(cues).toEqual(["Aujourd'hui, nous peignons une montagne.", "D'abord, le ciel."]);
    expect(errors).toEqual([]);
  });
});
