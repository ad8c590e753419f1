/**
 * Generation: orders of images (and video) from the creator's own models, run by the engines
 * they already have — stable-diffusion.cpp's `sd-cli` on this computer, sd-server, and a pool of
 * ComfyUI servers — through the job queue. An order is one request (a model, an engine, base
 * parameters) of N items; each item is one image, a child job of the order's batch job.
 */
import { z } from 'zod';
import { event, method } from './define';

export const generationEngines = ['sdcpp', 'sdserver', 'comfyui'] as const;
export type GenerationEngine = (typeof generationEngines)[number];

export const seedModes = ['random', 'fixed', 'increment'] as const;
export type SeedMode = (typeof seedModes)[number];

export const orderStatuses = ['pending', 'processing', 'fulfilled', 'failed', 'cancelled'] as const;
export type OrderStatusName = (typeof orderStatuses)[number];
export const orderItemStatuses = [
  'pending',
  'generating',
  'complete',
  'failed',
  'cancelled',
] as const;
export type OrderItemStatusName = (typeof orderItemStatuses)[number];

/** 100 kB prompts were seen in the wild (pasted logs): refused with a clear message. */
const MAX_PROMPT = 8000;
const prompt = z
  .string()
  .max(MAX_PROMPT, `A prompt may be at most ${MAX_PROMPT.toLocaleString('en')} characters`);
const dimension = z
  .number()
  .int()
  .min(64, 'Width and height are at least 64 pixels')
  .max(4096, 'Width and height are at most 4096 pixels')
  .refine((n) => n % 8 === 0, 'Width and height must be multiples of 8');

export const loraUse = z
  .object({
    /** A model id, a name as the registry shows it, or a file name. */
    model: z.string().trim().min(1).max(500),
    weight: z.number().min(-4).max(4).default(1),
  })
  .strict();
export type LoraUse = z.output<typeof loraUse>;

