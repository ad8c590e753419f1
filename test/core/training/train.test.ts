import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrainingDetail } from '../../../src-main/contract/training';
import { JobRunner } from '../../../src-main/core/api/host';
import { enqueueJob } from '../../../src-main/core/jobs/enqueue';
import { openTestCore, type TestCore } from '../../helpers/core';
import { useFakeKohya } from '../../helpers/fakeKohya';
import { waitFor } from '../../helpers/waitFor';
import { tinyTensors, writeSafetensors } from '../models/files/writeModelFiles';
import { seedImages } from './fixtures';

const sd15 = tinyTensors([
  'cond_stage_model.transformer.text_model.embeddings.position_ids',
  'model.diffusion_model.input_blocks.0.0.weight',
  'first_stage_model.decoder.conv_in.weight',
]);

let t: TestCore;
let argvLog: string;
useFakeKohya();
beforeEach(async () => {
  t = await openTestCore();
  writeSafetensors(path.join(t.dataDir, 'models', 'checkpoints', 'tiny-sd1.safetensors'), sd15);
  await t.call('models.scan', {});
  argvLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'kohya-argv-')), 'argv.jsonl');
  process.env.FAKE_KOHYA_ARGV_LOG = argvLog;
  delete process.env.FAKE_KOHYA_FAIL;
  delete process.env.FAKE_KOHYA_STEP_MS;
});
afterEach(() => t.close());

const argvs = (): string[][] =>
  existsSync(argvLog)
    ? readFileSync(argvLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[])
    : [];
const after = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

async function dataset(n = 10) {
  const s = await seedImages(t, n, { width: 512, height: 512 });
  return t.call('datasets.create', {
    name: 'Ink zoo',
    triggerToken: 'inkzoo',
    classWord: 'animal',
    selection: { ids: s.ids },
    repeats: 1,
  });
}

