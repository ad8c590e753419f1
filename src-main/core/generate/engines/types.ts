import type { GenerationParams } from '../../../contract/generate';
import type { AssetRow } from '../../db/schema';
import type { JobContext } from '../../jobs/types';
import type { ModelRecord } from '../../models/resolveModel';

/** One item, resolved: its parameters, its model and LoRAs from the registry, its init image. */
export interface ItemRequest {
  orderId: string;
  itemId: string;
  seq: number;
  params: GenerationParams;
  model: ModelRecord;
  loras: { model: ModelRecord; weight: number }[];
  init: AssetRow | null;
}

export interface EngineOutput {
  /** The finished file, in the job's temp folder. */
  file: string;
  ext: 'png' | 'jpg' | 'webp' | 'mp4' | 'webm';
}

/** What an engine did with an item. */
export interface EngineResult {
  outputs: EngineOutput[];
  /** The request as sent, in the engine's own terms (argv, JSON body, graph). */
  actual: unknown;
  /** What the engine says it did (its answer, the image's own metadata). */
  returned: unknown;
  /** Things that did not stop it but the creator should know (a LoRA it could not find). */
  warnings: string[];
  providerRequestId: string | null;
  /** "stable-diffusion.cpp (sd-cli)", "ComfyUI 'studio-pc'". */
  engineLabel: string;
  /** The sampler and scheduler as the engine names them, for the image's parameters. */
  sampler: string | null;
  scheduler: string | null;
}

export type EngineAdapter = (ctx: JobContext, req: ItemRequest) => Promise<EngineResult>;
