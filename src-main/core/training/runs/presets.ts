import type {
  TrainingConfig,
  TrainingPreset,
  TrainingPresetName,
} from '../../../contract/training';

/**
 * Where a run starts: common community settings for kohya LoRAs. "Quick test" proves the
 * dataset and the install in minutes; "style" and "character" are the usual full runs (style:
 * more capacity, character: fewer epochs so the face does not burn in). Every value can be
 * overridden per run.
 */
export const presets: TrainingPreset[] = [
  {
    name: 'quick',
    label: 'Quick test',
    description: '300 steps at a small network size, a save and samples every 100 steps.',
    config: {
      networkDim: 8,
      networkAlpha: 4,
      steps: 300,
      epochs: null,
      learningRate: 1e-4,
      saveEvery: 100,
      saveEveryUnit: 'steps',
      sampleEvery: 100,
    },
  },
  {
    name: 'style',
    label: 'Style',
    description: '10 epochs at network size 32, a save and samples every epoch.',
    config: {
      networkDim: 32,
      networkAlpha: 16,
      steps: null,
      epochs: 10,
      learningRate: 1e-4,
      saveEvery: 1,
      saveEveryUnit: 'epochs',
      sampleEvery: 1,
    },
  },
  {
    name: 'character',
    label: 'Character',
    description: '8 epochs at network size 16, a save and samples every epoch.',
    config: {
      networkDim: 16,
      networkAlpha: 8,
      steps: null,
      epochs: 8,
      learningRate: 1e-4,
      saveEvery: 1,
      saveEveryUnit: 'epochs',
      sampleEvery: 1,
    },
  },
];

export type ConfigOverrides = Partial<Omit<TrainingConfig, 'trainer' | 'script'>>;

/** A run's full config: the preset, then what the creator set; steps and epochs exclude each other. */
export function buildConfig(
  preset: TrainingPresetName,
  script: TrainingConfig['script'],
  family: string | null,
  o: ConfigOverrides,
  defaults: { samplePrompts: string[] },
): TrainingConfig {
  const p = presets.find((x) => x.name === preset)!.config;
  const stepsGiven = o.steps !== undefined && o.steps !== null;
  const epochsGiven = o.epochs !== undefined && o.epochs !== null;
  const steps = stepsGiven ? o.steps! : epochsGiven ? null : (p.steps ?? null);
  const epochs = epochsGiven ? o.epochs! : stepsGiven ? null : (p.epochs ?? null);
  // A save unit that matches how the length was given, unless the creator chose one.
  const unit = o.saveEveryUnit ?? (steps !== null ? 'steps' : 'epochs');
  const presetUnitMatches = p.saveEveryUnit === unit;
  return {
    trainer: 'kohya',
    script,
    networkDim: o.networkDim ?? p.networkDim ?? 16,
    networkAlpha: o.networkAlpha ?? p.networkAlpha ?? 8,
    steps,
    epochs,
    learningRate: o.learningRate ?? p.learningRate ?? 1e-4,
    optimizer: o.optimizer ?? 'AdamW',
    precision: o.precision ?? (family === 'flux' || family === 'sdxl' ? 'bf16' : 'fp16'),
    saveEvery:
      o.saveEvery ??
      (presetUnitMatches
        ? (p.saveEvery ?? 1)
        : unit === 'steps'
          ? Math.max(1, Math.ceil((steps ?? 300) / 3))
          : 1),
    saveEveryUnit: unit,
    samplePrompts: o.samplePrompts ?? defaults.samplePrompts,
    sampleEvery:
      o.sampleEvery ??
      (presetUnitMatches
        ? (p.sampleEvery ?? 1)
        : unit === 'steps'
          ? Math.max(1, Math.ceil((steps ?? 300) / 3))
          : 1),
    seed: o.seed ?? 42,
    batchSize: o.batchSize ?? 1,
  };
}

/** The default sample prompts: the trigger token alone, then two of the dataset's captions. */
export function defaultSamplePrompts(trigger: string, captions: string[]): string[] {
  const picks: string[] = [trigger];
  const distinct = [...new Set(captions.map((c) => c.trim()).filter((c) => c && c !== trigger))];
  if (distinct.length) picks.push(distinct[0]!);
  if (distinct.length > 1) picks.push(distinct[Math.floor(distinct.length / 2)]!);
  return picks;
}
