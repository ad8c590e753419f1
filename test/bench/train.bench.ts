/**
 * `npm run bench -- train`: the training targets of the LoRA issue, from one run.
 *  1. Dataset preparation of 1,000 mixed images (sizes 480–1600 px, PNG/JPEG/WebP, landscape,
 *     portrait and square; resize to each image's bucket + caption files + dataset.toml) against
 *     the bare sharp resize of the same files to the same sizes, measured in the same run (the
 *     better of two passes each, alternated). Target: ≥ 0.8× the bare throughput.
 *  2. Training overhead: the run through Atelier (queue, progress parsing, loss chart, saves and
 *     samples registered as they land) against the same command run directly, with the fake
 *     trainer at a fixed step time; and the real kohya too when ATELIER_KOHYA_DIR,
 *     ATELIER_KOHYA_PYTHON and ATELIER_KOHYA_MODEL are set. Target ≥ 0.98×.
 * `--images N`, `--steps N`, `--step-ms N` change the sizes.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openAtelier } from '../../src-main/core/app/atelier';
import { createApi } from '../../src-main/core/api/dispatch';
import { JobRunner } from '../../src-main/core/jobs/runner';
import '../../src-main/core/api/services';
import type { TrainingDetail } from '../../src-main/contract/training';
import { bucketFor } from '../../src-main/core/training/datasets/buckets';
import { samplePromptLines } from '../../src-main/core/training/runs/kohyaCommand';
import {
  prepareDataset,
  type PrepareItem,
} from '../../src-main/core/training/datasets/prepareDataset';
import { tinyTensors, writeSafetensors } from '../core/models/files/writeModelFiles';
import { addAsset } from '../core/process/mediaFixtures';
import { makePicture } from '../core/training/fixtures';
import { tempDir } from '../helpers/tempDir';

const { values: opts } = parseArgs({
  options: {
    images: { type: 'string', default: '1000' },
    steps: { type: 'string', default: '60' },
    'step-ms': { type: 'string', default: '150' },
  },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const fakeKohya = path.resolve(here, '../fakes/kohya.mjs');
const fmt = (n: number, d = 2) => n.toFixed(d);
/** A real install, as the real-engine suite takes it (read before the fake's settings replace them). */
const real = {
  dir: process.env.ATELIER_KOHYA_DIR,
  python: process.env.ATELIER_KOHYA_PYTHON,
  model: process.env.ATELIER_KOHYA_MODEL,
};

async function preparation(root: string): Promise<void> {
  const n = Number(opts.images);
  const src = path.join(root, 'src');
  mkdirSync(src, { recursive: true });
  // 40 distinct pictures in three formats and many shapes, copied to N files.
  const shapes = [
    [1600, 900],
    [900, 1600],
    [1024, 1024],
    [1200, 800],
    [800, 1200],
    [640, 480],
    [480, 640],
    [1536, 1024],
  ] as const;
  const originals: { file: string; w: number; h: number }[] = [];
  for (let i = 0; i < 40; i++) {
    const [w, h] = shapes[i % shapes.length]!;
    const png = await makePicture(path.join(src, `o${i}.png`), w, h, i + 1);
    const ext = ['png', 'jpg', 'webp'][i % 3]!;
    const file = path.join(src, `o${i}.${ext}`);
    if (ext === 'jpg') await sharp(png).jpeg({ quality: 90 }).toFile(file);
    if (ext === 'webp') await sharp(png).webp({ quality: 90 }).toFile(file);
    originals.push({ file, w, h });
  }
  const items: (PrepareItem & { w: number; h: number })[] = [];
  for (let i = 0; i < n; i++) {
    const o = originals[i % originals.length]!;
    const file = path.join(src, `img-${String(i).padStart(4, '0')}${path.extname(o.file)}`);
    copyFileSync(o.file, file);
    items.push({
      assetId: String(i),
      path: file,
      filename: path.basename(file),
      caption: `tok, picture ${i}, ink`,
      w: o.w,
      h: o.h,
    });
  }
  const bare = async (out: string) => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const it = items[next++]!;
        const b = bucketFor({ width: it.w, height: it.h }, 512, true);
        await sharp(it.path)
          .rotate()
          .resize(b.width, b.height, { fit: 'cover', position: 'centre' })
          .removeAlpha()
          .png({ compressionLevel: 3 })
          .toFile(path.join(out, `${it.assetId}.png`));
      }
    };
    await Promise.all([worker(), worker()]);
    return performance.now() - t0;
  };
  const prep = async (out: string) => {
    rmSync(out, { recursive: true, force: true });
    const t0 = performance.now();
    await prepareDataset(items, out, {
      triggerToken: 'tok',
      classWord: 'ink',
      repeats: 10,
      resolution: 512,
      bucketing: true,
      batchSize: 1,
    });
    return performance.now() - t0;
  };
  const bares: number[] = [];
  const preps: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    bares.push(await bare(path.join(root, 'bare')));
    preps.push(await prep(path.join(root, 'prep')));
  }
  const b = Math.min(...bares);
  const p = Math.min(...preps);
  console.log(
    `1. preparation of ${n} images: bare sharp resize ${fmt(b / 1000)} s (${fmt((n / b) * 1000, 1)}/s), Atelier's preparation ${fmt(p / 1000)} s (${fmt((n / p) * 1000, 1)}/s): ${fmt(b / p, 3)}× (target ≥ 0.8)`,
  );
}

