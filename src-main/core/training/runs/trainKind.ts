import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../contract/errors';
import type { TrainingConfig } from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import { readEngineSettings } from '../../engines/engineSettings';
import { resolveKohya } from '../../engines/kohya';
import type { ProgressParser } from '../../engines/progressParsers';
import { defineJobKind } from '../../jobs/registry';
import type { JobContext, JobOutcome } from '../../jobs/types';
import { hashNewModelFiles } from '../../models/scanModels';
import { checkDataset } from '../datasets/checkDataset';
import { datasetItems, datasetRow, trainingItems } from '../datasets/datasetStore';
import { prepareDataset } from '../datasets/prepareDataset';
import { effectivePrecision, kohyaArgs, parseExtraArgs, samplePromptLines } from './kohyaCommand';
import { explainKohyaFailure, parseKohyaStep, parseTotalSteps } from './kohyaOutput';
import { latestState, listLoras, listSamples } from './runFiles';
import { registerLora, registerSample } from './trainingOutputs';
import { recordLoss, setTrainingFields, trainingRow, type TrainingRow } from './trainingStore';

const params = z
  .object({
    trainingId: z.string().trim().min(1).max(64),
    /** The checkpoint file or diffusers folder, as resolved when the run was queued. */
    basePath: z.string().min(1).max(4096),
  })
  .strict();

/** A save is taken once its file has not grown for this long (kohya writes it in one go). */
const SETTLE_MS = 750;
const POLL_MS = 1000;

/** No CUDA or ROCm device on this computer: accelerate must be told to use the CPU. */
export function noGpuHere(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.ATELIER_KOHYA_CPU === '1') return true;
  if (env.ATELIER_KOHYA_CPU === '0') return false;
  if (process.platform !== 'linux') return false;
  return !existsSync('/proc/driver/nvidia/version') && !existsSync('/dev/kfd');
}

function emit(core: Atelier, id: string): void {
  core.events.emit('trainings.changed', { id });
}

/** The dataset as it is now, checked again and written in kohya's layout into the work folder. */
async function prepare(ctx: JobContext, t: TrainingRow, config: TrainingConfig, dataDir: string) {
  if (!t.dataset_id)
    throw new AppError('invalid_input', 'The dataset of this run was deleted before it started.');
  const ds = datasetRow(ctx.core, t.dataset_id);
  const check = await checkDataset(ctx.core, ds.id);
  if (!check.ok)
    throw new AppError(
      'invalid_input',
      `The dataset is not ready: ${check.problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.message)
        .join(' ')}`,
    );
  const bad = new Set(
    check.problems.filter((p) => p.severity === 'error').flatMap((p) => p.assetIds),
  );
  const items = trainingItems(datasetItems(ctx.core, ds.id)).filter(
    (i) => i.type === 'image' && !bad.has(i.asset_id),
  );
  const prepared = await prepareDataset(
    items.map((i) => ({
      assetId: i.asset_id,
      path: i.path,
      filename: i.filename,
      caption: i.caption,
    })),
    dataDir,
    {
      triggerToken: ds.trigger_token,
      classWord: ds.class_word,
      repeats: ds.repeats,
      resolution: ds.resolution,
      bucketing: !!ds.bucketing,
      batchSize: config.batchSize,
      signal: ctx.signal,
      onProgress: (done, total) =>
        ctx.progress(0.05 * (done / total), `Preparing images ${done}/${total}`),
    },
  );
  const promptsFile = path.join(dataDir, 'sample-prompts.txt');
  await writeFile(
    promptsFile,
    samplePromptLines(config.samplePrompts, {
      negative: 'lowres, blurry, bad anatomy',
      width: ds.resolution,
      height: ds.resolution,
      seed: config.seed,
      cfg: 7,
      steps: 20,
    }),
  );
  ctx.log(
    'info',
    `Prepared ${prepared.images} images (${Object.entries(prepared.buckets)
      .map(([k, n]) => `${n} × ${k}`)
      .join(', ')}) at ${ds.resolution} px, ${ds.repeats} repeats`,
  );
  // Steps by epochs: kohya's own count arrives with its summary; this is the estimate until then.
  const perEpoch = Math.ceil((prepared.images * ds.repeats) / config.batchSize);
  return {
    tomlPath: prepared.tomlPath,
    promptsFile,
    totalSteps: config.steps ?? perEpoch * (config.epochs ?? 1),
  };
}

