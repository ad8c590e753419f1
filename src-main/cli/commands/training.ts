import { parseArgs } from 'node:util';
import type { CollectionInfo, TagInfo } from '../../contract/curation';
import type {
  DatasetCheck,
  DatasetDetail,
  DatasetInfo,
  TrainingDetail,
  TrainingInfo,
} from '../../contract/training';
import { call, createApi } from '../../core/api/dispatch';
import { formatBytes, printJson, UsageError, type CliIO } from '../output';
import { openForJobs } from './jobs';
import { resolveAssetIds } from './process';
import { formatEta } from './progressText';
import { runAndWait } from './runAndWait';

export const datasetsHelp = `atelier datasets create NAME (--collection C | --tag T | --search Q | --saved-search S | ASSET…) --trigger TOKEN
                 [--class WORD] [--repeats N] [--resolution PX] [--no-bucketing] [--min N]
                 [--include-unapproved] [--captions prompt|tags|trigger] [--json]
atelier datasets list [--json]
atelier datasets show DATASET [--json]
atelier datasets check DATASET [--json]
atelier datasets replace DATASET FIND TEXT [--whole-tag] [--dry-run]
atelier datasets delete DATASET
  Training datasets made from your Library: approved images only unless --include-unapproved.
  Captions start from each image's prompt (LoRA tags and weights removed) or its tags, the trigger
  token first; they are kept with the dataset, never written into your files. check lists what
  would stop or spoil a run (too few images, missing or unreadable files, small images, duplicates,
  mixed aspect ratios without bucketing), each with the files named; it exits 1 on an error.`;

export const trainHelp = `atelier train DATASET --base MODEL [--preset quick|style|character] [--steps N | --epochs N] [--name NAME]
                 [--dim N] [--alpha X] [--lr X] [--optimizer NAME] [--precision fp16|bf16|no]
                 [--save-every N] [--sample-every N] [--sample-prompt P]… [--seed N] [--batch N]
                 [--wait] [--json]
  Queue a LoRA training run with kohya sd-scripts (Settings → Engines, or ATELIER_KOHYA_DIR and
  ATELIER_KOHYA_PYTHON) on this computer's GPU slot. MODEL is a checkpoint from \`atelier models
  list --kind checkpoint\`, or the path of a checkpoint file or diffusers folder. Each save becomes
  a LoRA in Models; samples become assets. --wait runs it here and exits when it ends.`;