async function runAll(): Promise<void> {
  const runner = await new JobRunner(t.core, { ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
}

const quick = {
  baseModel: 'tiny-sd1',
  preset: 'quick',
  steps: 2,
  saveEvery: 1,
  sampleEvery: 1,
} as const;

describe('a LoRA training run with kohya (the recorded trainer)', () => {
  it('prepares, trains, and brings back every save as a LoRA and every sample as an asset', async () => {
    const ds = await dataset();
    const run = await t.call('trainings.start', { datasetId: ds.id, ...quick });
    expect(run).toMatchObject({ name: 'inkzoo', status: 'queued', totalSteps: 2, step: 0 });
    expect(run.config.samplePrompts[0]).toBe('inkzoo');
    expect(run.config.samplePrompts).toHaveLength(3);
    await runAll();
    const done = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    expect(done.status).toBe('completed');
    expect(done.step).toBe(2);
    expect(done.error).toBeNull();
    // The command kohya's GUI runs, with a state at each save.
    const [argv] = argvs();
    expect(argv!.slice(0, 3)).toEqual(['-m', 'accelerate.commands.launch', '--cpu']);
    expect(argv).toContain('train_network.py');
    expect(after(argv!, '--network_module')).toBe('networks.lora');
    expect(after(argv!, '--max_train_steps')).toBe('2');
    expect(after(argv!, '--save_every_n_steps')).toBe('1');
    expect(after(argv!, '--sample_every_n_steps')).toBe('1');
    expect(after(argv!, '--output_name')).toBe('inkzoo');
    expect(after(argv!, '--mixed_precision')).toBe('no');
    expect(argv).toContain('--save_state');
    expect(argv).not.toContain('--resume');
    expect(after(argv!, '--pretrained_model_name_or_path')).toBe(
      path.join(t.dataDir, 'models', 'checkpoints', 'tiny-sd1.safetensors'),
    );
    // Saves: step 1, step 2 and the last, copied into the LoRA folder and registered.
    expect(done.loras.map((l) => [l.name, l.step, l.final])).toEqual([
      ['inkzoo-step00000001', 1, false],
      ['inkzoo-step00000002', 2, false],
      ['inkzoo', null, true],
    ]);
    for (const l of done.loras) {
      expect(l.path.startsWith(path.join(t.dataDir, 'models', 'loras', 'trained', 'inkzoo'))).toBe(
        true,
      );
      expect(existsSync(l.path)).toBe(true);
      const m = await t.call('models.get', { ref: l.modelId });
      expect(m).toMatchObject({ kind: 'lora', triggerToken: 'inkzoo', nonCommercial: false });
    }
    // Samples: one per prompt per step, assets derived from the run with their prompts.
    expect(done.samples.map((s) => [s.step, s.assetIds.length])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(done.samples[0]!.modelId).toBe(done.loras[0]!.modelId);
    const a = await t.call('assets.get', { id: done.samples[1]!.assetIds[0]! });
    expect(a).toMatchObject({
      provenance: 'ai_generated',
      prompt: 'inkzoo',
      model: 'tiny-sd1',
      type: 'image',
    });
    expect(done.loss.length).toBeGreaterThan(0);
    expect(done.loss.every((p) => p.loss > 0)).toBe(true);
    expect(done.sampleCount).toBe(6);
    expect(done.loraCount).toBe(3);
    // The work folder (dataset copies, states) goes once the run is done.
    expect(existsSync(path.join(t.dataDir, 'work', done.jobId!))).toBe(false);
    const list = await t.call('trainings.list', {});
    expect(list.map((x) => x.id)).toEqual([run.id]);
  });

  it('resumes after the trainer dies from its last state, with --skip_until_initial_step, never from step 0', async () => {
    const ds = await dataset();
    process.env.FAKE_KOHYA_FAIL = 'crash_after_step=1';
    const run = await t.call('trainings.start', { datasetId: ds.id, ...quick, steps: 3 });
    await runAll();
    let got = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    expect(got.status).toBe('failed');
    expect(got.error).toMatch(/trainer|exited|killed/i);
    // The save before the crash is kept.
    expect(got.loras.map((l) => l.step)).toEqual([1]);
    delete process.env.FAKE_KOHYA_FAIL;
    await t.call('trainings.resume', { id: run.name });
    await runAll();
    got = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    expect(got.status).toBe('completed');
    const [, second] = argvs();
    expect(after(second!, '--resume')).toMatch(/inkzoo-step00000001-state$/);
    expect(second).toContain('--skip_until_initial_step');
    expect(got.loras.map((l) => l.step ?? 'last')).toEqual([1, 2, 3, 'last']);
    expect(got.step).toBe(3);
  });

  it('after the app stops mid-run, the run waits in the queue and continues from its state', async () => {
    const ds = await dataset();
    process.env.FAKE_KOHYA_STEP_MS = '1500';
    const run = await t.call('trainings.start', { datasetId: ds.id, ...quick, steps: 3 });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await waitFor(
      async () =>
        ((await t.call('trainings.get', { id: run.id })) as TrainingDetail).loras.length >= 1,
      30_000,
    );
    await runner.dispose();
    const mid = await t.call('trainings.get', { id: run.id });
    expect(mid.status).toBe('queued');
    process.env.FAKE_KOHYA_STEP_MS = '10';
    await runAll();
    const done = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    expect(done.status).toBe('completed');
    const [, second] = argvs();
    expect(second).toContain('--skip_until_initial_step');
    expect(Number(/step(\d+)-state$/.exec(after(second!, '--resume')!)![1])).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('pause stops it and keeps its state; resume finishes it; cancel keeps what was saved', async () => {
    const ds = await dataset();
    process.env.FAKE_KOHYA_STEP_MS = '1500';
    const a = await t.call('trainings.start', { datasetId: ds.id, ...quick, steps: 3 });
    const b = await t.call('trainings.start', {
      datasetId: ds.id,
      ...quick,
      steps: 3,
      name: 'second',
    });
    expect(b.name).toBe('second');
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await waitFor(
      async () =>
        ((await t.call('trainings.get', { id: a.id })) as TrainingDetail).loras.length >= 1,
      30_000,
    );
    // The second waits its turn (one run per GPU): it can be paused while queued.
    expect((await t.call('trainings.get', { id: b.id })).status).toBe('queued');
    await t.call('trainings.pause', { id: b.id });
    await t.call('trainings.pause', { id: a.id });
    await waitFor(
      async () => (await t.call('trainings.get', { id: a.id })).status === 'paused',
      30_000,
    );
    await runner.whenIdle();
    await runner.dispose();
    expect((await t.call('trainings.get', { id: b.id })).status).toBe('paused');
    process.env.FAKE_KOHYA_STEP_MS = '10';
    await t.call('trainings.resume', { id: a.id });
    await runAll();
    const done = (await t.call('trainings.get', { id: a.id })) as TrainingDetail;
    expect(done.status).toBe('completed');
    expect(argvs().at(-1)).toContain('--skip_until_initial_step');
    // Cancel: the LoRA it saved stays in Models.
    process.env.FAKE_KOHYA_STEP_MS = '1500';
    await t.call('trainings.resume', { id: b.id });
    const r2 = await new JobRunner(t.core, { ignorePause: true }).start();
    await waitFor(
      async () =>
        ((await t.call('trainings.get', { id: b.id })) as TrainingDetail).loras.length >= 1,
      30_000,
    );
    await t.call('trainings.cancel', { id: b.id });
    await r2.whenIdle();
    await r2.dispose();
    const cancelled = (await t.call('trainings.get', { id: b.id })) as TrainingDetail;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.loras.length).toBeGreaterThanOrEqual(1);
    for (const l of cancelled.loras) expect(existsSync(l.path)).toBe(true);
  }, 60_000);

  it('tells the creator when the GPU runs out of memory, and when the disk fills during a save', async () => {
    const ds = await dataset();
    process.env.FAKE_KOHYA_FAIL = 'oom';
    const oom = await t.call('trainings.start', { datasetId: ds.id, ...quick });
    await runAll();
    const o = await t.call('trainings.get', { id: oom.id });
    expect(o.status).toBe('failed');
    expect(o.error).toMatch(/^The GPU ran out of memory while training \(.*CUDA out of memory/);
    process.env.FAKE_KOHYA_FAIL = 'disk';
    const disk = await t.call('trainings.start', { datasetId: ds.id, ...quick, name: 'full' });
    await runAll();
    const d = (await t.call('trainings.get', { id: disk.id })) as TrainingDetail;
    expect(d.status).toBe('failed');
    expect(d.error).toMatch(/^The disk filled up .*resume/);
    // A save cut off by the full disk is not offered as a LoRA.
    for (const l of d.loras) expect(readFileSync(l.path).length).toBeGreaterThan(8);
  });

  it('refuses bad input up front: too few images, a base model that is not a model', async () => {
    const s = await seedImages(t, 3, { width: 512, height: 512 });
    const ds = await t.call('datasets.create', {
      name: 'Three',
      triggerToken: 'tok',
      selection: { ids: s.ids },
    });
    const few = await t.api.invoke('trainings.start', { datasetId: ds.id, baseModel: 'tiny-sd1' });
    expect(!few.ok && few.error.message).toMatch(
      /not ready to train: 3 usable images; at least 10/,
    );
    await t.call('datasets.update', { id: ds.id, minImages: 3 });
    const notModel = path.join(t.root, 'notes.safetensors');
    writeFileSync(notModel, 'this is a text file');
    const bad = await t.api.invoke('trainings.start', { datasetId: ds.id, baseModel: notModel });
    expect(!bad.ok && bad.error.message).toMatch(/^notes\.safetensors is not a model file/);
    const unknown = await t.api.invoke('trainings.start', { datasetId: ds.id, baseModel: 'nope' });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    expect(await t.call('trainings.list', {})).toEqual([]);
  });

  it('a LoRA trained on a non-commercial model is non-commercial: its samples are blocked in a commercial pack', async () => {
    await t.call('models.update', { ref: 'tiny-sd1', nonCommercial: true });
    const ds = await dataset();
    const run = await t.call('trainings.start', { datasetId: ds.id, ...quick, steps: 1 });
    expect(run.nonCommercial).toBe(true);
    await runAll();
    const done = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    const lora = await t.call('models.get', { ref: done.loras[0]!.modelId });
    expect(lora.nonCommercial).toBe(true);
    expect(lora.licenseNote).toMatch(/Trained on tiny-sd1/);
    const pack = await t.call('packs.create', { name: 'For sale', licenseType: 'commercial' });
    await t.call('packs.addAssets', {
      packId: pack.id,
      selection: { ids: [done.samples[0]!.assetIds[0]!] },
    });
    const check = await t.call('packs.check', { packId: pack.id });
    expect(check.issues.some((i) => i.code === 'noncommercial_model')).toBe(true);
  });

  it('moves a queued run among the runs: past the run before it, not past other kinds of job', async () => {
    const ds = await dataset();
    const a = await t.call('trainings.start', { datasetId: ds.id, ...quick });
    const other = await enqueueJob(t.core, 'hash_models', {}, { title: 'Hash model files' });
    const b = await t.call('trainings.start', { datasetId: ds.id, ...quick, name: 'second' });
    const pos = (id: string) =>
      (
        t.core.sqlite.prepare(`SELECT position FROM jobs WHERE id = ?`).get(id) as {
          position: number;
        }
      ).position;
    const otherBefore = pos(other.id);
    await t.call('trainings.move', { id: b.id, direction: 'up' });
    // b now runs before a; the job of another kind between them kept its place.
    expect(pos(b.jobId!)).toBeLessThan(pos(a.jobId!));
    expect(pos(other.id)).toBe(otherBefore);
    expect(pos(b.jobId!)).toBeLessThan(otherBefore);
  });

  it('choose marks the best save; delete forgets a finished run but keeps its LoRAs', async () => {
    const ds = await dataset();
    const run = await t.call('trainings.start', { datasetId: ds.id, ...quick });
    await runAll();
    const done = (await t.call('trainings.get', { id: run.id })) as TrainingDetail;
    const chosen = await t.call('trainings.choose', {
      id: run.id,
      modelId: done.loras[0]!.modelId,
    });
    expect(chosen.chosenModelId).toBe(done.loras[0]!.modelId);
    const bad = await t.api.invoke('trainings.choose', { id: run.id, modelId: 'other' });
    expect(bad.ok).toBe(false);
    await t.call('trainings.delete', { id: run.id });
    expect(await t.call('trainings.list', {})).toEqual([]);
    expect((await t.call('models.get', { ref: done.loras[0]!.modelId })).kind).toBe('lora');
    expect(readdirSync(path.join(t.dataDir, 'models', 'loras', 'trained', 'inkzoo'))).toHaveLength(
      3,
    );
  });
});
