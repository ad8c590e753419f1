import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetDetail, TrainingDetail, TrainingInfo } from '../../src-main/contract/training';
import { makePicture } from '../core/training/fixtures';
import { textChunk, withChunks } from '../core/ingest/fixtures';
import { fakeKohya, useFakeKohya } from '../helpers/fakeKohya';
import { waitFor } from '../helpers/waitFor';
import { writeCheckpoint } from './support/generateWorld';
import { shootAll } from './support/screens';
import { serveWithBrowser } from './support/session';

// The fake trainer first (its environment must be set when serve starts), each step taking long
// enough to be seen running; then the served app and its browser.
const kohya = useFakeKohya();
beforeAll(() => {
  process.env.FAKE_KOHYA_STEP_MS = '700';
});
const e2e = serveWithBrowser();
const api = e2e.api;

let page: Page;
const errors: string[] = [];
let dataset: DatasetDetail;
let run: TrainingInfo;

const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(fn, { timeout, interval: 50 });
const tid = (id: string) => page.getByTestId(id);
const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
const item = (filename: string) =>
  page.locator(`[data-testid=caption-item]`, { has: page.getByText(filename, { exact: true }) });
const captions = async () =>
  (await api<DatasetDetail>('datasets.get', { id: dataset.id })).items.map((i) => i.caption);
const captionOf = async (filename: string) =>
  (await api<DatasetDetail>('datasets.get', { id: dataset.id })).items.find(
    (i) => i.filename === filename,
  )?.caption;

const subjects = ['fox', 'owl', 'cat', 'heron', 'wolf', 'lynx', 'crow', 'deer', 'hare', 'bear'];

/** A PNG with A1111's parameters chunk, the way a generator writes its prompt into the file. */
async function generated(file: string, w: number, h: number, seed: number, prompt: string) {
  await makePicture(file, w, h, seed);
  const png = await sharp(file).png().toBuffer();
  const params = `${prompt}\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: ${seed}, Size: ${w}x${h}, Model: tiny-sd15`;
  writeFileSync(
    file,
    withChunks(png, [textChunk({ key: 'parameters', text: params, kind: 'tEXt' })]),
  );
}

beforeAll(async () => {
  const media = path.join(e2e.serve.root, 'media');
  mkdirSync(media);
  // Eleven square images, one too small to train at 512 px, one landscape (fine with
  // bucketing, cropped without), and two not yet approved.
  const files: { name: string; w: number; h: number }[] = [
    ...Array.from({ length: 11 }, (_, i) => ({
      name: `ink-${String(i + 1).padStart(2, '0')}.png`,
      w: 640,
      h: 640,
    })),
    { name: 'ink-small.png', w: 320, h: 320 },
    { name: 'ink-wide.png', w: 768, h: 512 },
    { name: 'draft-1.png', w: 640, h: 640 },
    { name: 'draft-2.png', w: 640, h: 640 },
  ];
  for (const [i, f] of files.entries())
    await generated(
      path.join(media, f.name),
      f.w,
      f.h,
      i + 1,
      `(masterpiece:1.2), a ${subjects[i % subjects.length]} in ink wash, <lora:inkwash:0.8>, white background`,
    );
  await api('ingest.importFiles', { paths: [media] });
  let assets: { id: string; filename: string }[] = [];
  await waitFor(
    async () => {
      assets = (
        await api<{ items: { id: string; filename: string }[] }>('assets.list', { limit: 50 })
      ).items;
      return assets.length === files.length;
    },
    60_000,
    'the seeded images in the Library',
  );
  await api('curation.set', {
    selection: { ids: assets.filter((a) => !a.filename.startsWith('draft')).map((a) => a.id) },
    patch: { status: 'approved' },
  });
  writeCheckpoint(e2e.serve.dataDir, 'tiny-sd15');
  await api('models.scan', {});
  page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(e2e.serve.openUrl);
});