/** What one image is made with; an order's base, and each item's own (seed at least). */
export const generationParams = z
  .object({
    prompt,
    /** The prompt before the assistant rewrote it (Enhance), kept beside the one used. */
    originalPrompt: prompt.optional(),
    negative: prompt.default(''),
    width: dimension.default(512),
    height: dimension.default(512),
    steps: z.number().int().min(1).max(200).default(20),
    cfg: z.number().min(0).max(50).default(7),
    /** Engine names (euler, euler_a, dpm++2m…); the engine's default when absent. */
    sampler: z.string().trim().min(1).max(40).optional(),
    scheduler: z.string().trim().min(1).max(40).optional(),
    /** -1: a random seed per order (then +1 per image unless the mode says otherwise). */
    seed: z
      .number()
      .int()
      .min(-1)
      .max(2 ** 53 - 1)
      .default(-1),
    clipSkip: z.number().int().min(1).max(12).optional(),
    loras: z.array(loraUse).max(16, 'At most 16 LoRAs at once').default([]),
    /** img2img: an asset as the init image, and how much of it to change. */
    init: z
      .object({
        assetId: z.string().trim().min(1).max(100),
        strength: z.number().min(0).max(1).default(0.75),
      })
      .strict()
      .optional(),
    /** Video (Wan): frames and their rate. */
    video: z
      .object({
        frames: z.number().int().min(1).max(1000).default(33),
        fps: z.number().min(1).max(60).default(16),
        flowShift: z.number().min(0).max(20).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type GenerationParams = z.output<typeof generationParams>;

export const MAX_ORDER_ITEMS = 10_000;

export const generateInput = generationParams
  .extend({
    /** The checkpoint: a registry id, its name, or its file name. */
    model: z.string().trim().min(1).max(500),
    count: z
      .number()
      .int()
      .min(1, 'Ask for at least one image')
      .max(MAX_ORDER_ITEMS, `At most ${MAX_ORDER_ITEMS.toLocaleString('en')} images per order`)
      .default(1),
    seedMode: z.enum(seedModes).default('increment'),
    /** An engine kind (any server of it), or an engine server's id; chosen for you when absent. */
    engine: z.string().trim().min(1).max(64).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    /** Where the images go: the Library (default), or a workspace session to keep or discard. */
    destination: z.enum(['library', 'workspace']).default('library'),
    /** Leave the active negative presets of the model's family out of this order. */
    noNegativePresets: z.boolean().default(false),
    projectId: z.string().trim().min(1).max(64).optional(),
    /**
     * An explicit list instead of `count`: each item overrides the base parameters (a prompt, a
     * seed, a size…). The next step, prompt expansion, writes these lists.
     */
    items: z
      .array(generationParams.partial())
      .min(1, 'An explicit list needs at least one item')
      .max(MAX_ORDER_ITEMS, `At most ${MAX_ORDER_ITEMS.toLocaleString('en')} images per order`)
      .optional(),
  })
  .strict();
export type GenerateInput = z.input<typeof generateInput>;

export interface OrderSummary {
  id: string;
  title: string;
  status: OrderStatusName;
  engine: GenerationEngine;
  endpointId: string | null;
  model: { id: string | null; name: string } | null;
  params: GenerationParams;
  itemCount: number;
  completeCount: number;
  failedCount: number;
  cancelledCount: number;
  /** The batch job whose children are the items. */
  jobId: string | null;
  projectId: string | null;
  destination: 'library' | 'workspace';
  workspaceSessionId: string | null;
  /** The prompt as typed, before expansion (null when it had nothing to expand). */
  sourcePrompt: string | null;
  /** What the expansion or the presets said (a batch cut at its limit…). */
  warnings: string[];
  /** Tags put on the order itself (entityTags.set), sorted by name. */
  tags: string[];
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface OrderItemInfo {
  id: string;
  seq: number;
  status: OrderItemStatusName;
  /** As asked (the order's base with this item's own values). */
  params: GenerationParams;
  /** As sent to the engine (its names, its defaults filled in). */
  actual: unknown;
  /** What the engine says it did (from the image's metadata or its answer). */
  returned: unknown;
  providerRequestId: string | null;
  endpointId: string | null;
  jobId: string | null;
  assetIds: string[];
  /** For a workspace order: the staged images. */
  workspaceItemIds: string[];
  retries: number;
  error: string | null;
  /** Things that did not stop it but matter (a LoRA the engine could not find). */
  warnings: string[];
  /** Live, from its job while it runs. */
  progress: number;
  progressMessage: string | null;
}

export interface OrderDetail extends OrderSummary {
  items: OrderItemInfo[];
}

export interface EngineChoice {
  /** `sdcpp`, or an engine server's id. */
  id: string;
  engine: GenerationEngine;
  label: string;
  available: boolean;
  problem: string | null;
}

export interface GenerateOptions {
  engines: EngineChoice[];
  /** What the engines accept (sd-cli's help, sd-server's capabilities, ComfyUI's KSampler). */
  samplers: string[];
  schedulers: string[];
  /** Width × height presets per model family. */
  sizes: Record<string, { label: string; width: number; height: number }[]>;
}

const orderId = z.string().trim().min(1).max(64);

export const generateMethods = {
  'generate.start': method(
    generateInput,
    'Queue an order: N images of one prompt (or an explicit list), each a job; returns at once.',
  )<OrderDetail>(),
  'generate.options': method(
    z.object({ refresh: z.boolean().default(false) }).strict(),
    'The engines that can generate (sd-cli here, sd-server and ComfyUI servers) and what they accept: samplers, schedulers, sizes per family.',
  )<GenerateOptions>(),
  'orders.list': method(
    z
      .object({
        status: z.array(z.enum(orderStatuses)).max(5).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        projectId: z.string().trim().min(1).max(64).optional(),
        /** Orders created before this one (paging back). */
        before: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    'Orders, newest first.',
  )<OrderSummary[]>(),
  'orders.get': method(
    z.object({ id: orderId }).strict(),
    'One order with its items.',
  )<OrderDetail>(),
  'orders.cancel': method(
    z.object({ id: orderId }).strict(),
    'Cancel an order: items not yet made are cancelled; images already made stay in the Library.',
  )<OrderDetail>(),
  'orders.retry': method(
    z
      .object({
        id: orderId,
        /** Only these items; every failed or cancelled item when absent. */
        itemIds: z.array(z.string().trim().min(1).max(64)).max(10_000).optional(),
      })
      .strict(),
    'Run failed or cancelled items again (the same seeds).',
  )<OrderDetail>(),
} as const;

export const generateEvents = {
  'orders.changed': event<{ orderId: string; itemId?: string }>(
    'An order or one of its items changed (status, progress, a new image).',
  ),
} as const;