function runDirect(
  python: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(python, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`direct run exited ${code}`)),
    );
  });
}

async function overhead(
  root: string,
  label: string,
  python: string,
  dir: string,
  base: string,
  steps: number,
): Promise<void> {
  const data = path.join(root, `data-${label}`);
  process.env.ATELIER_KOHYA_DIR = dir;
  process.env.ATELIER_KOHYA_PYTHON = python;
  const core = await openAtelier({ dataDir: data, host: 'cli', services: false });
  const api = createApi(core);
  const call = async <T>(m: string, input: unknown): Promise<T> => {
    const r = await api.invoke(m as never, input as never);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.value as T;
  };
  try {
    const pics = path.join(root, `pics-${label}`);
    mkdirSync(pics, { recursive: true });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push(
        await addAsset(core, await makePicture(path.join(pics, `p${i}.png`), 96, 80, i + 1)),
      );
    await core.db
      .updateTable('assets')
      .set({ status: 'approved' })
      .where('id', 'in', ids)
      .execute();
    const ds = await call<{ id: string }>('datasets.create', {
      name: 'bench',
      triggerToken: 'tok',
      selection: { ids },
      resolution: 64,
      repeats: 1,
    });
    const run = await call<{ id: string; jobId: string }>('trainings.start', {
      datasetId: ds.id,
      baseModel: base,
      steps,
      saveEvery: Math.max(1, Math.floor(steps / 4)),
      sampleEvery: Math.max(1, Math.floor(steps / 4)),
      samplePrompts: ['a tok portrait'],
    });
    const runner = await new JobRunner(core, { ignorePause: true }).start();
    await runner.whenIdle();
    await runner.dispose();
    const done = await call<TrainingDetail>('trainings.get', { id: run.id });
    if (done.status !== 'completed')
      throw new Error(`${label}: the run ended ${done.status}: ${done.error}`);
    const seg = core.sqlite
      .prepare(`SELECT started_at, finished_at FROM job_segments WHERE job_id = ? AND idx = 1`)
      .get(run.jobId) as { started_at: string; finished_at: string };
    const job = core.sqlite
      .prepare(`SELECT started_at, finished_at FROM jobs WHERE id = ?`)
      .get(run.jobId) as { started_at: string; finished_at: string };
    const trainMs = Date.parse(seg.finished_at) - Date.parse(seg.started_at);
    const jobMs = Date.parse(job.finished_at) - Date.parse(job.started_at);
    // The same command, run directly into a fresh output folder.
    // The command as the job ran it: its log's `$ python …` line (words, or JSON-quoted ones).
    const logged = readFileSync(path.join(data, 'logs', 'jobs', `${run.jobId}.log`), 'utf8')
      .split('\n')
      .filter((l) => / \$ \S+ /.test(l))
      .at(-1)!;
    const argv = (logged.slice(logged.indexOf(' $ ') + 3).match(/"(?:\\.|[^"\\])*"|\S+/g) ?? [])
      .slice(1)
      .map((w) => (w.startsWith('"') ? (JSON.parse(w) as string) : w));
    const outAt = argv.indexOf('--output_dir') + 1;
    const direct = path.join(root, `direct-${label}`);
    argv[outAt] = direct;
    // The job's work folder (its dataset copy) went with the job: prepare the same one again.
    const prepared = await prepareDataset(
      ids.map((id, i) => ({
        assetId: id,
        path: path.join(pics, `p${i}.png`),
        filename: `p${i}.png`,
        caption: 'tok',
      })),
      path.join(root, `direct-data-${label}`),
      {
        triggerToken: 'tok',
        classWord: '',
        repeats: 1,
        resolution: 64,
        bucketing: true,
        batchSize: 1,
      },
    );
    argv[argv.indexOf('--dataset_config') + 1] = prepared.tomlPath;
    const prompts = path.join(root, `prompts-${label}.txt`);
    writeFileSync(
      prompts,
      samplePromptLines(['a tok portrait'], {
        negative: 'lowres, blurry, bad anatomy',
        width: 64,
        height: 64,
        seed: 42,
        cfg: 7,
        steps: 20,
      }),
    );
    argv[argv.indexOf('--sample_prompts') + 1] = prompts;
    const directMs = await runDirect(python, argv, dir, {
      ...process.env,
      PYTHONUNBUFFERED: '1',
    });
    console.log(
      `2. ${label}, ${steps} steps: direct ${fmt(directMs / 1000)} s; through Atelier: training ${fmt(trainMs / 1000)} s (${fmt(directMs / trainMs, 3)}×), whole job with preparation ${fmt(jobMs / 1000)} s (${fmt(directMs / jobMs, 3)}×); ${done.loras.length} LoRAs and ${done.sampleCount} samples registered (target ≥ 0.98×)`,
    );
  } finally {
    await core.dispose();
  }
}