export const trainingsHelp = `atelier trainings list [--json]
atelier trainings show RUN [--json]
atelier trainings cancel|pause RUN
atelier trainings resume RUN [--wait]
atelier trainings choose RUN LORA
  Training runs (RUN: its id or LoRA name). A paused, cancelled or failed run resumes from its
  last saved state, never from step 0. choose marks the save you found best.`;

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got “${v}”`);
  return n;
};

function datasetLine(d: DatasetInfo): string {
  return `${d.name.padEnd(28)} ${d.triggerToken.padEnd(16)} ${String(d.imageCount).padStart(5)} images  ${d.resolution}px ×${d.repeats}${d.bucketing ? '' : '  (no bucketing)'}${d.excludedCount ? `  ${d.excludedCount} left out` : ''}`;
}

function trainingLine(t: TrainingInfo): string {
  const steps = t.totalSteps ? `${t.step}/${t.totalSteps}` : `${t.step}`;
  const loss = t.lastLoss !== null ? `  loss ${t.lastLoss.toFixed(3)}` : '';
  const eta = t.status === 'running' && t.etaSec !== null ? `  ${formatEta(t.etaSec)}` : '';
  return `${t.id}  ${t.name.padEnd(22)} ${t.status.padEnd(10)} ${steps.padStart(9)}${loss}${eta}  ${t.datasetName} on ${t.baseModel.name}${t.nonCommercial ? '  NON-COMMERCIAL' : ''}`;
}

function printCheck(io: CliIO, c: DatasetCheck): void {
  io.out(
    c.ok
      ? `Ready to train: ${c.imageCount} images${c.problems.length ? `, ${c.problems.length} warning(s)` : ''}.`
      : `Not ready to train (${c.imageCount} usable images).`,
  );
  for (const p of c.problems)
    io.out(`  ${p.severity === 'error' ? 'error  ' : 'warning'} ${p.message}`);
}

export async function datasetsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      collection: { type: 'string' },
      tag: { type: 'string' },
      search: { type: 'string' },
      'saved-search': { type: 'string' },
      trigger: { type: 'string' },
      class: { type: 'string' },
      repeats: { type: 'string' },
      resolution: { type: 'string' },
      'no-bucketing': { type: 'boolean', default: false },
      min: { type: 'string' },
      'include-unapproved': { type: 'boolean', default: false },
      captions: { type: 'string' },
      'whole-tag': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const subs = ['create', 'list', 'show', 'check', 'replace', 'delete'];
  if (!sub || !subs.includes(sub))
    throw new UsageError(
      `Unknown datasets subcommand: ${sub ?? '(none)'} (use ${subs.join(', ')})`,
    );
  if (['show', 'check', 'delete'].includes(sub) && positionals.length !== 1)
    throw new UsageError(`${sub} takes one dataset name`);
  if (sub === 'replace' && positionals.length !== 3)
    throw new UsageError('replace takes DATASET FIND TEXT');
  if (sub === 'create') {
    if (positionals.length < 1) throw new UsageError('create takes a NAME');
    if (!values.trigger)
      throw new UsageError('--trigger TOKEN is needed: the word that will call the LoRA');
    const sources = [
      values.collection,
      values.tag,
      values.search,
      values['saved-search'],
      positionals.length > 1 ? 'assets' : undefined,
    ].filter((x) => x !== undefined);
    if (sources.length !== 1)
      throw new UsageError(
        'Give exactly one source: --collection, --tag, --search, --saved-search or asset ids',
      );
    if (values.captions && !['prompt', 'tags', 'trigger'].includes(values.captions))
      throw new UsageError('--captions: use prompt, tags or trigger');
  }
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    if (sub === 'create') {
      let selection: unknown;
      if (values.collection) {
        const list = (await call(api, 'collections.list', {})) as CollectionInfo[];
        const c = list.find(
          (x) =>
            x.id === values.collection || x.name.toLowerCase() === values.collection!.toLowerCase(),
        );
        if (!c) throw new UsageError(`No collection “${values.collection}”`);
        selection = { query: { collectionId: c.id } };
      } else if (values.tag) {
        const tags = (await call(api, 'tags.list', {})) as TagInfo[];
        const tg = tags.find((x) => x.name.toLowerCase() === values.tag!.toLowerCase());
        if (!tg) throw new UsageError(`No tag “${values.tag}”`);
        selection = { query: { tags: [tg.id] } };
      } else if (values.search) selection = { query: { search: values.search } };
      else if (!values['saved-search'])
        selection = { ids: await resolveAssetIds(core, positionals.slice(1)) };
      const d = (await call(api, 'datasets.create', {
        name: positionals[0],
        ...(selection ? { selection } : { savedSearchId: values['saved-search'] }),
        triggerToken: values.trigger,
        ...(values.class !== undefined ? { classWord: values.class } : {}),
        ...(values.repeats ? { repeats: num(values.repeats, 'repeats') } : {}),
        ...(values.resolution ? { resolution: num(values.resolution, 'resolution') } : {}),
        ...(values.min ? { minImages: num(values.min, 'min') } : {}),
        bucketing: !values['no-bucketing'],
        includeUnapproved: values['include-unapproved'],
        ...(values.captions ? { captionSource: values.captions } : {}),
      })) as DatasetDetail;
      if (values.json) printJson(io, d);
      else
        io.out(
          `Dataset ${d.name}: ${d.imageCount} images, trigger “${d.triggerToken}”. Check it with \`atelier datasets check "${d.name}"\`.`,
        );
      return 0;
    }
    if (sub === 'list') {
      const list = (await call(api, 'datasets.list', {})) as DatasetInfo[];
      if (values.json) printJson(io, list);
      else if (!list.length)
        io.out('No datasets yet: `atelier datasets create NAME --collection C --trigger TOKEN`.');
      else for (const d of list) io.out(datasetLine(d));
      return 0;
    }
    if (sub === 'show') {
      const d = (await call(api, 'datasets.get', { id: positionals[0] })) as DatasetDetail;
      if (values.json) printJson(io, d);
      else {
        io.out(datasetLine(d));
        for (const i of d.items)
          io.out(`  ${i.excluded ? '(left out) ' : ''}${i.filename}: ${i.caption}`);
      }
      return 0;
    }
    if (sub === 'check') {
      const c = (await call(api, 'datasets.check', { id: positionals[0] })) as DatasetCheck;
      if (values.json) printJson(io, c);
      else printCheck(io, c);
      return c.ok ? 0 : 1;
    }
    if (sub === 'replace') {
      const r = (await call(api, 'datasets.replaceInCaptions', {
        id: positionals[0],
        find: positionals[1],
        replace: positionals[2],
        wholeTag: values['whole-tag'],
        dryRun: values['dry-run'],
      })) as { changed: number; captions: number };
      io.out(
        `${r.changed} of ${r.captions} captions ${values['dry-run'] ? 'would change' : 'changed'}.`,
      );
      return 0;
    }
    await call(api, 'datasets.delete', { id: positionals[0] });
    io.out(`Deleted the dataset ${positionals[0]} (its images stay in the Library).`);
    return 0;
  } finally {
    await core.dispose();
  }
}

