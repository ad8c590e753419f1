import type { ModelFamily, ModelInfo, ModelKind } from '@contract/index';
import type { GenIconName } from '../generate/GenIcon';

/** Kept here, not imported from the contract at runtime: the renderer bundle stays free of zod. */
export const kinds: readonly ModelKind[] = ['checkpoint', 'lora', 'vae', 'upscaler', 'other'];
export const families: readonly ModelFamily[] = [
  'sd15',
  'sd2',
  'sdxl',
  'sd3',
  'flux',
  'wan',
  'unknown',
];

export const kindLabel: Record<ModelKind, string> = {
  checkpoint: 'Checkpoint',
  lora: 'LoRA',
  vae: 'VAE',
  upscaler: 'Upscaler',
  other: 'Other',
};

export const kindPlural: Record<ModelKind, string> = {
  checkpoint: 'Checkpoints',
  lora: 'LoRAs',
  vae: 'VAEs',
  upscaler: 'Upscalers',
  other: 'Other files',
};

export const kindIcon: Record<ModelKind, GenIconName> = {
  checkpoint: 'cube',
  lora: 'layers',
  vae: 'vae',
  upscaler: 'upscale',
  other: 'file',
};

export const familyLabel: Record<ModelFamily, string> = {
  sd15: 'SD 1.5',
  sd2: 'SD 2.x',
  sdxl: 'SDXL',
  sd3: 'SD 3',
  flux: 'Flux',
  wan: 'Wan (video)',
  unknown: 'Unknown family',
};

export function familyName(f: ModelFamily | null): string {
  return f ? familyLabel[f] : 'Family not known';
}

/**
 * Why a model's family is not known: only a file's header tells it, and a model known from the
 * Library's images alone, or only from a server's listing, has none read here.
 */
export function familyUnknownWhy(m: ModelInfo): string {
  if (m.files.length === 0) return 'No file of it was found: its family is read from the file.';
  if (!m.files.some((f) => f.location === 'local'))
    return 'Its file is on an engine server, which does not say what it was trained as.';
  return 'Its file has not been read yet: Scan reads it.';
}

/** What generate.start and models.get accept for a model: its registry id, else its name. */
export function modelRef(m: ModelInfo): string {
  return m.id ?? m.name;
}

/** The name without folders or extension: what a person calls the file. */
export function shortName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/\.(safetensors|sft|gguf|ckpt|pt|pth|bin)$/i, '');
}
