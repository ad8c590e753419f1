import { z } from 'zod';
import { event, method } from './define';

/** Engine servers Atelier talks to over HTTP; each one is a pool of its own. */
export const endpointKinds = ['comfyui', 'sdserver', 'llm'] as const;
export type EndpointKind = (typeof endpointKinds)[number];

export type EngineSource = 'settings' | 'env' | 'ffmpeg-static' | 'bundled' | 'PATH' | 'missing';

export interface EngineInfo {
  id: 'ffmpeg' | 'ffprobe' | 'realesrgan' | 'sdcpp' | 'kohya';
  label: string;
  path: string | null;
  source: EngineSource;
  version: string | null;
  ok: boolean;
  /** Why it cannot be used, in words a user can act on. */
  problem: string | null;
  /** The job-queue pools whose work it does. */
  pools: string[];
}

export interface VulkanInfo {
  found: boolean;
  devices: string[];
  problem: string | null;
  /**
   * Every device found is a Vulkan driver that runs on the CPU (Mesa's llvmpipe/lavapipe,
   * SwiftShader): Real-ESRGAN works, but minutes per small image instead of seconds.
   */
  software: boolean;
  /** What that means for upscaling, in words (null on a real GPU or with no device). */
  note: string | null;
}

export interface EndpointHealth {
  ok: boolean;
  /** Why it cannot be used, in the engine's or the network's words. */
  problem: string | null;
  version: string | null;
  /** What it runs: its GPUs, its loaded model, its models. */
  detail: string | null;
  latencyMs: number | null;
  checkedAt: string;
}

export interface EngineEndpoint {
  id: string;
  kind: EndpointKind;
  name: string;
  url: string;
  /** Which sign-in it uses; the secret itself never leaves the main process. */
  auth: 'none' | 'bearer' | 'basic';
  /** Jobs sent to it at once. */
  slots: number;
  enabled: boolean;
  /** The job-queue pool it feeds. */
  poolId: string;
  createdAt: string;
  updatedAt: string;
}

export interface EngineEndpointStatus extends EngineEndpoint {
  /** The queue's last health check; null until one ran. */
  health: EndpointHealth | null;
}

/** A job-queue pool: this computer's CPU, GPU and disk, and each engine server. */
export interface PoolStatus {
  id: string;
  kind: string;
  label: string;
  slots: number;
  /** Jobs running on it now. */
  active: number;
  online: boolean;
  problem: string | null;
  endpointId: string | null;
}

export interface EnginesStatus {
  engines: EngineInfo[];
  /** Engine servers; their pools (slots, jobs on them) are in jobs.queueState. */
  endpoints: EngineEndpointStatus[];
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

/** Extra model folders per kind; the data dir's models/<kind>/ folders are always scanned. */
const modelFolders = z
  .object({
    checkpoints: z.array(z.string().trim().min(1).max(4096)).max(32).default([]),
    loras: z.array(z.string().trim().min(1).max(4096)).max(32).default([]),
    vaes: z.array(z.string().trim().min(1).max(4096)).max(32).default([]),
    upscalers: z.array(z.string().trim().min(1).max(4096)).max(32).default([]),
  })
  .strict();
export type ModelFolders = z.output<typeof modelFolders>;

export const engineSettingsSchema = z.object({
  ffmpegPath: optionalPath.default(null),
  /** stable-diffusion.cpp's CLI (`sd-cli`, older `sd`). */
  sdcppPath: optionalPath.default(null),
  /** kohya sd-scripts' folder (the one with train_network.py, or kohya_ss holding sd-scripts/). */
  kohyaDir: optionalPath.default(null),
  /** The Python that runs it (its venv's); found beside the folder when unset. */
  kohyaPython: optionalPath.default(null),
  modelFolders: modelFolders.default({ checkpoints: [], loras: [], vaes: [], upscalers: [] }),
  ffprobePath: optionalPath.default(null),
  realesrganPath: optionalPath.default(null),
  realesrganModelsDir: optionalPath.default(null),
  /** Where outputs go: the data dir's outputs/ folder, or beside each source file. */
  outputLocation: z.enum(['outputs', 'beside_source']).default('outputs'),
  concurrency: concurrencyLimits.default({}),
});
export type EngineSettings = z.output<typeof engineSettingsSchema>;

const endpointKind = z.enum(endpointKinds);
const endpointName = z.string().trim().min(1).max(80);
const endpointUrl = z.string().trim().min(1).max(2000);
export const endpointAuthInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string().min(1).max(4096) }).strict(),
  z
    .object({
      type: z.literal('basic'),
      user: z.string().min(1).max(256),
      password: z.string().max(4096),
    })
    .strict(),
]);
export type EndpointAuthInput = z.output<typeof endpointAuthInput>;
const slots = z.number().int().min(1).max(64);
const endpointId = z.string().trim().min(1).max(64);

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
        sdcppPath: optionalPath.optional(),
        kohyaDir: optionalPath.optional(),
        kohyaPython: optionalPath.optional(),
        modelFolders: modelFolders.optional(),
        outputLocation: z.enum(['outputs', 'beside_source']).optional(),
        concurrency: concurrencyLimits.optional(),
      })
      .strict(),
    'Override engine paths (null clears an override) and processing settings.',
    { access: 'manager' },
  )<EnginesStatus>(),
  'engines.addEndpoint': method(
    z
      .object({
        kind: endpointKind,
        name: endpointName,
        url: endpointUrl,
        auth: endpointAuthInput.optional(),
        slots: slots.optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
    'Add an engine server (ComfyUI, sd-server, an OpenAI-compatible LLM server): it becomes a pool of the job queue.',
    { access: 'manager' },
  )<EngineEndpoint>(),
  'engines.updateEndpoint': method(
    z
      .object({
        id: endpointId,
        name: endpointName.optional(),
        url: endpointUrl.optional(),
        auth: endpointAuthInput.optional(),
        slots: slots.optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
    'Change an engine server; a disabled one receives no new jobs.',
    { access: 'manager' },
  )<EngineEndpoint>(),
  'engines.removeEndpoint': method(
    z.object({ id: endpointId }).strict(),
    'Remove an engine server; jobs waiting for it alone wait until another server of its kind is added.',
    { access: 'manager' },
  )<{ removed: true }>(),
  'engines.testEndpoint': method(
    z.union([
      z.object({ id: endpointId }).strict(),
      z
        .object({ kind: endpointKind, url: endpointUrl, auth: endpointAuthInput.optional() })
        .strict(),
    ]),
    'Test connection: ask a saved server (by id) or one being typed in (kind, url, auth) what it is.',
    { access: 'manager' },
  )<EndpointHealth>(),
} as const;

export const enginesEvents = {
  'engines.changed': event<{ reason: 'settings' | 'endpoints' | 'health' }>(
    'Engine settings, endpoints or an endpoint’s health changed: the job queue re-reads its pools.',
  ),
} as const;