async function waitForRun(
  core: Awaited<ReturnType<typeof openForJobs>>,
  t: TrainingInfo,
  io: CliIO,
  quiet: boolean,
): Promise<number> {
  if (!t.jobId) return 1;
  const job = await runAndWait(core, t.jobId, io, quiet);
  const api = createApi(core);
  const done = (await call(api, 'trainings.get', { id: t.id })) as TrainingDetail;
  if (!quiet) {
    io.out(trainingLine(done));
    for (const l of done.loras)
      io.out(`  LoRA ${l.name}${l.sizeBytes ? ` (${formatBytes(l.sizeBytes)})` : ''}`);
    if (done.error) io.err(done.error);
  }
  return job.status === 'completed' ? 0 : 1;
}

export async function trainCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      base: { type: 'string' },
      preset: { type: 'string' },
      steps: { type: 'string' },
      epochs: { type: 'string' },
      name: { type: 'string' },
      dim: { type: 'string' },
      alpha: { type: 'string' },
      lr: { type: 'string' },
      optimizer: { type: 'string' },
      precision: { type: 'string' },
      'save-every': { type: 'string' },
      'sample-every': { type: 'string' },
      'sample-prompt': { type: 'string', multiple: true },
      seed: { type: 'string' },
      batch: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('train takes one DATASET');
  if (!values.base) throw new UsageError('--base MODEL is needed: the checkpoint to train on');
  if (values.preset && !['quick', 'style', 'character'].includes(values.preset))
    throw new UsageError('--preset: use quick, style or character');
  if (values.steps && values.epochs) throw new UsageError('Give --steps or --epochs, not both');
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    const t = (await call(api, 'trainings.start', {
      datasetId: positionals[0],
      baseModel: values.base,
      ...(values.preset ? { preset: values.preset } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values.steps ? { steps: num(values.steps, 'steps'), saveEveryUnit: 'steps' } : {}),
      ...(values.epochs ? { epochs: num(values.epochs, 'epochs'), saveEveryUnit: 'epochs' } : {}),
      ...(values.dim ? { networkDim: num(values.dim, 'dim') } : {}),
      ...(values.alpha ? { networkAlpha: num(values.alpha, 'alpha') } : {}),
      ...(values.lr ? { learningRate: num(values.lr, 'lr') } : {}),
      ...(values.optimizer ? { optimizer: values.optimizer } : {}),
      ...(values.precision ? { precision: values.precision } : {}),
      ...(values['save-every'] ? { saveEvery: num(values['save-every'], 'save-every') } : {}),
      ...(values['sample-every']
        ? { sampleEvery: num(values['sample-every'], 'sample-every') }
        : {}),
      ...(values['sample-prompt'] ? { samplePrompts: values['sample-prompt'] } : {}),
      ...(values.seed ? { seed: num(values.seed, 'seed') } : {}),
      ...(values.batch ? { batchSize: num(values.batch, 'batch') } : {}),
    })) as TrainingInfo;
    if (!values.wait) {
      if (values.json) printJson(io, t);
      else
        io.out(
          `Queued ${t.name}: ${t.totalSteps ?? '?'} steps on ${t.baseModel.name}. Follow it with \`atelier trainings show ${t.name}\`.`,
        );
      return 0;
    }
    const code = await waitForRun(core, t, io, values.json);
    if (values.json) printJson(io, await call(api, 'trainings.get', { id: t.id }));
    return code;
  } finally {
    await core.dispose();
  }
}

