/**
 * Batches that write themselves: lookups a prompt draws from, negative presets, parameter
 * templates, the expansion preview, and the workspace where generated images wait to be kept
 * or discarded before they reach the Library.
 */
import { z } from 'zod';
import { event, method } from './define';
import { modelFamilies } from './models';

export interface LookupInfo {
  key: string;
  values: string[];
  description: string;
  category: string;
  /** Shipped with Atelier: read-only. */
  system: boolean;
  updatedAt: string;
}

export interface NegativePresetInfo {
  id: string;
  name: string;
  /** null: every family. */
  family: string | null;
  contentMode: 'sfw' | 'nsfw' | 'any';
  text: string;
  priority: number;
  active: boolean;
}

export interface GenerationTemplateInfo {
  id: string;
  name: string;
  model: { id: string; name: string } | null;
  /** The parameters it starts an order with (prompt, negative, size, steps, LoRAs…). */
  params: Record<string, unknown>;
  projectId: string | null;
  usageCount: number;
  updatedAt: string;
}

export interface ExpansionItemInfo {
  batch: number;
  prompt: string;
  negative: string;
  params: Record<string, string | number>;
}

export interface ExpansionBatchInfo {
  index: number;
  count: number;
  combinations: number;
  truncated: boolean;
  dropped: number;
  first: ExpansionItemInfo | null;
  warnings: string[];
}

/** What an order's prompt expands to: the confirmation a creator sees before queueing. */
export interface OrderPreview {
  ok: boolean;
  errors: string[];
  warnings: string[];
  dryRun: boolean;
  total: number;
  truncated: boolean;
  batches: ExpansionBatchInfo[];
  /** Every item (only when asked: `items: true`), capped at the order limit. */
  items?: ExpansionItemInfo[];
  /** The negative presets that would be appended, in order. */
  negativePresets: string[];
  durationMs: number;
}

export interface WorkspaceSessionInfo {
  id: string;
  title: string;
  createdAt: string;
  staged: number;
  kept: number;
  discarded: number;
}

export interface WorkspaceItemInfo {
  id: string;
  sessionId: string;
  status: 'staged' | 'kept' | 'discarded';
  ext: string;
  width: number | null;
  height: number | null;
  prompt: string | null;
  negativePrompt: string | null;
  seed: string | null;
  model: string | null;
  params: unknown;
  assetId: string | null;
  /** A small preview (data: URL), so any window can show it without serving the file. */
  thumb: string | null;
  expiresAt: string;
  createdAt: string;
}

const key = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_-]+$/u, 'A lookup name is letters, digits, - and _ (no spaces)');
const text = z.string().max(8000);
const id = z.string().trim().min(1).max(64);

export const previewInput = z
  .object({
    prompt: text,
    negative: text.default(''),
    seed: z
      .number()
      .int()
      .min(-1)
      .max(2 ** 53 - 1)
      .default(-1),
    /** The model family, for the negative presets that apply. */
    family: z.enum(modelFamilies).optional(),
    /** Leave the negative presets out of this order. */
    noNegativePresets: z.boolean().default(false),
    /** Return every item (the CLI's --json); otherwise only the batches and their first items. */
    items: z.boolean().default(false),
  })
  .strict();

