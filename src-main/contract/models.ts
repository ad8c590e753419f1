import { z } from 'zod';
import { event, method } from './define';

export const modelKinds = ['checkpoint', 'lora', 'vae', 'upscaler', 'other'] as const;
export type ModelKind = (typeof modelKinds)[number];

/** What a model was trained as, read from its file: size presets and engines depend on it. */
export const modelFamilies = ['sd15', 'sd2', 'sdxl', 'sd3', 'flux', 'wan', 'unknown'] as const;
export type ModelFamily = (typeof modelFamilies)[number];

/** Where a model file is: a model folder on this computer, or an engine server. */
export interface ModelFileInfo {
  /** 'local', or the engine server's id. */
  location: string;
  /** "this computer", "ComfyUI 'studio-pc'". */
  locationLabel: string;
  /** Absolute on this computer; as the server names it there. */
  path: string;
  kind: ModelKind | null;
  sizeBytes: number | null;
  /** Why the file is not usable as a model, in words. */
  problem: string | null;
  modelId: string | null;
}

export interface ModelScanSummary {
  files: number;
  models: number;
  added: number;
  /** Files seen by an earlier scan that changed since (size or mtime) and were read again. */
  changed: number;
  /** Files that are not models, with the reason. */
  problems: { path: string; problem: string }[];
  /** Servers that could not be asked, with the reason. */
  serverProblems: { endpointId: string; problem: string }[];
  durationMs: number;
}

/** A model or LoRA, as the Library knows it: from the assets' generation metadata, and what the creator recorded about it. */
export interface ModelInfo {
  /** null until the creator records something about it. */
  id: string | null;
  /** As the generation metadata names it (the first spelling seen). */
  name: string;
  /** The name without folders or extension, lower-cased: how metadata is matched to it. */
  matchKey: string;
  kind: ModelKind;
  /** Its license does not allow selling what it makes: commercial packs holding its output are blocked. */
  nonCommercial: boolean;
  /** What the model's card says, in the creator's words (e.g. "CreativeML Open RAIL++-M", "CC BY-NC 4.0"). */
  licenseNote: string | null;
  /** AI-generated assets made with it, in the trash excepted (within the pack, when asked for one). */
  assetCount: number;
  /** Model hashes the metadata gave for it (A1111's short hash), which also match renamed files. */
  hashes: string[];
  /** From a scan of its file (null until one is found). */
  family: ModelFamily | null;
  format: string | null;
  baseModel: string | null;
  resolution: string | null;
  /** The training's most frequent tags, most frequent first. */
  triggerWords: string[];
  /** The word that calls it up in a prompt, as the creator set it (else the first trigger word). */
  triggerToken: string | null;
  description: string | null;
  /** A1111's short hash: the first 10 hex digits of the file's SHA-256. */
  autov2: string | null;
  sizeBytes: number | null;
  files: ModelFileInfo[];
  /** Its best generated asset (highest rated, liked, newest), for a thumbnail. */
  thumbAssetId: string | null;
}

const name = z.string().trim().min(1).max(500);

export const modelsMethods = {
  'models.list': method(
    z
      .object({
        /** Only models used by this pack's assets. */
        packId: z.string().trim().min(1).max(64).optional(),
        search: z.string().trim().max(200).optional(),
        kind: z.enum(modelKinds).optional(),
        family: z.enum(modelFamilies).optional(),
        /** Only models with a file here or on a server (generation can use them). */
        available: z.boolean().optional(),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
    'Models and LoRAs: the registry’s files and the ones the Library’s AI-generated assets name (or one pack’s), with licenses, most used first.',
  )<ModelInfo[]>(),
  'models.scan': method(
    z.object({}).strict(),
    'Scan the model folders (headers only; SHA-256 reused while size and mtime hold) and ask each ComfyUI server for its models.',
  )<ModelScanSummary>(),
  'models.get': method(
    z.object({ ref: name }).strict(),
    'One model by id, name or file name, with its files and what they say.',
  )<ModelInfo>(),
  'models.update': method(
    z
      .object({
        ref: name,
        triggerToken: z.string().trim().max(200).nullable().optional(),
        description: z.string().trim().max(4000).nullable().optional(),
        licenseNote: z.string().trim().max(500).nullable().optional(),
        nonCommercial: z.boolean().optional(),
      })
      .strict(),
    'Edit what is recorded about a model: trigger token, description, license.',
  )<ModelInfo>(),
  'models.files': method(
    z.object({ problemsOnly: z.boolean().default(false) }).strict(),
    'Every model file found, here and on servers, with the reason a file is not a model.',
  )<ModelFileInfo[]>(),
  'models.setLicense': method(
    z
      .object({
        name,
        kind: z.enum(modelKinds).optional(),
        nonCommercial: z.boolean(),
        licenseNote: z.string().trim().max(500).nullable().optional(),
      })
      .strict(),
    'Record whether a model’s license allows commercial use (matched by name, as generation metadata writes it).',
  )<ModelInfo>(),
} as const;

export const modelsEvents = {
  'models.changed': event<{ matchKey?: string }>(
    'What is recorded about a model changed, or a scan changed the registry (no matchKey).',
  ),
} as const;
