import type { TrainingConfig } from '../../../contract/training';

export interface KohyaInvocation {
  scriptsDir: string;
  config: TrainingConfig;
  baseModelPath: string;
  tomlPath: string;
  outputDir: string;
  outputName: string;
  samplePromptsFile: string | null;
  /** No CUDA/ROCm device here: accelerate runs on the CPU, without mixed precision. */
  cpu: boolean;
  cpuThreads: number;
  /** The state folder to continue from. */
  resumeState: string | null;
  /** A Python file run in place of the script, given the script first (installs that need a shim). */
  launcher: string | null;
  /** Arguments appended for the trainer (an offline tokenizer cache, an attention backend…). */
  extraArgs: string[];
}

/** The precision a run really uses: CPUs have no fp16 training, so it is full precision there. */
export function effectivePrecision(inv: Pick<KohyaInvocation, 'cpu' | 'config'>): string {
  return inv.cpu ? 'no' : inv.config.precision;
}

/**
 * `python -m accelerate.commands.launch … train_network.py …`: the command kohya's own GUI runs,
 * with a state saved at every save so a run can resume, and (when resuming)
 * `--skip_until_initial_step`, without which kohya silently trains again from step 0.
 */
export function kohyaArgs(inv: KohyaInvocation): string[] {
  const c = inv.config;
  const precision = effectivePrecision(inv);
  const unit = c.saveEveryUnit;
  return [
    '-m',
    'accelerate.commands.launch',
    ...(inv.cpu ? ['--cpu'] : []),
    '--num_processes',
    '1',
    '--num_machines',
    '1',
    '--mixed_precision',
    precision,
    '--dynamo_backend',
    'no',
    '--num_cpu_threads_per_process',
    String(inv.cpuThreads),
    ...(inv.launcher ? [inv.launcher] : []),
    c.script,
    '--pretrained_model_name_or_path',
    inv.baseModelPath,
    '--dataset_config',
    inv.tomlPath,
    '--network_module',
    'networks.lora',
    '--network_dim',
    String(c.networkDim),
    '--network_alpha',
    String(c.networkAlpha),
    '--output_dir',
    inv.outputDir,
    '--output_name',
    inv.outputName,
    '--save_model_as',
    'safetensors',
    unit === 'steps' ? '--save_every_n_steps' : '--save_every_n_epochs',
    String(c.saveEvery),
    '--learning_rate',
    String(c.learningRate),
    '--optimizer_type',
    c.optimizer,
    '--mixed_precision',
    precision,
    ...(inv.samplePromptsFile && c.sampleEvery > 0
      ? [
          '--sample_prompts',
          inv.samplePromptsFile,
          unit === 'steps' ? '--sample_every_n_steps' : '--sample_every_n_epochs',
          String(c.sampleEvery),
          '--sample_sampler',
          'euler_a',
        ]
      : []),
    '--seed',
    String(c.seed),
    '--max_data_loader_n_workers',
    '0',
    '--save_state',
    ...(c.steps !== null
      ? ['--max_train_steps', String(c.steps)]
      : ['--max_train_epochs', String(c.epochs ?? 1)]),
    ...inv.extraArgs,
    ...(inv.resumeState ? ['--resume', inv.resumeState, '--skip_until_initial_step'] : []),
  ];
}

/** kohya's sample prompt file: one prompt a line with `--n --w --h --d --l --s` options. */
export function samplePromptLines(
  prompts: string[],
  o: { negative: string; width: number; height: number; seed: number; cfg: number; steps: number },
): string {
  // A prompt's own " --" would start an option: soften it to a single dash.
  const clean = (s: string) =>
    s
      .replace(/\s+/g, ' ')
      .replace(/(^|\s)--+/g, '$1-')
      .trim();
  return (
    prompts
      .map(
        (p, i) =>
          `${clean(p)}${o.negative ? ` --n ${clean(o.negative)}` : ''} --w ${o.width} --h ${o.height} --d ${o.seed + i} --l ${o.cfg} --s ${o.steps}`,
      )
      .join('\n') + '\n'
  );
}

/** Extra arguments from `ATELIER_KOHYA_EXTRA_ARGS`: a JSON array, or words split on spaces. */
export function parseExtraArgs(value: string | undefined): string[] {
  const v = value?.trim();
  if (!v) return [];
  if (v.startsWith('[')) {
    try {
      const a = JSON.parse(v) as unknown;
      if (Array.isArray(a)) return a.map(String);
    } catch {}
  }
  return v.split(/\s+/);
}