export const batchesMethods = {
  'orders.preview': method(
    previewInput,
    'What a prompt expands to (batches, total images, each batch’s first item, warnings) without queueing anything.',
  )<OrderPreview>(),
  'lookups.list': method(
    z.object({ search: z.string().trim().max(200).optional() }).strict(),
    'The named lists prompts draw from ([name] or __name__).',
  )<LookupInfo[]>(),
  'lookups.get': method(z.object({ key }).strict(), 'One lookup with its values.')<LookupInfo>(),
  'lookups.set': method(
    z
      .object({
        key,
        values: z.array(z.string().trim().min(1).max(1000)).min(1).max(10_000),
        description: z.string().trim().max(2000).optional(),
        category: z.string().trim().max(100).optional(),
      })
      .strict(),
    'Create or replace a lookup (system lookups are read-only).',
  )<LookupInfo>(),
  'lookups.delete': method(z.object({ key }).strict(), 'Delete a lookup.')<{ deleted: boolean }>(),
  'lookups.import': method(
    z
      .object({
        /** A wildcard folder: one NAME.txt per lookup, one value a line (# comments skipped). */
        dir: z.string().trim().min(1).max(4096),
        /** Replace lookups that exist already (default: skip them). */
        replace: z.boolean().default(false),
        category: z.string().trim().max(100).optional(),
      })
      .strict(),
    'Import a wildcard folder (A1111/ComfyUI __name__ convention) as lookups.',
    { access: 'manager' },
  )<{ imported: string[]; skipped: string[]; problems: { file: string; problem: string }[] }>(),
  'negativePresets.list': method(
    z.object({}).strict(),
    'Negative presets, by family and priority.',
  )<NegativePresetInfo[]>(),
  'negativePresets.set': method(
    z
      .object({
        id: id.optional(),
        name: z.string().trim().min(1).max(120),
        family: z.enum(modelFamilies).nullable().default(null),
        contentMode: z.enum(['sfw', 'nsfw', 'any']).default('sfw'),
        text: z.string().trim().min(1).max(4000),
        priority: z.number().int().min(-1000).max(1000).default(0),
        active: z.boolean().default(true),
      })
      .strict(),
    'Create or update a negative preset.',
  )<NegativePresetInfo>(),
  'negativePresets.delete': method(z.object({ id }).strict(), 'Delete a negative preset.')<{
    deleted: boolean;
  }>(),
  'templates.list': method(
    z.object({ projectId: id.optional() }).strict(),
    'Parameter templates (global and, when given, a project’s), most used first.',
  )<GenerationTemplateInfo[]>(),
  'templates.saveFromOrder': method(
    z
      .object({ orderId: id, name: z.string().trim().min(1).max(120), projectId: id.optional() })
      .strict(),
    'Save an order’s model and parameters as a template.',
  )<GenerationTemplateInfo>(),
  'templates.use': method(
    z.object({ id }).strict(),
    'A template’s model and parameters to start a new order with (counts a use).',
  )<GenerationTemplateInfo>(),
  'templates.delete': method(z.object({ id }).strict(), 'Delete a template.')<{
    deleted: boolean;
  }>(),
  'workspace.sessions': method(
    z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
    'Workspace sessions, newest first, with how many images are staged, kept and discarded.',
  )<WorkspaceSessionInfo[]>(),
  'workspace.items': method(
    z
      .object({
        sessionId: id,
        status: z.enum(['staged', 'kept', 'discarded', 'all']).default('staged'),
        limit: z.number().int().min(1).max(5000).default(500),
        /** Leave the small previews out (a list that only needs ids and states). */
        thumbs: z.boolean().default(true),
      })
      .strict(),
    'The images of a workspace session.',
  )<WorkspaceItemInfo[]>(),
  'workspace.keep': method(
    z
      .object({
        ids: z.array(id).min(1).max(5000),
        tags: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
        collectionId: id.optional(),
      })
      .strict(),
    'Keep staged images: each becomes a Library asset with its prompt, seed, model and links (and the tags and collection given).',
  )<{ kept: { id: string; assetId: string }[] }>(),
  'workspace.discard': method(
    z.object({ ids: z.array(id).min(1).max(5000) }).strict(),
    'Discard staged images: their files are deleted.',
  )<{ discarded: number }>(),
} as const;

export const batchesEvents = {
  'lookups.changed': event<{ key: string }>('A lookup was created, changed or deleted.'),
  'workspace.changed': event<{ sessionId: string }>(
    'A workspace session gained, kept or discarded images.',
  ),
} as const;
