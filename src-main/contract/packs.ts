import { z } from 'zod';
import { selection } from './curation';
import { event, method } from './define';
import type { AssetTypeName } from './library';

// Kept in a zod-free module so the renderer can import the labels without bundling zod.
export { licenseLabels, licenseTypes, type PackLicenseType } from './licenses';
import { licenseTypes, type PackLicenseType } from './licenses';

export const presetIds = ['standard', 'gumroad', 'etsy', 'creative_market', 'itchio'] as const;
export type PresetId = (typeof presetIds)[number];

export interface PackPreset {
  id: PresetId;
  name: string;
  description: string;
  /** Largest ZIP the marketplace accepts; larger packs split into numbered parts. */
  maxPartBytes: number | null;
  /** Most files a listing may carry (Etsy: 5); more parts is a warning. */
  maxFiles: number | null;
  /** Past this many assets, one ZIP per asset type plus a docs ZIP (Gumroad). */
  splitByTypeOver: number | null;
  /** Write a listing collage JPG beside the ZIPs (Etsy). */
  collage: boolean;
  /** The marketplace's listing-image guidance: what the hero shots and the collage are drawn to. */
  listing: ListingImageSpec;
  /** Fewer previews than this is a warning (Creative Market asks for 3). */
  minPreviews: number;
  /** Extra text files the store expects inside the ZIP. */
  descriptionFile: boolean;
  storeCopy: boolean;
}

export interface ListingImageSpec {
  /** Width and height of the listing image (the collage), in pixels. */
  width: number;
  height: number;
  /** Hero shots are scaled so their short side is this (never enlarged past the original). */
  heroShortEdge: number;
  /** Nor their long side past this. */
  heroLongEdge: number;
  /** Where the numbers come from. */
  source: string;
}

/** What a new pack's exports include unless the pack says otherwise (Settings → Export defaults). */
export interface PackExportDefaults {
  includePrompts: boolean;
  stripMetadata: boolean;
}

export interface PackChangelogEntry {
  version: string;
  at: string;
  note: string;
}

export interface PackSummary {
  id: string;
  name: string;
  slug: string;
  theme: string | null;
  description: string;
  licenseType: PackLicenseType;
  version: string;
  coverAssetId: string | null;
  assetCount: number;
  totalSizeBytes: number;
  exportedAt: string | null;
  exportPath: string | null;
  exportSha256: string | null;
  defaultPreset: PresetId | null;
  /** The project the pack belongs to (projects.assign moves it). */
  projectId: string | null;
  /** Exports ship prompts/ and each asset's generator in the manifest. */
  includePrompts: boolean;
  /** Exports take generation metadata out of PNG, JPEG and WebP files (no re-encode). */
  stripMetadata: boolean;
  /** The creator's hero shot; null: the best rated, then newest image. */
  heroAssetId: string | null;
  /** The creator's collage picks in order; null: chosen like the hero. */
  collageAssetIds: string[] | null;
  /** The pack's own LICENSE.txt text ({{HOLDER}} and the like filled at export); null: the template. */
  licenseText: string | null;
  /** The last batch-rename pattern. */
  namePattern: string | null;
  /** One line per version bump, newest last. */
  changelog: PackChangelogEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface PackAssetItem {
  assetId: string;
  position: number;
  filename: string;
  /** Curation rating 0–5 and when it was added to the Library (the marketing picks' order). */
  rating: number;
  addedAt: string;
  /** The name the file gets inside the ZIP when the creator set one. */
  exportFilename: string | null;
  /** What it will actually be called after sanitising and de-duplicating. */
  effectiveName: string;
  type: AssetTypeName;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  status: 'pending' | 'approved' | 'rejected';
  provenance: string;
  missing: boolean;
  hasThumb: boolean;
}

export interface PackAssetPage {
  items: PackAssetItem[];
  /** Pass back as `after` for the next page; null at the end. */
  nextAfter: number | null;
}

export type CheckSeverity = 'error' | 'warning' | 'info';

export interface PackIssue {
  /** Stable across runs so an accepted warning stays accepted: code plus the assets involved. */
  key: string;
  code:
    | 'empty_pack'
    | 'unapproved'
    | 'rejected'
    | 'missing_file'
    | 'changed_file'
    | 'corrupt_media'
    | 'duplicate_exact'
    | 'duplicate_near'
    | 'noncommercial_model'
    | 'name_clash'
    | 'invalid_name'
    | 'placeholder'
    | 'too_large'
    | 'too_many_files'
    | 'few_previews';
  severity: CheckSeverity;
  message: string;
  assetIds: string[];
  accepted: boolean;
  /** The one-click fix the check offers beside it, when there is one. */
  fix?: PackIssueFix;
}

export type PackIssueFix =
  | { kind: 'approve'; label: string; assetIds: string[] }
  | { kind: 'remove'; label: string; assetIds: string[] }
  | { kind: 'settings'; label: string; field: 'owner' | 'support' }
  | { kind: 'license'; label: string };

export interface PackCheckReport {
  packId: string;
  checkedAt: string;
  issues: PackIssue[];
  /** Errors not accepted: the export refuses to start while any remain. */
  blocking: number;
}

export interface PackExportFile {
  path: string;
  bytes: number;
  sha256: string;
  entries: number;
  kind: 'zip' | 'collage';
}

export interface PackExportRecord {
  id: string;
  packId: string;
  jobId: string | null;
  version: string;
  preset: PresetId;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  outDir: string;
  files: PackExportFile[];
  sha256: string | null;
  totalBytes: number;
  assetCount: number;
  skipped: { assetId: string; filename: string; reason: string }[];
  error: string | null;
  verifyMs: number | null;
  startedAt: string;
  finishedAt: string | null;
  /** What the export shipped: prompts/ and the generator (true), metadata taken out of files (true). */
  includedPrompts: boolean | null;
  strippedMetadata: boolean | null;
}

const id = z.string().trim().min(1).max(64);
const slug = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[a-z0-9_]+$/, 'use lowercase letters, digits and underscores');
const version = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[0-9A-Za-z.+-]+$/, 'use a version like 1.0.0');

