/**
 * Opt-in: LoRA training through a real kohya sd-scripts install, driven like a user through the
 * api. Runs when ATELIER_KOHYA_DIR (sd-scripts) and ATELIER_KOHYA_PYTHON (its venv's python) are
 * set; the 1.7 GB tiny diffusers model is written by shared/engines/kohya/make-tiny-sd1-diffusers.mjs
 * (or taken from ATELIER_KOHYA_MODEL). An offline install passes its tokenizer cache with
 * ATELIER_KOHYA_TOKENIZER_DIR (it becomes --tokenizer_cache_dir); an install that needs a shim
 * names it with ATELIER_KOHYA_LAUNCHER.
 *
 * A 2-step run with samples and states is killed with SIGKILL after step 1, resumed, and must
 * finish at step 2 without redoing step 1 (one sample and one save per step, no more).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingDetail } from '../../src-main/contract/training';
import { JobRunner } from '../../src-main/core/api/host';
import { openTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/waitFor';
import { makePicture } from '../core/training/fixtures';
import { addAsset } from '../core/process/mediaFixtures';
import { modelProblem, suiteTemp, tinyModel } from './realEngines';

const dir = process.env.ATELIER_KOHYA_DIR;
const python = process.env.ATELIER_KOHYA_PYTHON;
const skip =
  !dir || !python
    ? 'set ATELIER_KOHYA_DIR (sd-scripts) and ATELIER_KOHYA_PYTHON (its python)'
    : modelProblem('ATELIER_KOHYA_MODEL', 'kohya/make-tiny-sd1-diffusers.mjs');
if (skip) console.info(`kohya suite skipped: ${skip}`);

/** Processes whose command line names this run's output folder: the trainer and its launcher. */
function trainerPids(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(marker) && l.includes('train_network.py'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((n) => n > 0 && n !== process.pid);
}

describe.skipIf(skip !== null)('real kohya sd-scripts', () => {
  let temp: ReturnType<typeof suiteTemp>;
  let model: string;
  let t: TestCore;
  const env = { ...process.env };

  beforeAll(async () => {
    temp = suiteTemp('atelier-kohya-real-');
    model = tinyModel(
      'ATELIER_KOHYA_MODEL',
      'kohya/make-tiny-sd1-diffusers.mjs',
      temp.dir,
      'tiny-sd1-diffusers',
    );
    if (process.env.ATELIER_KOHYA_TOKENIZER_DIR && !process.env.ATELIER_KOHYA_EXTRA_ARGS)
      process.env.ATELIER_KOHYA_EXTRA_ARGS = JSON.stringify([
        '--tokenizer_cache_dir',
        process.env.ATELIER_KOHYA_TOKENIZER_DIR,
      ]);
    t = await openTestCore();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    temp?.cleanup();
    process.env = env;
  });

  it('trains 2 steps with samples and states; killed after step 1, resumes and finishes at step 2', async () => {
    // The recorded dataset: three solid-ish 96×80 pictures, bucketing on, 64 px.
    const pics = path.join(temp.dir, 'pics');
    mkdirSync(pics);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        await addAsset(t.core, await makePicture(path.join(pics, `img${i}.png`), 96, 80, i + 1)),
      );
    await t.core.db
      .updateTable('assets')
      .set({ status: 'approved' })
      .where('id', 'in', ids)
      .execute();
    const ds = await t.call('datasets.create', {
      name: 'Squares',
      triggerToken: 'tokfox',
      selection: { ids },
      resolution: 64,
      repeats: 1,
      minImages: 3,
    });
    const run = await t.call('trainings.start', {
      datasetId: ds.id,
      baseModel: model,
      preset: 'quick',
      steps: 2,
      saveEvery: 1,
      sampleEvery: 1,
      networkDim: 4,
      networkAlpha: 1,
      samplePrompts: ['a tokfox portrait'],
      seed: 1,
    });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    // After step 1's save and its state, the trainer dies as if the power went.
    await waitFor(
      async () => {
        const d = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
        return d.loras.some((l) => l.step === 1) && d.samples.some((s) => s.step === 1);
      },
      240_000,
      'step 1 saved',
    );
    const marker = path.join('work', run.jobId!);
    const pids = trainerPids(marker);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await runner.whenIdle();
    await runner.dispose();
    let d = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    expect(d.status).toBe('failed');
    const savedBefore = d.loras.map((l) => l.step);
    console.info(`killed after step 1: saves ${JSON.stringify(savedBefore)}; ${d.error}`);

    await t.call('trainings.resume', { id: run.id });
    const t0 = Date.now();
    const again = await new JobRunner(t.core, { ignorePause: true }).start();
    await again.whenIdle();
    await again.dispose();
    d = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    console.info(`resumed and finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(d.error).toBeNull();
    expect(d.status).toBe('completed');
    expect(d.step).toBe(2);
    expect(d.loras.map((l) => l.step ?? 'last')).toEqual([1, 2, 'last']);
    // Step 1 was not redone: one sample per step.
    expect(d.samples.map((s) => [s.step, s.assetIds.length])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const lora = await t.call('models.get', { ref: d.loras[1]!.modelId });
    expect(lora).toMatchObject({ kind: 'lora', triggerToken: 'tokfox', family: 'sd15' });
    const sample = await t.call('assets.get', { id: d.samples[1]!.assetIds[0]! });
    expect(sample).toMatchObject({
      type: 'image',
      prompt: 'a tokfox portrait',
      width: 64,
      height: 64,
    });
  }, 600_000);
});
