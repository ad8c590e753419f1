import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail, JobPage } from '../../src-main/contract/jobs';
import { launchChromium } from './support/browser';
import { callServe, startServe, type ServeProcess } from './support/serve';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const ids: Record<string, string> = {};
const media = () => path.join(serve.root, 'media');

const api = <T>(method: string, input: unknown) => callServe<T>(serve, method, input);

/** Waits on a condition (never a fixed sleep); generous because each step waits on real ffmpeg work. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
const job = (id: string) => api<JobDetail>('jobs.get', { id, logLines: 50 });
const row = (id: string) => page.locator(`[data-testid=job-row][data-id="${id}"]`);
const queueOrder = async () =>
  (
    await api<JobPage>('jobs.list', { status: ['queued'], order: 'queue', parentId: null })
  ).items.map((j) => j.id);
const shownOrder = () =>
  page
    .locator('[data-testid=job-row]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
const assetNames = async () =>
  (await api<{ items: { filename: string }[] }>('assets.list', { limit: 100 })).items.map(
    (a) => a.filename,
  );

beforeAll(async () => {
  serve = await startServe();
  mkdirSync(media());
  // Small media from lavfi: a noisy tone to denoise and convert, and a clip long enough to be
  // cancelled while it converts (VP9 at 640×360 takes far longer than the test waits).
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:duration=3',
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=d=3:a=0.05',
    '-filter_complex',
    'amix=inputs=2',
    path.join(media(), 'tone.wav'),
  );
  ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=550:duration=2', path.join(media(), 'take.wav'));
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25:duration=120',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '35',
    '-pix_fmt',
    'yuv420p',
    path.join(media(), 'clip.mp4'),
  );
  await api('ingest.importFiles', { paths: [media()] });
  const assets = await api<{ items: { id: string; filename: string }[] }>('assets.list', {
    limit: 100,
  });
  for (const a of assets.items) ids[a.filename] = a.id;
  expect(Object.keys(ids).sort()).toEqual(['clip.mp4', 'take.wav', 'tone.wav']);

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(serve.openUrl + '#/jobs');
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('jobs in the browser', () => {
  const jobIds: Record<'clip' | 'denoise' | 'mp3' | 'broken', string> = {
    clip: '',
    denoise: '',
    mp3: '',
    broken: '',
  };
  let takeBytes: Buffer;

  it('pauses the queue, then queues work from the detail panel and the api', async () => {
    await page.getByTestId('queue-toggle').click();
    await poll(() => page.locator('.page-header .subtitle').textContent()).toMatch(
      /the queue is paused/,
    );
    await poll(() => page.getByTestId('jobs-indicator').textContent()).toMatch(/queue paused/);

    jobIds.clip = (
      await api<{ jobId: string }>('process.run', {
        kind: 'transcode',
        assetIds: [ids['clip.mp4']],
        params: { format: 'webm' },
      })
    ).jobId;

    // A creator's way in: the Library's detail panel.
    await page.getByRole('button', { name: 'Library', exact: true }).click();
    await page.locator(`[data-testid=lib-card][data-id="${ids['tone.wav']}"]`).click();
    const actions = page.getByTestId('detail-panel').getByTestId('process-actions');
    await actions.getByRole('button', { name: 'Denoise', exact: true }).click();
    await poll(() => page.getByRole('status').allTextContents()).toContainEqual(
      expect.stringContaining('Denoise queued'),
    );
    const queued = await queueOrder();
    expect(queued).toHaveLength(2);
    jobIds.denoise = queued[1]!;
    expect((await job(jobIds.denoise)).kind).toBe('denoise_audio');

    jobIds.mp3 = (
      await api<{ jobId: string }>('process.run', {
        kind: 'transcode',
        assetIds: [ids['tone.wav']],
        params: { format: 'mp3' },
      })
    ).jobId;
    // take.wav's bytes are spoiled before it runs: ffmpeg will refuse it.
    const take = path.join(media(), 'take.wav');
    takeBytes = readFileSync(take);
    writeFileSync(take, Buffer.alloc(takeBytes.length, 0x5a));
    jobIds.broken = (
      await api<{ jobId: string }>('process.run', {
        kind: 'denoise_audio',
        assetIds: [ids['take.wav']],
      })
    ).jobId;
    expect(await queueOrder()).toEqual([jobIds.clip, jobIds.denoise, jobIds.mp3, jobIds.broken]);
  });

  it('shows the queue in run order and moves a job up', async () => {
    await page.getByRole('button', { name: 'Jobs', exact: true }).click();
    await page.getByRole('tab', { name: /^Queue/ }).click();
    await poll(shownOrder).toEqual([jobIds.clip, jobIds.denoise, jobIds.mp3, jobIds.broken]);
    await poll(() => page.getByRole('tab', { name: /^Queue/ }).textContent()).toMatch(/Queue\s*4/);
    await row(jobIds.mp3).getByRole('button', { name: 'Move up' }).click();
    await poll(shownOrder).toEqual([jobIds.clip, jobIds.mp3, jobIds.denoise, jobIds.broken]);
    expect(await queueOrder()).toEqual([jobIds.clip, jobIds.mp3, jobIds.denoise, jobIds.broken]);
  });

  it('runs with live progress in the list and the app frame, and cancels a running job without output', async () => {
    await page.getByRole('tab', { name: /^All/ }).click();
    await page.getByTestId('queue-toggle').click();
    await poll(() => page.getByTestId('queue-toggle').textContent()).toBe('Pause queue');
    const bar = row(jobIds.clip).getByRole('progressbar');
    await poll(async () =>
      Number(await bar.getAttribute('aria-valuenow').catch(() => '0')),
    ).toBeGreaterThan(0);
    expect(await row(jobIds.clip).getAttribute('data-status')).toBe('running');
    await poll(() => row(jobIds.clip).locator('.sub').textContent()).toMatch(/^\d+%/);
    const indicator = page.getByTestId('jobs-indicator');
    await poll(() => indicator.textContent()).toMatch(/Convert clip\.mp4 to WEBM|jobs running/);
    await poll(() => indicator.textContent()).toMatch(/\d+%/);
    expect(await indicator.getByRole('progressbar').count()).toBe(1);

    await row(jobIds.clip).getByRole('button', { name: 'Cancel' }).click();
    await poll(() => row(jobIds.clip).getAttribute('data-status')).toBe('cancelled');
    await poll(() => row(jobIds.clip).locator('.sub').textContent()).toMatch(/^Cancelled/);
    const cancelled = await job(jobIds.clip);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.outputAssetIds).toEqual([]);
    expect(await assetNames()).not.toContainEqual(expect.stringMatching(/\.webm$/));
    const outputs = path.join(serve.dataDir, 'outputs');
    expect(
      existsSync(outputs)
        ? readdirSync(outputs, { recursive: true })
            .map(String)
            .filter((f) => f.endsWith('.webm'))
        : [],
    ).toEqual([]);
  });

  it('shows a failed job with its error and log, and retries it once the file is fixed', async () => {
    await poll(() => row(jobIds.broken).getAttribute('data-status')).toBe('failed');
    await row(jobIds.broken).click();
    const detail = page.getByTestId('job-detail');
    await poll(() => detail.locator('h2').textContent()).toMatch(/^Denoise take\.wav/);
    const error = await detail.getByTestId('job-error').textContent();
    expect(error).toMatch(/Invalid data|invalid|could not|ffmpeg/i);
    expect(await row(jobIds.broken).locator('.sub').textContent()).toBe(error);
    await poll(() => detail.getByTestId('job-log').textContent()).toMatch(/error/i);

    writeFileSync(path.join(media(), 'take.wav'), takeBytes);
    await detail.getByTestId('job-retry').click();
    await poll(() => row(jobIds.broken).getAttribute('data-status')).toBe('completed');
    await poll(() => detail.locator('.muted').first().textContent()).toMatch(/^Done/);
    expect(await detail.getByTestId('job-error').count()).toBe(0);
  });

  it("puts a finished job's output in the library, linked to its source", async () => {
    for (const id of [jobIds.denoise, jobIds.mp3]) {
      await poll(() => row(id).getAttribute('data-status')).toBe('completed');
    }
    await page.getByRole('tab', { name: /^Done/ }).click();
    await poll(async () => (await shownOrder()).sort()).toEqual(
      [jobIds.denoise, jobIds.mp3, jobIds.broken].sort(),
    );
    const [outputId] = (await job(jobIds.denoise)).outputAssetIds;
    expect(outputId).toBeTruthy();

    await page.getByRole('button', { name: 'Library', exact: true }).click();
    // The output is a version of its source: stacked under it, its badge opens the stack.
    const sourceId = (await job(jobIds.denoise)).assetId;
    const source = page.locator(`[data-testid=lib-card][data-id="${sourceId}"]`);
    await poll(() => source.getByTestId('stack-badge').count()).toBe(1);
    await source.getByTestId('stack-badge').click();
    const card = page.locator(`[data-testid=lib-card][data-id="${outputId}"]`);
    await poll(() => card.count()).toBe(1);
    await card.click();
    const lineage = page.getByTestId('detail-panel').locator('section', { hasText: 'Lineage' });
    await poll(() => lineage.textContent()).toMatch(/Made from\s*tone\.wav/);
    expect(await assetNames()).toEqual(
      expect.arrayContaining(['tone_denoised.wav', 'tone_converted.mp3', 'take_denoised.wav']),
    );
    expect(errors).toEqual([]);
  });
});