const packFields = {
  name: z.string().trim().min(1, 'a pack needs a name').max(120),
  slug: slug.optional(),
  theme: z.string().trim().max(80).nullable().optional(),
  description: z.string().max(20_000).optional(),
  licenseType: z.enum(licenseTypes).optional(),
  version: version.optional(),
};

export const reencodeSchema = z
  .object({
    format: z.enum(['jpeg', 'webp', 'png']),
    /** Longest edge in pixels; larger images are scaled down, smaller ones are left alone. */
    maxSize: z.number().int().min(64).max(16_384).optional(),
    quality: z.number().int().min(1).max(100).default(90),
  })
  .strict();

export const exportOptionsSchema = z
  .object({
    preset: z.enum(presetIds).default('standard'),
    /** A folder to write to; default: the data directory's exports/. */
    outDir: z.string().trim().min(1).max(4096).optional(),
    /** Images re-encoded instead of copied as they are (originals stay untouched on disk). */
    reencode: reencodeSchema.nullable().default(null),
    watermarkPreviews: z.boolean().default(false),
    storeCopy: z.boolean().optional(),
    /** Overrides the preset's part size cap, in bytes. */
    maxPartBytes: z
      .number()
      .int()
      .min(1 << 20)
      .optional(),
    /** A file that vanished: skip it and export the rest (default), or refuse the export. */
    onMissing: z.enum(['skip', 'block']).default('skip'),
    /** Override the pack's own choice for this export. */
    includePrompts: z.boolean().optional(),
    stripMetadata: z.boolean().optional(),
    /** Raise the pack's version before writing (1.0.0 → 1.1.0 for minor), with a changelog line. */
    bump: z.enum(['none', 'patch', 'minor', 'major']).default('none'),
    changelog: z.string().trim().max(500).optional(),
  })
  .strict();
export type ExportOptions = z.output<typeof exportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;

