import type { JobKind } from '../jobs/types';
import { registerJobKind } from '../jobs/registry';
import { generateComfyKind, generateSdCppKind, generateSdServerKind } from '../generate/kinds';
import { hashModelsKind } from '../models/hashJob';
import { trainLoraKind } from '../training/runs/trainKind';
import {
  audioTranslationKind,
  subtitlesKind,
  videoTranslationKind,
} from '../localize/localizeKind';
import { exportPackJob } from '../packs/exportJob';
import {
  denoiseAudioKind,
  denoiseVideoKind,
  enhanceKind,
  metadataExtractKind,
  thumbnailKind,
  transcodeKind,
  upscaleKind,
} from '../process/kinds';

/**
 * Every job kind the app runs. The queue (jobs/) knows kinds only through its registry: it
 * never imports a domain, so adding a kind is a line here and a module in its domain.
 */
export const jobKinds: readonly JobKind[] = [
  upscaleKind,
  denoiseAudioKind,
  denoiseVideoKind,
  enhanceKind,
  transcodeKind,
  metadataExtractKind,
  thumbnailKind,
  exportPackJob,
  generateSdCppKind,
  generateSdServerKind,
  generateComfyKind,
  hashModelsKind,
  trainLoraKind,
  subtitlesKind,
  audioTranslationKind,
  videoTranslationKind,
] as unknown as JobKind[];

/** Idempotent: the api and the services both make sure the kinds are known. */
export function registerJobKinds(): void {
  for (const kind of jobKinds) registerJobKind(kind);
}
