import { z } from 'zod';
import { method } from './define';
import type { AssetTypeName } from './library';

/** Params each processing kind takes (the asset comes from `assetIds`). */
export const upscaleParams = z
  .object({
    model: z.enum(['realesrgan-x4plus', 'realesrgan-x4fast']).default('realesrgan-x4plus'),
    /** x4 models always run at 4×; 2× and 3× are a lanczos downscale of the 4× result. */
    scale: z.union([z.literal(2), z.literal(3), z.literal(4)]).default(4),
    /** 0 = let the engine choose; smaller tiles use less GPU memory. */
    tileSize: z.number().int().min(0).max(2048).default(0),
    gpuIndex: z.number().int().min(0).max(15).optional(),
    /** auto: Real-ESRGAN when a Vulkan device exists, else a labelled lanczos resize; ai: Real-ESRGAN or fail. */
    engine: z.enum(['auto', 'ai', 'lanczos']).default('auto'),
    format: z.enum(['png', 'jpg', 'webp']).default('png'),
  })
  .strict();

export const denoiseAudioParams = z
  .object({
    method: z.enum(['afftdn', 'anlmdn']).default('afftdn'),
    /** 0..1; 0.5 is the filters' usual setting. */
    strength: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const denoiseVideoParams = z
  .object({
    /** hqdn3d is fast; nlmeans is slow and cleaner. */
    method: z.enum(['hqdn3d', 'nlmeans']).default('hqdn3d'),
    strength: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const enhanceParams = z
  .object({
    /** Loudness target for audio (and a video's audio), in LUFS. */
    targetLufs: z.number().min(-40).max(-5).default(-14),
    truePeak: z.number().min(-9).max(0).default(-1.5),
    /** Image: how much to sharpen after normalising (sigma). */
    sharpen: z.number().min(0).max(3).default(1),
  })
  .strict();

export const transcodeFormats = [
  'png',
  'jpg',
  'webp',
  'wav',
  'mp3',
  'flac',
  'mp4',
  'webm',
  'srt',
  'vtt',
] as const;
export const transcodeParams = z
  .object({
    format: z.enum(transcodeFormats),
    quality: z.enum(['high', 'medium', 'small']).default('high'),
    /** Longest edge in pixels for images and video; omitted keeps the size. */
    maxSize: z.number().int().min(16).max(16384).optional(),
  })
  .strict();

export const emptyParams = z.object({}).strict();

export const processKinds = [
  'upscale',
  'denoise_audio',
  'denoise_video',
  'enhance',
  'transcode',
  'metadata_extract',
  'thumbnail',
] as const;
export type ProcessKind = (typeof processKinds)[number];

const assetIds = z.array(z.string().trim().min(1).max(64)).min(1).max(10_000);
const priority = z.number().int().min(-100).max(100).default(0);

export const processRunInput = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('upscale'),
      assetIds,
      priority,
      params: upscaleParams.default(upscaleParams.parse({})),
    })
    .strict(),
  z
    .object({
      kind: z.literal('denoise_audio'),
      assetIds,
      priority,
      params: denoiseAudioParams.default(denoiseAudioParams.parse({})),
    })
    .strict(),
  z
    .object({
      kind: z.literal('denoise_video'),
      assetIds,
      priority,
      params: denoiseVideoParams.default(denoiseVideoParams.parse({})),
    })
    .strict(),
  z
    .object({
      kind: z.literal('enhance'),
      assetIds,
      priority,
      params: enhanceParams.default(enhanceParams.parse({})),
    })
    .strict(),
  z.object({ kind: z.literal('transcode'), assetIds, priority, params: transcodeParams }).strict(),
  z
    .object({
      kind: z.literal('metadata_extract'),
      assetIds,
      priority,
      params: emptyParams.default({}),
    })
    .strict(),
  z
    .object({ kind: z.literal('thumbnail'), assetIds, priority, params: emptyParams.default({}) })
    .strict(),
]);
export type ProcessRunInput = z.input<typeof processRunInput>;

export interface ProcessRunResult {
  /** The job to watch: the single job, or the batch parent for several assets. */
  jobId: string;
  childJobIds: string[];
}

/** What an output's source is: another asset, a model or LoRA, the job or training that made it… */
export const linkSourceKinds = [
  'asset',
  'model',
  'job',
  'training',
  'order_item',
  'dataset',
  'character',
] as const;
export type LinkSourceKind = (typeof linkSourceKinds)[number];

/** The part a source played: the image an upscale started from, an init image, a mask, a LoRA… */
export const linkRoles = [
  'source',
  'init',
  'reference',
  'mask',
  'dataset',
  'character',
  'lora',
  'model',
  'made_by',
] as const;
export type LinkRole = (typeof linkRoles)[number];

export interface LineageNode {
  id: string;
  filename: string;
  type: AssetTypeName;
  derivedFrom: string | null;
  derivation: unknown;
  isUpscaled: boolean;
  jobId: string | null;
  createdAt: string;
}

/** A thing in an asset's history: an asset, a model or LoRA, the job or training that made it. */
export interface LineageGraphNode {
  /** `${kind}:${id}` */
  key: string;
  kind: LinkSourceKind;
  id: string;
  /** File name, model name, job title; "(removed)" for something gone. */
  label: string;
  /** For assets: image, audio, video or subtitles. */
  assetType: AssetTypeName | null;
  exists: boolean;
}

/** `from` was made with `to`, which played `role`. */
export interface LineageGraphEdge {
  from: string;
  to: string;
  role: string;
  details: unknown;
}

export interface Lineage {
  asset: LineageNode;
  /** Sources, nearest first (the chain of main sources). */
  ancestors: LineageNode[];
  /** Everything made from this asset, breadth first (bounded). */
  descendants: LineageNode[];
  /**
   * What it was made from, all the way up (bounded): every source with its role (init image,
   * mask, LoRA…), the job that made each, and what those were made from in turn.
   */
  graph: { nodes: LineageGraphNode[]; edges: LineageGraphEdge[] };
}

export const processMethods = {
  'process.run': method(
    processRunInput,
    'Queue a processing job per asset (a batch parent when several); returns at once with the job id.',
  )<ProcessRunResult>(),
  'process.lineage': method(
    z.object({ assetId: z.string().trim().min(1).max(64) }).strict(),
    'Where an asset came from and what was made from it.',
  )<Lineage>(),
} as const;