export const packsMethods = {
  'packs.list': method(
    z.object({ projectId: id.optional() }).strict(),
    'Every pack (or a project’s), most recently changed first.',
  )<PackSummary[]>(),
  'packs.get': method(z.object({ id }).strict(), 'One pack.')<PackSummary>(),
  'packs.create': method(
    z
      .object({
        ...packFields,
        projectId: id.optional(),
        includePrompts: z.boolean().optional(),
        stripMetadata: z.boolean().optional(),
      })
      .strict(),
    'A new empty pack, in a project when one is given; the slug comes from the name unless given.',
  )<PackSummary>(),
  'packs.update': method(
    z
      .object({
        id,
        name: packFields.name.optional(),
        slug: slug.optional(),
        theme: packFields.theme,
        description: packFields.description,
        licenseType: packFields.licenseType,
        version: packFields.version,
        coverAssetId: id.nullable().optional(),
        defaultPreset: z.enum(presetIds).nullable().optional(),
        includePrompts: z.boolean().optional(),
        stripMetadata: z.boolean().optional(),
        heroAssetId: id.nullable().optional(),
        collageAssetIds: z.array(id).max(12).nullable().optional(),
        licenseText: z.string().max(50_000).nullable().optional(),
      })
      .strict(),
    'Change some fields of a pack.',
  )<PackSummary>(),
  'packs.delete': method(
    z.object({ id }).strict(),
    'Move a pack to the trash (its exports stay on disk).',
  )<{ id: string }>(),
  'packs.assets': method(
    z
      .object({
        packId: id,
        after: z.number().optional(),
        limit: z.number().int().min(1).max(500).default(200),
      })
      .strict(),
    'A page of a pack’s assets in pack order.',
  )<PackAssetPage>(),
  'packs.addAssets': method(
    z
      .object({
        packId: id,
        assetIds: z.array(id).max(10_000).optional(),
        /** A saved search (full-text) whose matches are added, at most 10,000. */
        query: z.string().trim().min(1).max(500).optional(),
        /** A Library selection: its ids, or everything a grid filter matches ("select all"). */
        selection: selection.optional(),
      })
      .strict()
      .refine(
        (v) => (v.assetIds?.length ?? 0) > 0 || !!v.query || !!v.selection,
        'give assetIds, a query or a selection',
      ),
    'Add assets to the end of a pack; ones already in it are left where they are.',
  )<{ added: number; pack: PackSummary }>(),
  'packs.removeAssets': method(
    z.object({ packId: id, assetIds: z.array(id).min(1).max(10_000) }).strict(),
    'Remove assets from a pack (the files are untouched).',
  )<{ removed: number; pack: PackSummary }>(),
  'packs.moveAsset': method(
    z.object({ packId: id, assetId: id, toIndex: z.number().int().min(0) }).strict(),
    'Move one asset to a new place in the pack order.',
  )<{ ok: true }>(),
  'packs.setExportName': method(
    z
      .object({ packId: id, assetId: id, exportFilename: z.string().trim().max(255).nullable() })
      .strict(),
    'The file name an asset gets inside the ZIP (null: its own name).',
  )<PackAssetItem>(),
  'packs.renameAll': method(
    z
      .object({
        packId: id,
        /** `{pack}-{n:03}`: {pack} the slug, {n} the position (`:03` zero-pads), {title}, {orig} the file's own stem, {ext}. */
        pattern: z.string().trim().min(1).max(200),
        /** Only report the names it would give. */
        dryRun: z.boolean().default(false),
      })
      .strict(),
    'Give every asset in the pack an export name from a pattern; the extension is kept.',
  )<{ names: { assetId: string; name: string }[]; renamed: number }>(),
  'packs.check': method(
    z.object({ packId: id, preset: z.enum(presetIds).optional() }).strict(),
    'Run the checks before export.',
  )<PackCheckReport>(),
  'packs.acceptIssue': method(
    z.object({ packId: id, key: z.string().min(1).max(2000), accepted: z.boolean() }).strict(),
    'Accept (or un-accept) a check result so it no longer blocks or nags.',
  )<PackCheckReport>(),
  'packs.licenseText': method(
    z.object({ packId: id, licenseType: z.enum(licenseTypes).optional() }).strict(),
    'The LICENSE.txt the pack would get, filled from settings; `source` is it before filling ({{HOLDER}}…), `custom` whether it is the pack’s own text.',
  )<{ text: string; placeholders: string[]; source: string; custom: boolean }>(),
  'packs.presets': method(z.object({}).strict(), 'The marketplace presets.')<PackPreset[]>(),
  'packs.exportDefaults': method(
    z.object({}).strict(),
    'What new packs include in their exports (prompts, metadata).',
  )<PackExportDefaults>(),
  'packs.setExportDefaults': method(
    z
      .object({ includePrompts: z.boolean().optional(), stripMetadata: z.boolean().optional() })
      .strict(),
    'Change what new packs include in their exports.',
    { access: 'manager' },
  )<PackExportDefaults>(),
  'packs.export': method(
    z.object({ packId: id, options: exportOptionsSchema.prefault({}) }).strict(),
    'Start an export; returns at once. Progress arrives as packs.exportProgress events.',
  )<{ exportId: string; jobId: string | null }>(),
  'packs.cancelExport': method(z.object({ exportId: id }).strict(), 'Cancel a running export.')<{
    ok: boolean;
  }>(),
  'packs.exports': method(
    z.object({ packId: id, limit: z.number().int().min(1).max(200).default(50) }).strict(),
    'Export history, newest first.',
  )<PackExportRecord[]>(),
  'packs.reveal': method(
    z.object({ exportId: id }).strict(),
    'Show an export in the file manager (desktop and CLI hosts); returns its path.',
    { access: 'manager' },
  )<{ path: string; revealed: boolean }>(),
} as const;

export const packsEvents = {
  'packs.changed': event<{ packId: string }>('A pack, its assets or its exports changed.'),
  'packs.exportProgress': event<{
    exportId: string;
    packId: string;
    fraction: number;
    message: string;
  }>('An export made progress.'),
  'packs.exportFinished': event<{ exportId: string; packId: string; record: PackExportRecord }>(
    'An export completed, failed or was cancelled.',
  ),
} as const;