const { dir: root, cleanup } = tempDir('atelier-bench-train-');
try {
  await preparation(root);
  // The fake trainer: a fixed step time, nothing else waits.
  const kohyaDir = path.join(root, 'sd-scripts');
  mkdirSync(kohyaDir);
  for (const f of ['train_network.py']) copyFileSync(fakeKohya, path.join(kohyaDir, f));
  const ckpt = path.join(root, 'tiny-sd1.safetensors');
  writeSafetensors(
    ckpt,
    tinyTensors([
      'cond_stage_model.transformer.text_model.embeddings.position_ids',
      'model.diffusion_model.input_blocks.0.0.weight',
    ]),
  );
  process.env.FAKE_KOHYA_STEP_MS = opts['step-ms'];
  process.env.ATELIER_KOHYA_CPU = '1';
  await overhead(
    root,
    `fake trainer at ${opts['step-ms']} ms a step`,
    fakeKohya,
    kohyaDir,
    ckpt,
    Number(opts.steps),
  );
  delete process.env.FAKE_KOHYA_STEP_MS;
  if (real.dir && real.python && real.model) {
    if (process.env.ATELIER_KOHYA_TOKENIZER_DIR && !process.env.ATELIER_KOHYA_EXTRA_ARGS)
      process.env.ATELIER_KOHYA_EXTRA_ARGS = JSON.stringify([
        '--tokenizer_cache_dir',
        process.env.ATELIER_KOHYA_TOKENIZER_DIR,
      ]);
    // The first run pays Python's and torch's cold start (imports read from disk): run once to
    // warm the page cache, then measure.
    await overhead(root, 'real kohya, warm-up', real.python, real.dir, real.model, 2);
    await overhead(root, 'real kohya', real.python, real.dir, real.model, 2);
  } else
    console.log(
      '2. real kohya: skipped (set ATELIER_KOHYA_DIR, ATELIER_KOHYA_PYTHON and ATELIER_KOHYA_MODEL, a diffusers folder)',
    );
} finally {
  cleanup();
}
console.log(`(${os.cpus().length} cores)`);
