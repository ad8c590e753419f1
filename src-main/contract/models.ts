import { z } from 'zod';
import { event, method } from './define';

export const modelKinds = ['checkpoint', 'lora', 'vae', 'upscaler', 'other'] as const;
export type ModelKind = (typeof modelKinds)[number];

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
}

const name = z.string().trim().min(1).max(500);

export const modelsMethods = {
  'models.list': method(
    z
      .object({
        /** Only models used by this pack's assets. */
        packId: z.string().trim().min(1).max(64).optional(),
        search: z.string().trim().max(200).optional(),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
    'Models and LoRAs the Library’s AI-generated assets were made with (or one pack’s), with what is recorded about their licenses, most used first.',
  )<ModelInfo[]>(),
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
  'models.changed': event<{ matchKey: string }>('What is recorded about a model changed.'),
} as const;