export async function trainingsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const subs = ['list', 'show', 'cancel', 'pause', 'resume', 'choose'];
  if (!sub || !subs.includes(sub))
    throw new UsageError(
      `Unknown trainings subcommand: ${sub ?? '(none)'} (use ${subs.join(', ')})`,
    );
  if (sub === 'choose' && positionals.length !== 2) throw new UsageError('choose takes RUN LORA');
  if (!['list', 'choose'].includes(sub) && positionals.length !== 1)
    throw new UsageError(`${sub} takes one RUN (its id or LoRA name)`);
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    if (sub === 'list') {
      const list = (await call(api, 'trainings.list', {})) as TrainingInfo[];
      if (values.json) printJson(io, list);
      else if (!list.length) io.out('No training runs yet: `atelier train DATASET --base MODEL`.');
      else for (const t of list) io.out(trainingLine(t));
      return 0;
    }
    if (sub === 'show') {
      const t = (await call(api, 'trainings.get', { id: positionals[0] })) as TrainingDetail;
      if (values.json) printJson(io, t);
      else {
        io.out(trainingLine(t));
        if (t.error) io.out(`  ${t.error}`);
        const c = t.config;
        io.out(
          `  ${c.steps !== null ? `${c.steps} steps` : `${c.epochs} epochs`}, dim ${c.networkDim}/alpha ${c.networkAlpha}, lr ${c.learningRate}, ${c.optimizer}, save every ${c.saveEvery} ${c.saveEveryUnit}`,
        );
        for (const l of t.loras)
          io.out(
            `  LoRA ${l.name}${l.step !== null ? ` (step ${l.step})` : l.epoch !== null ? ` (epoch ${l.epoch})` : ' (last)'}${l.modelId === t.chosenModelId ? '  ← chosen' : ''}`,
          );
        for (const s of t.samples) io.out(`  samples at ${s.step}: ${s.assetIds.join(', ')}`);
      }
      return 0;
    }
    if (sub === 'choose') {
      const run = (await call(api, 'trainings.get', { id: positionals[0] })) as TrainingDetail;
      const pick = run.loras.find(
        (l) =>
          l.modelId === positionals[1] || l.name.toLowerCase() === positionals[1]!.toLowerCase(),
      );
      if (!pick)
        throw new UsageError(
          `${positionals[1]} is not one of this run's LoRAs (${run.loras.map((l) => l.name).join(', ') || 'none yet'})`,
        );
      const t = (await call(api, 'trainings.choose', {
        id: run.id,
        modelId: pick.modelId,
      })) as TrainingInfo;
      io.out(`${pick.name} is the chosen LoRA of ${t.name} (trigger “${t.triggerToken}”).`);
      return 0;
    }
    const t = (await call(api, `trainings.${sub}` as 'trainings.cancel', {
      id: positionals[0],
    })) as TrainingInfo;
    if (sub === 'resume' && values.wait) return await waitForRun(core, t, io, values.json);
    io.out(trainingLine(t));
    return 0;
  } finally {
    await core.dispose();
  }
}
