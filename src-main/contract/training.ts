/**
 * LoRA training: datasets made from the creator's approved work, with captions stored beside
 * them (never in the creator's files), and training runs that are resumable jobs of the queue.
 */
import { z } from 'zod';
import { selection } from './curation';
import { event, method } from './define';
import type { AssetTypeName } from './library';
import type { JobSummary } from './jobs';

export const trainers = ['kohya'] as const;
export type Trainer = (typeof trainers)[number];

export const trainingPresets = ['quick', 'style', 'character'] as const;
export type TrainingPresetName = (typeof trainingPresets)[number];

export const captionSources = ['prompt', 'tags', 'trigger'] as const;
export type CaptionSource = (typeof captionSources)[number];

export interface DatasetInfo {
  id: string;
  name: string;
  /** The word the LoRA learns; it begins every caption. */
  triggerToken: string;
  /** What the subject is ("woman", "bottle", "style"): kohya's class token. */
  classWord: string;
  repeats: number;
  /** Training resolution in pixels (the short side with bucketing). */
  resolution: number;
  bucketing: boolean;
  /** Fewer images than this fail the check. */
  minImages: number;
  projectId: string | null;
  /** Images in the dataset (excluded ones not counted). */
  imageCount: number;
  excludedCount: number;
  /** Up to four images to show it by. */
  coverAssetIds: string[];
  trainingCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetItemInfo {
  assetId: string;
  filename: string;
  type: AssetTypeName;
  width: number | null;
  height: number | null;
  status: 'pending' | 'approved' | 'rejected';
  caption: string;
  excluded: boolean;
  missing: boolean;
}

export interface DatasetDetail extends DatasetInfo {
  items: DatasetItemInfo[];
}

export const datasetProblemCodes = [
  'empty',
  'too_few',
  'missing',
  'unreadable',
  'not_image',
  'too_small',
  'duplicate',
  'near_duplicate',
  'mixed_aspect',
  'empty_caption',
  'no_trigger',
] as const;
export type DatasetProblemCode = (typeof datasetProblemCodes)[number];

export interface DatasetProblem {
  code: DatasetProblemCode;
  /** Errors stop a run; warnings are worth a look. */
  severity: 'error' | 'warning';
  message: string;
  /** The assets it is about, named in `message` too. */
  assetIds: string[];
  /** What fixes it in one click: exclude the named assets, or turn bucketing on. */
  fix: 'exclude' | 'bucketing' | null;
}

export interface DatasetCheck {
  ok: boolean;
  imageCount: number;
  minImages: number;
  problems: DatasetProblem[];
}

export interface TrainingConfig {
  trainer: Trainer;
  /** kohya's script for the base model's family. */
  script: 'train_network.py' | 'sdxl_train_network.py' | 'flux_train_network.py';
  networkDim: number;
  networkAlpha: number;
  /** Exactly one of steps and epochs is set. */
  steps: number | null;
  epochs: number | null;
  learningRate: number;
  optimizer: string;
  precision: 'fp16' | 'bf16' | 'no';
  saveEvery: number;
  saveEveryUnit: 'steps' | 'epochs';
  samplePrompts: string[];
  /** 0: no samples. */
  sampleEvery: number;
  seed: number;
  batchSize: number;
}

export const trainingStatuses = [
  'queued',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type TrainingStatus = (typeof trainingStatuses)[number];

export interface TrainingInfo {
  id: string;
  /** The LoRA's file name stem (kohya's output_name). */
  name: string;
  datasetId: string;
  datasetName: string;
  triggerToken: string;
  baseModel: { id: string; name: string; family: string | null };
  config: TrainingConfig;
  preset: TrainingPresetName | null;
  status: TrainingStatus;
  /** The queue's job that runs it (the same job across pauses and resumes). */
  jobId: string | null;
  step: number;
  totalSteps: number | null;
  lastLoss: number | null;
  /** Seconds left, from the trainer's own rate. */
  etaSec: number | null;
  /** The trainer's last words when it failed. */
  error: string | null;
  /** Inherited from the base model: its LoRAs' outputs cannot go in commercial packs. */
  nonCommercial: boolean;
  /** The LoRA the creator picked as the best; null until they pick. */
  chosenModelId: string | null;
  loraCount: number;
  sampleCount: number;
  projectId: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface TrainingLora {
  modelId: string;
  name: string;
  path: string;
  step: number | null;
  epoch: number | null;
  /** The run's last save (`NAME.safetensors`). */
  final: boolean;
  sizeBytes: number | null;
}

export interface TrainingSampleStep {
  step: number;
  /** Sample images of this step, one per sample prompt, as assets. */
  assetIds: string[];
  /** The LoRA saved at this step, if one was. */
  modelId: string | null;
}

export interface TrainingDetail extends TrainingInfo {
  loras: TrainingLora[];
  samples: TrainingSampleStep[];
  /** Loss by step, for the chart. */
  loss: { step: number; loss: number }[];
  job: JobSummary | null;
}

export interface TrainingPreset {
  name: TrainingPresetName;
  label: string;
  description: string;
  config: Partial<TrainingConfig>;
}

const id = z.string().trim().min(1).max(64);
const datasetName = z.string().trim().min(1, 'A dataset needs a name').max(120);
const token = z
  .string()
  .trim()
  .min(1, 'A trigger token is needed: the word your prompts will use to call the LoRA')
  .max(60)
  .regex(/^[^\s,]+$/, 'A trigger token is one word, with no spaces or commas');
const classWord = z.string().trim().max(60);
const resolution = z.number().int().min(64).max(4096);
const repeats = z.number().int().min(1).max(1000);
const caption = z.string().max(4000);

export const trainingMethods = {
  'datasets.list': method(
    z.object({ projectId: id.optional() }).strict(),
    'Datasets, most recently changed first.',
  )<DatasetInfo[]>(),
  'datasets.get': method(
    z.object({ id }).strict(),
    'One dataset with its images and captions.',
  )<DatasetDetail>(),
  'datasets.create': method(
    z
      .object({
        name: datasetName,
        /** Picked assets, or a Library filter (a collection, a tag, a search). */
        selection: selection.optional(),
        savedSearchId: id.optional(),
        triggerToken: token,
        classWord: classWord.default(''),
        repeats: repeats.default(10),
        resolution: resolution.default(512),
        bucketing: z.boolean().default(true),
        minImages: z.number().int().min(1).max(10_000).default(10),
        /** Include pending and rejected assets of the selection too (approved only by default). */
        includeUnapproved: z.boolean().default(false),
        captionSource: z.enum(captionSources).default('prompt'),
        projectId: id.optional(),
      })
      .strict()
      .refine(
        (d) => (d.selection === undefined) !== (d.savedSearchId === undefined),
        'Make a dataset from picked assets, a collection, a tag, a search or a saved search',
      ),
    'A dataset from a selection: approved images only unless includeUnapproved; captions start from each asset’s prompt (LoRA tags and weights stripped) or its tags, the trigger token first.',
  )<DatasetDetail>(),
  'datasets.update': method(
    z
      .object({
        id,
        name: datasetName.optional(),
        triggerToken: token.optional(),
        classWord: classWord.optional(),
        repeats: repeats.optional(),
        resolution: resolution.optional(),
        bucketing: z.boolean().optional(),
        minImages: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    'Rename a dataset or change its trigger token (captions follow), class word, repeats, resolution or bucketing.',
  )<DatasetDetail>(),
  'datasets.delete': method(
    z.object({ id }).strict(),
    'Delete a dataset and its captions (the images stay in the Library; trainings made from it keep their LoRAs).',
  )<{ deleted: true }>(),
  'datasets.addAssets': method(
    z.object({ id, assetIds: z.array(id).min(1).max(10_000) }).strict(),
    'Add assets to a dataset (their captions start from their prompts).',
  )<DatasetDetail>(),
  'datasets.removeAssets': method(
    z.object({ id, assetIds: z.array(id).min(1).max(10_000) }).strict(),
    'Take assets out of a dataset (their captions go with them).',
  )<DatasetDetail>(),
  'datasets.exclude': method(
    z.object({ id, assetIds: z.array(id).min(1).max(10_000), excluded: z.boolean() }).strict(),
    'Leave images out of training (or bring them back) without losing their captions.',
  )<DatasetDetail>(),
  'datasets.check': method(
    z.object({ id }).strict(),
    'Validate a dataset before a run: too few images, missing or unreadable files, images under the resolution, non-images, duplicates and near-duplicates, mixed aspect ratios without bucketing. Each problem names its assets.',
  )<DatasetCheck>(),
  'datasets.setCaptions': method(
    z
      .object({
        id,
        captions: z
          .array(z.object({ assetId: id, caption }).strict())
          .min(1)
          .max(10_000),
      })
      .strict(),
    'Set captions of images in a dataset.',
  )<{ changed: number }>(),
  'datasets.replaceInCaptions': method(
    z
      .object({
        id,
        find: z.string().min(1).max(500),
        replace: z.string().max(500),
        wholeTag: z.boolean().default(false),
        caseSensitive: z.boolean().default(false),
        /** Report what would change without changing it. */
        dryRun: z.boolean().default(false),
      })
      .strict(),
    'Find and replace across every caption of a dataset (wholeTag: only comma-separated tags equal to find).',
  )<{ changed: number; captions: number }>(),
  'datasets.resetCaptions': method(
    z
      .object({
        id,
        source: z.enum(captionSources),
        assetIds: z.array(id).max(10_000).optional(),
      })
      .strict(),
    'Write captions again from the assets’ prompts, tags, or the trigger token alone.',
  )<DatasetDetail>(),
  'datasets.tagFrequency': method(
    z.object({ id }).strict(),
    'How many captions hold each comma-separated tag, most frequent first.',
  )<{ tag: string; count: number }[]>(),
  'trainings.presets': method(
    z.object({}).strict(),
    'The presets a run starts from: quick test, style, character.',
  )<TrainingPreset[]>(),
  'trainings.start': method(
    z
      .object({
        datasetId: id,
        /** A checkpoint's id, name or file name, as the Models page knows it. */
        baseModel: z.string().trim().min(1).max(500),
        preset: z.enum(trainingPresets).default('quick'),
        name: z
          .string()
          .trim()
          .min(1)
          .max(80)
          .regex(/^[\w.-]+$/, 'A LoRA name uses letters, digits, dots, dashes and underscores')
          .optional(),
        steps: z.number().int().min(1).max(1_000_000).optional(),
        epochs: z.number().int().min(1).max(10_000).optional(),
        networkDim: z.number().int().min(1).max(1024).optional(),
        networkAlpha: z.number().min(0.01).max(1024).optional(),
        learningRate: z.number().positive().max(1).optional(),
        optimizer: z
          .string()
          .trim()
          .regex(/^[\w.]+$/)
          .max(60)
          .optional(),
        precision: z.enum(['fp16', 'bf16', 'no']).optional(),
        saveEvery: z.number().int().min(1).max(1_000_000).optional(),
        saveEveryUnit: z.enum(['steps', 'epochs']).optional(),
        samplePrompts: z.array(z.string().trim().min(1).max(2000)).max(16).optional(),
        sampleEvery: z.number().int().min(0).max(1_000_000).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
        batchSize: z.number().int().min(1).max(64).optional(),
        /** Run anyway when the check has only warnings (errors always stop it). */
        acceptWarnings: z.boolean().default(true),
        projectId: id.optional(),
      })
      .strict()
      .refine((s) => !(s.steps && s.epochs), 'Give steps or epochs, not both'),
    'Queue a LoRA training run on a GPU pool: checks the dataset, prepares it, and trains with kohya; resumable after a crash, cancel or pause.',
  )<TrainingInfo>(),
  'trainings.list': method(
    z
      .object({
        status: z.array(z.enum(trainingStatuses)).max(6).optional(),
        datasetId: id.optional(),
      })
      .strict(),
    'Training runs, newest first.',
  )<TrainingInfo[]>(),
  'trainings.get': method(
    z.object({ id }).strict(),
    'One run: its LoRAs per save, sample images per step, loss by step and job.',
  )<TrainingDetail>(),
  'trainings.cancel': method(
    z.object({ id }).strict(),
    'Stop a run; the LoRAs it saved stay in Models.',
  )<TrainingInfo>(),
  'trainings.pause': method(
    z.object({ id }).strict(),
    'Pause a run: a queued one waits, a running one stops (its last saved state is kept) until resumed.',
  )<TrainingInfo>(),
  'trainings.resume': method(
    z.object({ id }).strict(),
    'Resume a paused, cancelled or failed run from its last saved state (never from step 0).',
  )<TrainingInfo>(),
  'trainings.move': method(
    z.object({ id, direction: z.enum(['up', 'down', 'top', 'bottom']) }).strict(),
    'Move a queued run in the queue.',
  )<TrainingInfo>(),
  'trainings.choose': method(
    z.object({ id, modelId: id }).strict(),
    'Pick the run’s best LoRA (a step or epoch save): it gets the trigger token and is offered first in Generate.',
  )<TrainingInfo>(),
  'trainings.delete': method(
    z.object({ id }).strict(),
    'Forget a finished run (its LoRAs and samples stay).',
  )<{ deleted: true }>(),
} as const;

export const trainingEvents = {
  'datasets.changed': event<{ id: string }>('A dataset or its captions changed.'),
  'trainings.changed': event<{ id: string }>(
    'A training run changed: status, a step, a saved LoRA or a sample.',
  ),
} as const;