/** Registers saves and samples as they land; safe to call again (what is done is not redone). */
function collector(ctx: JobContext, t: TrainingRow, config: TrainingConfig, outDir: string) {
  const loraByStep = new Map<number, string>();
  const seenLoras = new Map<string, number>();
  let busy: Promise<void> | null = null;
  const collect = async (settleMs: number) => {
    for (const f of await listLoras(outDir, t.name, settleMs)) {
      const { mtimeMs } = await stat(f.path);
      if (seenLoras.get(f.path) === mtimeMs) continue;
      const id = await registerLora(ctx.core, t, f);
      seenLoras.set(f.path, mtimeMs);
      if (!id) {
        ctx.log(
          'warn',
          `${path.basename(f.path)} could not be read back as a LoRA; not added to Models.`,
        );
        continue;
      }
      const at = f.step ?? f.epoch;
      if (at !== null) loraByStep.set(at, id);
      ctx.log('info', `Saved ${path.basename(f.path)} to Models`);
      ctx.core.events.emit('models.changed', {});
      emit(ctx.core, t.id);
    }
    for (const s of await listSamples(outDir, t.name, settleMs)) {
      await registerSample(ctx.core, t, config, s, {
        jobId: ctx.jobId,
        signal: ctx.signal,
        loraAt: (step) => loraByStep.get(step) ?? null,
      });
      emit(ctx.core, t.id);
    }
  };
  return {
    /** One collection at a time: a poll never overlaps the last one. */
    run(settleMs: number): Promise<void> {
      if (!busy)
        busy = collect(settleMs).finally(() => {
          busy = null;
        });
      return busy;
    },
  };
}