describe('Training in the browser', () => {
  it('makes a dataset from the Library’s selection: approved images only, captions from their prompts with the trigger first', async () => {
    await nav('Training').click();
    await tid('training-page').waitFor();
    await tid('datasets-empty').waitFor();
    await shootAll(page, 'training-empty');

    await nav('Library').click();
    const cards = page.locator('[data-testid=library-view] [data-testid=lib-card]');
    await poll(() => cards.count()).toBe(15);
    await cards.first().click();
    await page.keyboard.press('Control+a');
    await tid('bulk-make-dataset').click();
    const dlg = tid('new-dataset-dialog');
    await dlg.waitFor();
    expect(await tid('new-dataset-source').textContent()).toMatch(/Every asset matching/);
    // Focus is in the dialog and stays there.
    expect(
      await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null),
    ).toBe(true);
    // Nothing is made without a trigger token; the reason shows in the dialog.
    await tid('new-dataset-name').fill('Ink zoo');
    await tid('new-dataset-create').click();
    expect(await tid('new-dataset-error').textContent()).toMatch(/trigger token is needed/);
    await tid('new-dataset-trigger').fill('ink zoo');
    await tid('new-dataset-create').click();
    expect(await tid('new-dataset-error').textContent()).toMatch(/one word/);
    await tid('new-dataset-trigger').fill('inkzoo');
    await tid('new-dataset-class').fill('animal');
    await tid('new-dataset-repeats').fill('1');
    expect(await tid('new-dataset-approved-only').isChecked()).toBe(true);
    await shootAll(page, 'training-new-dataset-library');
    await tid('new-dataset-create').click();

    // The Training page opens on the new dataset: 13 approved images, the drafts left out.
    const view = tid('dataset-view');
    await view.waitFor();
    expect(await tid('dataset-title').textContent()).toBe('Ink zoo');
    await poll(() => tid('caption-item').count()).toBe(13);
    const list = await api<DatasetDetail[]>('datasets.list', {});
    dataset = await api<DatasetDetail>('datasets.get', { id: list[0]!.id });
    expect(dataset.items.map((i) => i.filename)).not.toContain('draft-1.png');
    const texts = await tid('caption-text').evaluateAll((els) =>
      els.map((e) => (e as HTMLTextAreaElement).value),
    );
    expect(texts).toHaveLength(13);
    for (const t of texts)
      expect(t).toMatch(/^inkzoo, masterpiece, a \w+ in ink wash, white background$/);
    // The tag panel counts them.
    await poll(() =>
      tid('tag-chip').and(page.locator('[data-tag="white background"]')).textContent(),
    ).toBe('white background13');
  });

  it('edits a caption in place, replaces a word across captions with a preview, removes a tag from the frequency panel, leaves an image out and brings it back', async () => {
    // A caption edited and left: saved.
    const fox = item('ink-01.png').getByTestId('caption-text');
    await fox.fill('inkzoo, masterpiece, a red fox in ink wash, white background, snow');
    await fox.press('Enter');
    await poll(() => captionOf('ink-01.png')).toBe(
      'inkzoo, masterpiece, a red fox in ink wash, white background, snow',
    );
    await item('ink-01.png').getByRole('status').waitFor();

    // Find and replace: how many will change first, then across all of them.
    await tid('find-input').fill('white background');
    await tid('replace-input').fill('plain paper');
    await poll(() => tid('find-preview').textContent()).toBe('13 captions of 13 will change');
    await poll(() => page.locator('[data-testid=caption-item].match').count()).toBe(13);
    await tid('replace-all').click();
    await poll(async () => (await captions()).every((c) => c.includes('plain paper'))).toBe(true);
    await poll(() => tid('caption-text').first().inputValue()).toMatch(/plain paper/);
    await poll(() => tid('find-preview').textContent()).toBe('No caption would change');

    // A tag from the frequency panel: find fills with it, as a whole tag; empty replace drops it.
    await tid('tag-chip').and(page.locator('[data-tag="masterpiece"]')).click();
    expect(await tid('find-input').inputValue()).toBe('masterpiece');
    expect(await tid('find-whole-tag').isChecked()).toBe(true);
    await tid('replace-input').fill('');
    await poll(() => tid('find-preview').textContent()).toBe('13 captions of 13 will change');
    await tid('replace-all').click();
    await poll(async () => (await captions()).some((c) => c.includes('masterpiece'))).toBe(false);
    await poll(() => tid('tag-chip').and(page.locator('[data-tag="masterpiece"]')).count()).toBe(0);
    for (const c of await captions()) expect(c.startsWith('inkzoo, ')).toBe(true);

    // Exclude / Include: dimmed, counted, kept.
    const crow = item('ink-07.png');
    await crow.hover();
    await crow.getByTestId('caption-exclude').click();
    await poll(() => crow.getAttribute('data-excluded')).toBe('true');
    await poll(() => tid('dataset-count').textContent()).toMatch(
      /^12 images to train · 1 left out/,
    );
    await crow.getByTestId('caption-exclude').click();
    await poll(() => crow.getAttribute('data-excluded')).toBe(null);
    await poll(() => tid('dataset-count').textContent()).toMatch(/^13 images to train ·/);
  });

  it('checks it: the problem’s image lit on hover, fixed in one click; bucketing off shows mixed aspect ratios, turned on again from the check', async () => {
    const small = tid('check-problem').and(page.locator('[data-code=too_small]'));
    await small.waitFor();
    expect(await small.textContent()).toMatch(/ink-small\.png is under the training resolution/);
    await small.hover();
    await poll(() => item('ink-small.png').getAttribute('data-lit')).toBe('true');
    expect(await page.locator('[data-testid=caption-item][data-lit]').count()).toBe(1);
    await tid('find-input').fill('');
    await shootAll(page, 'training-dataset', {
      prepare: async () => {
        await small.hover();
      },
    });
    await shootAll(page, 'training-dataset-settings', {
      prepare: () => tid('ds-save').scrollIntoViewIfNeeded(),
    });
    await small.getByTestId('check-fix').click();
    // The fixed problem leaves the list at once.
    expect(await small.count()).toBe(0);
    await poll(() => item('ink-small.png').getAttribute('data-excluded')).toBe('true');
    await poll(() => tid('check-summary').textContent()).toMatch(/Ready to train: 12 images/);

    // Bucketing off: the landscape image would be cropped, and the check says so.
    await tid('ds-bucketing').uncheck();
    await tid('ds-save').click();
    const mixed = tid('check-problem').and(page.locator('[data-code=mixed_aspect]'));
    await mixed.waitFor();
    expect(await mixed.textContent()).toMatch(/ink-wide\.png would be cropped/);
    await mixed.getByTestId('check-fix').click();
    await poll(() => mixed.count()).toBe(0);
    await poll(() => tid('ds-bucketing').isChecked()).toBe(true);
    expect((await api<DatasetDetail>('datasets.get', { id: dataset.id })).bucketing).toBe(true);
    // The next check agrees: nothing left to fix.
    await poll(() => tid('check-summary').textContent()).toMatch(/Ready to train: 12 images/);
  });

  it('refuses to start a run while the check has errors, and shows them instead', async () => {
    await tid('ds-min-images').fill('20');
    await tid('ds-save').click();
    await poll(() => tid('check-summary').textContent()).toMatch(/Not ready/);
    await tid('dataset-train').click();
    await tid('train-dialog').waitFor();
    await tid('train-problems').waitFor();
    expect(await tid('train-problems').textContent()).toMatch(/12 usable images; at least 20/);
    expect(await tid('train-start').isDisabled()).toBe(true);
    await tid('train-dialog').getByRole('button', { name: 'Cancel' }).click();
    await tid('ds-min-images').fill('10');
    await tid('ds-save').click();
    await poll(() => tid('check-summary').textContent()).toMatch(/Ready to train/);
  });

  it('trains a quick run of 2 steps with a save and samples every step; the run completes with its loss chart, samples strip and LoRAs', async () => {
    await tid('dataset-train').click();
    await tid('train-dialog').waitFor();
    await poll(() => tid('train-base').locator('option', { hasText: 'tiny-sd15' }).count()).toBe(1);
    await tid('train-base').selectOption({ label: 'tiny-sd15 · SD 1.5' });
    await poll(() => tid('train-preset').count()).toBe(3);
    expect(await tid('train-preset').first().textContent()).toMatch(
      /Quick test300 steps at a small network size/,
    );
    await tid('train-check').waitFor();
    await tid('train-advanced-toggle').click();
    // The sample prompts the server will use: the trigger, then two captions.
    const placeholder = await tid('train-prompts').getAttribute('placeholder');
    expect(placeholder!.split('\n')[0]).toBe('inkzoo');
    expect(placeholder!.split('\n')).toHaveLength(3);
    await tid('train-length').fill('2');
    await tid('train-save-every').fill('1');
    await tid('train-sample-every').fill('1');
    await shootAll(page, 'training-train-dialog');
    await tid('train-start').click();

    // The Runs tab opens on it; it runs, then completes.
    const detail = tid('run-detail');
    await detail.waitFor();
    const runs = await api<TrainingInfo[]>('trainings.list', {});
    run = runs[0]!;
    expect(run).toMatchObject({ name: 'inkzoo', totalSteps: 2 });
    expect(run.config).toMatchObject({ steps: 2, saveEvery: 1, sampleEvery: 1 });
    await poll(() => detail.getAttribute('data-status'), 60_000).toBe('completed');
    await poll(() => tid('loss-chart').getAttribute('data-points')).toBe('2');
    expect(await tid('run-progress').textContent()).toMatch(/^2 of 2 steps/);
    const row = tid('run-row').and(page.locator(`[data-run-id="${run.id}"]`));
    expect(await row.getByTestId('run-status').textContent()).toBe('Done');
    // Samples per step (newest first), three prompts each, with the step's LoRA.
    await poll(() => tid('sample-step').count()).toBe(2);
    expect(
      await tid('sample-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step'))),
    ).toEqual(['2', '1']);
    expect(await tid('sample-step').first().getByTestId('sample-thumb').count()).toBe(3);
    await poll(() =>
      tid('sample-step')
        .first()
        .locator('img')
        .evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)),
    ).toBe(true);
    await poll(() => tid('run-lora').count()).toBe(3);
    await shootAll(page, 'training-run-done');
    await shootAll(page, 'training-run-loras', {
      prepare: () => tid('run-loras').scrollIntoViewIfNeeded(),
    });
  });

  it('chooses the step-2 LoRA and uses it in Generate: the LoRA in the form and the trigger token in the prompt', async () => {
    const step2 = tid('sample-step').and(page.locator('[data-step="2"]'));
    await step2.getByTestId('lora-choose').click();
    await step2.getByTestId('lora-chosen').waitFor();
    const d = await api<TrainingDetail>('trainings.get', { id: run.id });
    const chosen = d.loras.find((l) => l.step === 2)!;
    expect(d.chosenModelId).toBe(chosen.modelId);
    await step2.getByTestId('lora-generate').click();
    await tid('generate-page').waitFor();
    const lora = tid('gen-lora-row').and(page.locator(`[data-lora="${chosen.modelId}"]`));
    await lora.waitFor();
    expect(await tid('gen-lora-row').count()).toBe(1);
    expect(await tid('gen-prompt').inputValue()).toMatch(/^inkzoo/);
    await poll(() => tid('gen-model').inputValue()).toBe(run.baseModel.id);
    await shootAll(page, 'training-generate-lora');
  });

  it('queues runs: one trains while the next wait in order; move, pause, resume, cancel, delete; a non-commercial base marks its runs', async () => {
    await nav('Training').click();
    await tid('training-tab').and(page.locator('[data-tab=runs]')).click();
    await api('models.update', { ref: 'tiny-sd15', nonCommercial: true });
    const start = (name: string) =>
      api<TrainingInfo>('trainings.start', {
        datasetId: dataset.id,
        baseModel: 'tiny-sd15',
        name,
        steps: 30,
        saveEvery: 10,
        sampleEvery: 0,
      });
    const a = await start('inkzoo-long');
    const b = await start('inkzoo-next');
    const c = await start('inkzoo-last');
    const rowA = tid('run-row').and(page.locator(`[data-run-id="${a.id}"]`));
    const rowB = tid('run-row').and(page.locator(`[data-run-id="${b.id}"]`));
    const rowC = tid('run-row').and(page.locator(`[data-run-id="${c.id}"]`));
    await poll(() => rowA.getAttribute('data-status'), 30_000).toBe('running');
    expect(await rowB.getAttribute('data-status')).toBe('queued');
    expect(await rowA.getByTestId('run-noncommercial').count()).toBe(1);
    // The queue's order: B next, then C; C moved up goes first.
    await poll(() => rowB.getByTestId('run-facts').textContent()).toMatch(/next in line/);
    expect(await rowB.getByTestId('run-up').isDisabled()).toBe(true);
    await rowC.getByTestId('run-up').click();
    await poll(() => rowC.getByTestId('run-facts').textContent()).toMatch(/next in line/);
    await poll(() => rowB.getByTestId('run-facts').textContent()).toMatch(/second in line/);
    const queued = await tid('run-row').evaluateAll((els) =>
      els
        .filter((e) => e.getAttribute('data-status') === 'queued')
        .map((e) => e.getAttribute('data-run-id')),
    );
    expect(queued).toEqual([c.id, b.id]);
    await poll(() => rowA.getByTestId('run-facts').textContent(), 30_000).toMatch(
      /^[1-9]\d* of 30 steps.*loss \d/,
    );
    await rowA.locator('.trn-run-open').click();
    await poll(() => tid('loss-chart').getAttribute('data-points').then(Number)).toBeGreaterThan(1);
    await shootAll(page, 'training-queue');

    // Pausing the running one lets the next one start; resume puts it back in the queue.
    await rowC.getByTestId('run-cancel').click();
    await poll(() => rowC.getAttribute('data-status')).toBe('cancelled');
    await rowA.getByTestId('run-pause').click();
    await poll(() => rowA.getAttribute('data-status')).toBe('paused');
    await poll(() => rowB.getAttribute('data-status'), 30_000).toBe('running');
    await rowA.getByTestId('run-resume').click();
    await poll(() => rowA.getAttribute('data-status')).toBe('queued');
    await rowB.getByTestId('run-cancel').click();
    await poll(() => rowB.getAttribute('data-status')).toBe('cancelled');
    await poll(() => rowA.getAttribute('data-status'), 30_000).toBe('running');
    await rowA.getByTestId('run-cancel').click();
    await poll(() => rowA.getAttribute('data-status')).toBe('cancelled');
    await rowB.getByTestId('run-delete').click();
    await poll(() => rowB.count()).toBe(0);
    expect((await api<TrainingInfo[]>('trainings.list', {})).map((r) => r.id)).not.toContain(b.id);
    await api('models.update', { ref: 'tiny-sd15', nonCommercial: false });
  });

  it('lists datasets as cards and makes one from a tag on the Training page', async () => {
    await tid('training-tab').and(page.locator('[data-tab=datasets]')).click();
    await tid('dataset-back').click();
    await tid('datasets-list').waitFor();
    expect(await tid('dataset-card-count').first().textContent()).toBe('12 images · 1 left out');
    await shootAll(page, 'training-datasets');
    await api('curation.addTags', {
      selection: { ids: dataset.items.slice(0, 10).map((i) => i.assetId) },
      tags: ['ink study'],
    });
    await tid('training-new-dataset').click();
    const dlg = tid('new-dataset-dialog');
    await dlg.waitFor();
    await dlg.getByText('Tag', { exact: true }).click();
    await tid('new-dataset-tag').fill('ink study');
    // The tag names the dataset until a name is typed.
    expect(await tid('new-dataset-name').inputValue()).toBe('ink study');
    await tid('new-dataset-name').fill('Ink study');
    await tid('new-dataset-trigger').fill('inkstudy');
    await shootAll(page, 'training-new-dataset');
    await tid('new-dataset-create').click();
    await poll(() => tid('dataset-title').textContent()).toBe('Ink study');
    await poll(() => tid('caption-item').count()).toBe(10);

    // Captions written again from the images' tags, the trigger first.
    await tid('reset-captions').click();
    const reset = tid('reset-captions-dialog');
    await reset.waitFor();
    await reset.getByLabel('From each image’s tags').check();
    await shootAll(page, 'training-reset-captions');
    await tid('reset-captions-confirm').click();
    await poll(() =>
      tid('caption-text').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value)),
    ).toEqual(Array(10).fill('inkstudy, ink study'));
  });

  it('a run that fails says why, in words', async () => {
    const study = (await api<DatasetDetail[]>('datasets.list', {})).find(
      (d) => d.name === 'Ink study',
    )!;
    // Queued while the queue waits, then its dataset changes under it: preparing it fails.
    await api('jobs.pause', {});
    const r = await api<TrainingInfo>('trainings.start', {
      datasetId: study.id,
      baseModel: 'tiny-sd15',
      steps: 2,
    });
    await api('datasets.update', { id: study.id, minImages: 50 });
    await api('jobs.resume', {});
    await tid('training-tab').and(page.locator('[data-tab=runs]')).click();
    const row = tid('run-row').and(page.locator(`[data-run-id="${r.id}"]`));
    await poll(() => row.getAttribute('data-status'), 30_000).toBe('failed');
    await row.locator('.trn-run-open').click();
    await poll(() => tid('run-error').textContent()).toMatch(
      /The run stopped\..*10 usable images; at least 50 are needed/,
    );
    expect(await row.getByTestId('run-resume').count()).toBe(1);
    expect(await row.getByTestId('run-delete').count()).toBe(1);
    await shootAll(page, 'training-run-failed');
  });

  it('Settings → Engines shows kohya with its folder and a second field for its Python', async () => {
    // A served app names only places inside its allowed folders: a kohya folder and a Python
    // (a wrapper that runs the fake) there.
    const dir = path.join(e2e.serve.root, 'sd-scripts');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'train_network.py'), '# stand-in\n');
    const python = path.join(e2e.serve.root, 'kohya-python');
    writeFileSync(python, `#!/bin/sh\nexec '${process.execPath}' '${fakeKohya}' "$@"\n`);
    chmodSync(python, 0o755);

    await nav('Settings').click();
    const row = tid('engine-kohya');
    await row.waitFor();
    expect(await row.textContent()).toContain(kohya.dir());
    expect(await row.textContent()).toMatch(/environment variable/);
    expect(await row.textContent()).toMatch(/kohya’s Python: not set here/);
    await row.getByLabel('kohya’s Python').fill(python);
    await row.getByTestId('engine-kohya-second').getByRole('button', { name: 'Use' }).click();
    await poll(() => row.textContent()).toContain(`kohya’s Python: ${python}`);
    await poll(() => row.getByLabel('kohya’s Python').inputValue()).toBe('');
    await row.getByLabel('kohya sd-scripts (LoRA training) path').fill(dir);
    await row.getByRole('button', { name: 'Use' }).first().click();
    await poll(() => row.textContent()).toMatch(/set here/);
    // The answer comes once every program is probed again (a few seconds): the field empties.
    await poll(() => row.getByLabel('kohya sd-scripts (LoRA training) path').inputValue()).toBe('');
    expect(await row.textContent()).toContain(dir);
    const settings = await api<{ settings: { kohyaDir: string; kohyaPython: string } }>(
      'engines.status',
      {},
    );
    expect(settings.settings).toMatchObject({ kohyaDir: dir, kohyaPython: python });
    await shootAll(page, 'training-settings-engines', {
      prepare: () => row.scrollIntoViewIfNeeded(),
    });
    // Reset puts both back to the environment's.
    await row.getByTestId('engine-kohya-second').getByRole('button', { name: 'Reset' }).click();
    await poll(() => row.textContent()).toMatch(/kohya’s Python: not set here/);
    expect(errors).toEqual([]);
  });
});
