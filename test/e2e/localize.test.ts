import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalizationDetail } from '../../src-main/contract/localize';
import { speakingVideo, speechEnginesProblem } from '../core/localize/speechWorld';
import { waitFor } from '../helpers/waitFor';
import { shootAll } from './support/screens';
import { serveWithBrowser } from './support/session';

// The real Debian engines (pocketsphinx, Apertium eng-spa, espeak-ng, flite): CI installs them.
const skip = speechEnginesProblem();
if (skip) console.info(`Localise e2e skipped: ${skip}`);

const three = [
  { text: 'The quick brown fox jumps over the lazy dog.', atMs: 500 },
  { text: 'Today we will paint a mountain at sunset.', atMs: 4500 },
  { text: 'Thank you for watching this short video.', atMs: 9000 },
];

describe.skipIf(skip !== null)('Localise in the browser', () => {
  const e2e = serveWithBrowser();
  const api = e2e.api;
  let page: Page;
  const errors: string[] = [];
  let videoId: string;
  let locId: string;

  const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) =>
    expect.poll(fn, { timeout, interval: 100 });
  const tid = (id: string) => page.getByTestId(id);
  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
  const cue = (n: number) => page.locator(`[data-testid=cue][data-index="${n}"]`);
  const detail = () => api<LocalizationDetail>('localize.get', { id: locId });
  const editorStatus = () => tid('loc-editor').getAttribute('data-status');

  beforeAll(async () => {
    const media = path.join(e2e.serve.root, 'media');
    mkdirSync(media);
    const video = speakingVideo(media, three, 13);
    await api('ingest.importFiles', { paths: [video] });
    await waitFor(
      async () => {
        const items = (
          await api<{ items: { id: string; filename: string }[] }>('assets.list', {
            type: 'video',
          })
        ).items;
        videoId = items.find((a) => a.filename === 'talk.mp4')?.id ?? '';
        return !!videoId;
      },
      60_000,
      'the speaking video in the Library',
    );
    page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl);
  });

  it('starts a localised video in Spanish from the New localisation dialog, refusing a pair Apertium lacks', async () => {
    await nav('Localise').click();
    await tid('localize-page').waitFor();
    await tid('localize-empty').waitFor();
    await shootAll(page, 'localize-empty');

    await tid('localize-new').click();
    const dlg = tid('loc-new-dialog');
    await dlg.waitFor();
    // The detected engines, per stage: the Debian ones work, Whisper says what it needs.
    const engine = (id: string) => dlg.locator(`[data-testid=loc-engine][data-engine="${id}"]`);
    await engine('pocketsphinx').waitFor();
    expect(await engine('pocketsphinx').getAttribute('data-ok')).toBe('true');
    expect(await engine('apertium').textContent()).toMatch(/eng→spa/);
    expect(await engine('espeak-ng').getAttribute('data-ok')).toBe('true');
    expect(await engine('whisper').textContent()).toMatch(/ATELIER_WHISPER_BIN/);
    expect(await engine('argos').textContent()).toMatch(/pip install argostranslate/);

    // No Library selection: a picker of the Library's videos.
    await dlg.locator('[data-testid=loc-new-pick]').first().waitFor();
    await shootAll(page, 'localize-new-picker');
    await dlg.locator('[data-testid=loc-new-pick]', { hasText: 'talk.mp4' }).click();
    expect(await tid('loc-new-video').getAttribute('data-asset-id')).toBe(videoId);
    await dlg.locator('[data-testid=loc-new-mode][data-mode=video]').click();

    // German: Apertium has no eng-deu here, so the dialog says so and will not start.
    await tid('loc-new-to').selectOption('de');
    await tid('loc-new-blocked').waitFor();
    expect(await tid('loc-new-blocked').textContent()).toMatch(
      /No engine translates English to German\. Installed pairs: eng→spa/,
    );
    expect(await tid('loc-new-start').isDisabled()).toBe(true);
    await shootAll(page, 'localize-new-refused');

    await tid('loc-new-to').selectOption('es');
    await poll(() => tid('loc-new-blocked').count()).toBe(0);
    expect(await tid('loc-new-start').isEnabled()).toBe(true);
    // Automatic names the engine it takes; Argos Translate, not installed here, is refused.
    expect(await tid('loc-new-translator').locator('option[value=auto]').textContent()).toBe(
      'Automatic (Apertium)',
    );
    await tid('loc-new-translator').selectOption('argos');
    await tid('loc-new-blocked').waitFor();
    expect(await tid('loc-new-blocked').textContent()).toMatch(
      /Argos Translate cannot translate yet: Install Argos Translate/,
    );
    expect(await tid('loc-new-start').isDisabled()).toBe(true);
    await tid('loc-new-translator').selectOption('auto');
    await poll(() => tid('loc-new-blocked').count()).toBe(0);
    await shootAll(page, 'localize-new');

    await tid('loc-new-start').click();
    await tid('loc-editor').waitFor();
    locId = (await tid('loc-editor').getAttribute('data-id'))!;
    const started = await detail();
    expect(started).toMatchObject({ assetId: videoId, mode: 'video', from: 'en', to: 'es' });
    await poll(() => tid('loc-new-dialog').count()).toBe(0);
  });

  it('shows the job live and then every cue with its translation beside the video', async () => {
    // Live progress while it runs (the first cues arrive after recognition).
    await poll(editorStatus, 60_000).toMatch(/running|completed/);
    if ((await editorStatus()) === 'running') {
      await tid('loc-progress').waitFor();
      await poll(() => tid('cue').count(), 90_000).toBeGreaterThan(0);
      await shootAll(page, 'localize-editor-running', { scrollTop: false });
    }
    await poll(editorStatus, 180_000).toBe('completed');
    await poll(() => tid('cue').count()).toBe(3);
    const d = await detail();
    expect(d.error).toBeNull();
    expect(await cue(1).getByTestId('cue-translation').inputValue()).toMatch(/zorro/);
    expect(await cue(2).getByTestId('cue-translation').inputValue()).toMatch(/montaña/);
    expect(await cue(1).getByTestId('cue-text').inputValue()).toMatch(/fox/);
    expect(await cue(1).getByTestId('cue-start').inputValue()).toMatch(/^00:0\d\.\d{3}$/);
    // Outputs: both languages' subtitles, the dub and the localised video in the Library.
    const out = (kind: string, lang: string) =>
      page.locator(`[data-testid=loc-output][data-kind=${kind}][data-language=${lang}]`);
    await out('video', 'es').waitFor();
    expect(await out('srt', 'en').count()).toBe(1);
    expect(await out('vtt', 'es').count()).toBe(1);
    expect(await out('dub', 'es').count()).toBe(1);
    await shootAll(page, 'localize-editor');
  });

  it('plays a cue from its start and highlights it; splits at the playhead and merges back', async () => {
    const v = tid('loc-video');
    await poll(() => v.evaluate((el: HTMLVideoElement) => el.readyState), 20_000).toBeGreaterThan(
      0,
    );
    const c2 = await detail().then((d) => d.cues[1]!);
    await cue(2).getByTestId('cue-play').click();
    // Seeked to the cue's start; it follows as the current cue.
    await poll(() => cue(2).getAttribute('data-current')).toBe('true');
    const at = await v.evaluate((el: HTMLVideoElement) => el.currentTime * 1000);
    expect(at).toBeGreaterThanOrEqual(c2.startMs - 50);
    expect(at).toBeLessThan(c2.endMs + 100);
    // The caption strip under the video shows the cue's translation.
    await poll(() => tid('loc-caption').textContent()).toMatch(/montaña/);
    await v.evaluate((el: HTMLVideoElement) => el.pause());

    // The playhead in the middle of cue 3: split there, then merge the two back.
    const c3 = await detail().then((d) => d.cues[2]!);
    const mid = Math.round((c3.startMs + c3.endMs) / 2);
    await v.evaluate((el: HTMLVideoElement, s: number) => (el.currentTime = s), mid / 1000);
    await poll(() => cue(3).getByTestId('cue-split').isEnabled()).toBe(true);
    await poll(() => cue(3).getAttribute('data-current')).toBe('true');
    await shootAll(page, 'localize-editor-playhead', { scrollTop: false });
    await cue(3).getByTestId('cue-split').click();
    await poll(() => tid('cue').count()).toBe(4);
    const split = await detail();
    expect(Math.abs(split.cues[2]!.endMs - mid)).toBeLessThanOrEqual(50);
    expect(split.cues[3]!.startMs).toBe(split.cues[2]!.endMs);
    await cue(3).getByTestId('cue-merge').click();
    await poll(() => tid('cue').count()).toBe(3);
    expect((await detail()).cues[2]!.endMs).toBe(c3.endMs);
  });

  it('drives the cues from the keyboard over the waveform: select, split, merge, edit, nudge', async () => {
    const wave = tid('loc-waveform');
    await poll(() => wave.getAttribute('data-ready')).toBe('true');
    const waveCue = (n: number) => wave.locator(`[data-testid=wave-cue][data-index="${n}"]`);
    expect(await wave.getByTestId('wave-cue').count()).toBe(3);
    const selected = () =>
      page.locator('[data-testid=cue][data-selected=true]').getAttribute('data-index');
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const row = el?.closest<HTMLElement>('[data-testid=cue]');
        return row ? `${row.dataset.index}:${el!.dataset.testid}` : null;
      });
    const playhead = () =>
      tid('loc-video').evaluate((el: HTMLVideoElement) => Math.round(el.currentTime * 1000));
    const before = await detail();
    const c2 = before.cues[1]!;

    // Arrows and J/K move the selection; a paused playhead goes to the selected cue's start.
    await page.locator('.loc-ed-title h1').click();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('k');
    await poll(selected).toBe('1');
    await page.keyboard.press('j');
    await poll(selected).toBe('2');
    await poll(playhead).toBe(c2.startMs);
    expect(await waveCue(2).getAttribute('data-selected')).toBe('true');

    // A click on the waveform moves the playhead there; S splits at it, M merges back.
    const box = (await waveCue(2).boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const mid = (c2.startMs + c2.endMs) / 2;
    await poll(async () => Math.abs((await playhead()) - mid)).toBeLessThan(400);
    await poll(() => cue(2).getAttribute('data-current')).toBe('true');
    await page.keyboard.press('s');
    await poll(() => tid('cue').count()).toBe(4);
    const split = await detail();
    expect(split.cues[1]!.endMs).toBe(split.cues[2]!.startMs);
    expect(Math.abs(split.cues[1]!.endMs - mid)).toBeLessThan(400);
    expect(await wave.getByTestId('wave-cue').count()).toBe(4);
    await page.keyboard.press('m');
    await poll(() => tid('cue').count()).toBe(3);
    expect((await detail()).cues[1]!.endMs).toBe(c2.endMs);

    // Enter edits the text, Shift+Enter the translation; Ctrl+Enter saves and goes on; Esc leaves.
    await page.keyboard.press('Enter');
    await poll(focused).toBe('2:cue-text');
    await page.keyboard.press('j'); // typed, not a shortcut
    await page.keyboard.press('Escape');
    await poll(focused).toBe(null);
    expect(await cue(2).getByTestId('cue-text').inputValue()).toBe(c2.text);
    await page.keyboard.press('Shift+Enter');
    await poll(focused).toBe('2:cue-translation');
    await page.keyboard.press('ControlOrMeta+Enter');
    await poll(focused).toBe('3:cue-translation');
    await poll(selected).toBe('3');
    await page.keyboard.press('Escape');
    await page.keyboard.press('k');
    await poll(selected).toBe('2');

    // [ ] move the start, ; ' the end: 0.1 s, or 10 ms with Shift; each marks the cue changed.
    await page.keyboard.press('BracketRight');
    await page.keyboard.press('Shift+BracketLeft');
    await page.keyboard.press('Quote');
    await page.keyboard.press('Quote');
    await poll(async () => {
      const c = (await detail()).cues[1]!;
      return [c.startMs - c2.startMs, c.endMs - c2.endMs];
    }).toEqual([90, 200]);
    await poll(() => cue(2).getByTestId('cue-changed').count()).toBe(1);
    expect(await cue(2).getByTestId('cue-changed').getAttribute('title')).toMatch(
      /Changed since the last run/,
    );
    const changed = (await detail()).cues.filter((c) => c.changed).length;
    expect(await tid('cue-changed').count()).toBe(changed);
    expect(await tid('loc-rerun').textContent()).toBe(
      `Re-run ${changed} changed ${changed === 1 ? 'cue' : 'cues'}`,
    );
    await page.keyboard.press('Semicolon');
    await page.keyboard.press('Semicolon');
    await poll(async () => (await detail()).cues[1]!.endMs).toBe(c2.endMs);

    // Space plays the selected cue and stops it.
    const v = tid('loc-video');
    await page.keyboard.press(' ');
    await poll(() => v.evaluate((el: HTMLVideoElement) => !el.paused)).toBe(true);
    await page.keyboard.press(' ');
    await poll(() => v.evaluate((el: HTMLVideoElement) => el.paused)).toBe(true);
    await page.keyboard.press('k');
    await poll(selected).toBe('1');
    await shootAll(page, 'localize-editor-keys', { scrollTop: false });

    // ? shows the shortcuts; Esc closes them.
    await page.keyboard.press('?');
    await tid('loc-shortcuts').waitFor();
    expect(await tid('loc-shortcuts').textContent()).toMatch(/Split the cue at the playhead/);
    await shootAll(page, 'localize-editor-shortcuts', { scrollTop: false });
    await page.keyboard.press('Escape');
    await poll(() => tid('loc-shortcuts').count()).toBe(0);
  });

  it('saves an edited translation on blur, nudges a time, and re-runs only what changed', async () => {
    const t2 = cue(2).getByTestId('cue-translation');
    await t2.fill('Hoy pintamos una montaña.');
    await t2.blur();
    await poll(async () => (await detail()).cues[1]!.translation).toBe('Hoy pintamos una montaña.');
    expect((await detail()).cues[1]!.edited).toBe(true);
    // Nudge cue 2's end 0.1 s later.
    const end2 = (await detail()).cues[1]!.endMs;
    await cue(2).locator('[data-testid=cue-nudge][data-edge=end][data-delta="100"]').click();
    await poll(async () => (await detail()).cues[1]!.endMs).toBe(end2 + 100);
    await poll(() => cue(2).getByTestId('cue-end').inputValue()).toMatch(/\.\d{3}$/);

    expect(await tid('loc-rerun-note').textContent()).toMatch(/Only changed cues are redone/);
    expect(await tid('loc-rerun').textContent()).toMatch(/^Re-run \d+ changed cues?$/);
    const before = (await detail()).jobId;
    await tid('loc-rerun').click();
    await poll(async () => (await detail()).jobId).not.toBe(before);
    await poll(editorStatus, 180_000).toBe('completed');
    const d = await detail();
    expect(d.cues[1]!.translation).toBe('Hoy pintamos una montaña.');
    expect(await cue(2).getByTestId('cue-translation').inputValue()).toBe(
      'Hoy pintamos una montaña.',
    );
    // Nothing is left for a re-run to redo.
    await poll(() => tid('cue-changed').count()).toBe(0);
    expect(await tid('loc-rerun').textContent()).toBe('Re-run');
  });

  it('lists the localisation and opens the localised video in the Library', async () => {
    await tid('loc-back').click();
    const row = page.locator(`[data-testid=loc-row][data-id="${locId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('completed');
    expect(await row.getByTestId('loc-row-cues').textContent()).toBe('3 cues');
    // A second one, subtitles only, started by a script: the list follows it live.
    const subs = await api<{ id: string }>('localize.start', {
      assetId: videoId,
      mode: 'subtitles',
    });
    const subsRow = page.locator(`[data-testid=loc-row][data-id="${subs.id}"]`);
    await subsRow.waitFor();
    expect(await subsRow.textContent()).toMatch(/Subtitles · English/);
    await poll(() => subsRow.getAttribute('data-status'), 90_000).toBe('completed');
    await shootAll(page, 'localize-list');

    await row.click();
    await tid('loc-editor').waitFor();
    const d = await detail();
    const videoOut = d.outputs.find((o) => o.kind === 'video' && o.language === 'es')!;
    const asset = await api<{ filename: string; type: string }>('assets.get', {
      id: videoOut.assetId,
    });
    expect(asset.type).toBe('video');
    await page
      .locator('[data-testid=loc-output][data-kind=video][data-language=es]')
      .getByTestId('loc-output-open')
      .click();
    await tid('library-view').waitFor();
    await poll(() => tid('detail-panel').textContent(), 20_000).toContain(
      asset.filename.replace(/\.[^.]+$/, ''),
    );

    // Localise… in the detail panel of a video opens the dialog for it.
    const button = tid('detail-panel').getByTestId('localize-asset');
    await button.waitFor();
    await shootAll(page, 'localize-detail-button');
    await button.click();
    await tid('loc-new-dialog').waitFor();
    expect(await tid('loc-new-video').getAttribute('data-asset-id')).toBe(videoOut.assetId);
    await page.keyboard.press('Escape');
    await poll(() => tid('loc-new-dialog').count()).toBe(0);
    await tid('loc-list').waitFor();

    // The Library's selection (the localised video, just shown there) is what a new one starts from.
    await tid('localize-new').click();
    await tid('loc-new-dialog').waitFor();
    expect(await tid('loc-new-video').getAttribute('data-asset-id')).toBe(videoOut.assetId);
    await page.keyboard.press('Escape');
    await poll(() => tid('loc-new-dialog').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