async function train(
  ctx: JobContext,
  t: TrainingRow,
  config: TrainingConfig,
  basePath: string,
  prepared: { tomlPath: string; promptsFile: string; totalSteps: number },
  outDir: string,
): Promise<void> {
  const core = ctx.core;
  const kohya = resolveKohya(await readEngineSettings(core.db));
  if (kohya.problem || !kohya.dir || !kohya.python)
    throw new AppError('engine_missing', kohya.problem ?? 'kohya sd-scripts is not set up.');
  ctx.usage({ engine: 'kohya sd-scripts', model: t.base_model_name });
  await mkdir(outDir, { recursive: true });
  const state = await latestState(outDir, t.name);
  let total = prepared.totalSteps;
  if (state && state.step >= total) {
    ctx.log(
      'info',
      `The last saved state is at step ${state.step} of ${total}: nothing left to train.`,
    );
    return;
  }
  if (state) {
    ctx.log(
      'info',
      `Resuming from the state saved at step ${state.step} (${path.basename(state.dir)})`,
    );
    setTrainingFields(core, t.id, { step: state.step });
  }
  const cpu = noGpuHere();
  if (cpu && config.precision !== 'no')
    ctx.log('warn', 'No CUDA or ROCm GPU here: training on the CPU in full precision (slow).');
  const args = kohyaArgs({
    scriptsDir: kohya.dir,
    config,
    baseModelPath: basePath,
    tomlPath: prepared.tomlPath,
    outputDir: outDir,
    outputName: t.name,
    samplePromptsFile:
      config.sampleEvery > 0 && config.samplePrompts.length ? prepared.promptsFile : null,
    cpu,
    cpuThreads: Math.max(1, Math.min(8, os.availableParallelism() - 1)),
    resumeState: state?.dir ?? null,
    launcher: process.env.ATELIER_KOHYA_LAUNCHER?.trim() || null,
    extraArgs: parseExtraArgs(process.env.ATELIER_KOHYA_EXTRA_ARGS),
  });
  ctx.log('info', `Precision: ${effectivePrecision({ cpu, config })}`);

  const collect = collector(ctx, t, config, outDir);
  const poll = setInterval(() => {
    collect
      .run(SETTLE_MS)
      .catch((err) => ctx.log('warn', `Could not collect outputs: ${(err as Error).message}`));
  }, POLL_MS);
  const lines: string[] = [];
  let lastStep = state?.step ?? 0;
  const skipped = state?.step ?? 0;
  let lastLoss: number | null = null;
  const parser: ProgressParser = {
    feed(line) {
      const totalLine = parseTotalSteps(line);
      if (totalLine) {
        total = totalLine;
        setTrainingFields(core, t.id, { total_steps: total });
        emit(core, t.id);
      }
      const raw = parseKohyaStep(line);
      if (!raw) return null;
      // Resumed with --skip_until_initial_step, kohya's bar counts only the steps left.
      const s = { ...raw, step: raw.step + skipped, total: raw.total + skipped };
      total = s.total || total;
      ctx.metrics({
        step: s.step,
        total: s.total,
        ...(s.loss !== null ? { loss: s.loss } : {}),
        ...(s.secPerIt !== null ? { secPerIt: s.secPerIt } : {}),
        ...(s.itPerSec !== null ? { itPerSec: s.itPerSec } : {}),
        ...(s.etaSec !== null ? { etaSec: s.etaSec } : {}),
      });
      if (s.step !== lastStep || s.loss !== null) {
        if (s.loss !== null && s.step > 0) recordLoss(core, t.id, s.step, s.loss);
        // The loss is the mean so far: it moves within a step as well, and the row follows it.
        if (s.step !== lastStep || (s.loss !== null && s.loss !== lastLoss)) {
          setTrainingFields(core, t.id, {
            step: s.step,
            total_steps: s.total,
            ...(s.loss !== null ? { last_loss: s.loss } : {}),
            eta_sec: s.etaSec,
          });
          emit(core, t.id);
        }
        lastStep = s.step;
        if (s.loss !== null) lastLoss = s.loss;
      }
      return {
        fraction: s.total ? s.step / s.total : 0,
        message: `Step ${s.step}/${s.total}${s.loss !== null ? ` · loss ${s.loss.toFixed(3)}` : ''}`,
      };
    },
    isProgressLine: (line) =>
      /^\s*steps:\s+\d{1,3}%\|/.test(line) && !/INFO|WARNING|ERROR/.test(line),
  };
  try {
    const r = await ctx.spawn(kohya.python, args, {
      label: 'kohya sd-scripts',
      cwd: kohya.dir,
      env: { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
      parser,
      progressRange: [0.05, 0.97],
      // A save in progress gets time to finish: a LoRA cut in half is a LoRA lost.
      killAfterMs: 20_000,
      tailLines: 200,
      allowFailure: true,
      onLine: (_stream, line) => {
        lines.push(line);
        if (lines.length > 400) lines.splice(0, lines.length - 200);
      },
    });
    if (r.exitCode !== 0) {
      const message = explainKohyaFailure([...lines, ...r.stderrTail], r.exitCode);
      setTrainingFields(core, t.id, { error: message });
      throw new AppError('engine_failed', message);
    }
  } finally {
    clearInterval(poll);
    // Whatever the trainer saved before it stopped, however it stopped, is kept.
    await collect
      .run(0)
      .catch((err) => ctx.log('warn', `Could not collect outputs: ${(err as Error).message}`));
    await hashNewModelFiles(core).catch(() => {});
  }
}

async function runTraining(ctx: JobContext, p: z.output<typeof params>): Promise<JobOutcome> {
  const core = ctx.core;
  const t = trainingRow(core, p.trainingId);
  const config = JSON.parse(t.config) as TrainingConfig;
  setTrainingFields(core, t.id, { error: null, paused: 0 });
  emit(core, t.id);
  const work = ctx.workDir();
  const dataDir = path.join(work, 'data');
  const outDir = path.join(work, 'out');
  ctx.segments.plan([{ label: 'Prepare the dataset' }, { label: 'Train' }]);
  const prepared = await ctx.segments.run(0, () => prepare(ctx, t, config, dataDir));
  await ctx.segments.run(1, () => train(ctx, t, config, p.basePath, prepared, outDir));
  ctx.engineDone();
  setTrainingFields(core, t.id, { finished_at: new Date().toISOString(), eta_sec: null });
  emit(core, t.id);
  return { result: { trainingId: t.id } };
}

/**
 * A LoRA training run: prepares the dataset, then runs kohya on this computer's GPU slot (one
 * run at a time per GPU, in queue order). `resume`: after a crash, a shutdown, a cancel or a
 * pause it continues from the last saved state, never from step 0; a failure is not retried on
 * its own (out of memory would only fail again), the creator resumes it after a fix.
 */
export const trainLoraKind = defineJobKind({
  kind: 'train_lora',
  params,
  pools: ['gpu'],
  restart: 'resume',
  maxAttempts: 1,
  title: (p, core) => {
    try {
      const t = trainingRow(core, p.trainingId);
      return `Train LoRA ${t.name} on ${t.dataset_name}`;
    } catch {
      return 'Train a LoRA';
    }
  },
  run: runTraining,
});
