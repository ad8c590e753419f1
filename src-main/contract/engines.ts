import { z } from 'zod';
import { event, method } from './define';

export type EngineSource = 'settings' | 'env' | 'ffmpeg-static' | 'bundled' | 'PATH' | 'missing';

export interface EngineInfo {
  id: 'ffmpeg' | 'ffprobe' | 'realesrgan';
  label: string;
  path: string | null;
  source: EngineSource;
  version: string | null;
  ok: boolean;
  /** Why it cannot be used, in words a user can act on. */
  problem: string | null;
}

export interface VulkanInfo {
  found: boolean;
  devices: string[];
  problem: string | null;
}

export interface EnginesStatus {
  engines: EngineInfo[];
  realesrganModelsDir: string | null;
  realesrganModels: string[];
  vulkan: VulkanInfo;
  settings: EngineSettings;
}

const optionalPath = z.string().trim().min(1).max(4096).nullable();

/** Jobs run at once per resource class; unset classes keep their defaults (gpu 1, cpu cores − 1, io 2). */
const concurrencyLimits = z
  .object({
    gpu: z.number().int().min(1).max(16).optional(),
    cpu: z.number().int().min(1).max(64).optional(),
    io: z.number().int().min(1).max(16).optional(),
  })
  .strict();

export const engineSettingsSchema = z.object({
  ffmpegPath: optionalPath.default(null),
  ffprobePath: optionalPath.default(null),
  realesrganPath: optionalPath.default(null),
  realesrganModelsDir: optionalPath.default(null),
  /** Where outputs go: the data dir's outputs/ folder, or beside each source file. */
  outputLocation: z.enum(['outputs', 'beside_source']).default('outputs'),
  concurrency: concurrencyLimits.default({}),
});
export type EngineSettings = z.output<typeof engineSettingsSchema>;

export const enginesMethods = {
  'engines.status': method(
    z.object({ refresh: z.boolean().default(false) }).strict(),
    'Each external program: resolved path, where it came from, version, and whether a Vulkan device was found.',
  )<EnginesStatus>(),
  'engines.update': method(
    z
      .object({
        ffmpegPath: optionalPath.optional(),
        ffprobePath: optionalPath.optional(),
        realesrganPath: optionalPath.optional(),
        realesrganModelsDir: optionalPath.optional(),
        outputLocation: z.enum(['outputs', 'beside_source']).optional(),
        concurrency: concurrencyLimits.optional(),
      })
      .strict(),
    'Override engine paths (null clears an override) and processing settings.',
  )<EnginesStatus>(),
} as const;

export const enginesEvents = {
  'engines.changed': event<{ reason: 'settings' | 'endpoints' | 'health' }>(
    'Engine settings, endpoints or an endpoint’s health changed: the job queue re-reads its pools.',
  ),
} as const;
