/**
 * Browsing the library: the grid's query (keyset pages under any sort, combinable filters,
 * full-text search with highlighted snippets), the sidebar's counts and an asset's relations.
 */
import { z } from 'zod';
import { event, method } from './define';
import { assetTypes, curationStatuses, provenances } from './library';

const assetTypeValues = assetTypes;
const statusValues = curationStatuses;
const provenanceValues = provenances;

export const sortKeys = [
  'added',
  'created',
  'name',
  'rating',
  'size',
  'duration',
  'position',
] as const;
export type SortKey = (typeof sortKeys)[number];

/** Lightroom's colour labels (keys 6–9 set red, yellow, green, blue; purple from the panels). */
export const colorLabels = ['red', 'yellow', 'green', 'blue', 'purple'] as const;
export type ColorLabel = (typeof colorLabels)[number];
/** A picture's shape: square when its sides differ by under 5%. */
export const aspects = ['landscape', 'portrait', 'square'] as const;
export type Aspect = (typeof aspects)[number];

const id = z.string().min(1).max(100);
const shortText = z.string().trim().min(1).max(200);
const isoDate = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date or date-time');

/** Every filter the grid offers; all given filters combine with AND. */
export const libraryFilter = z
  .object({
    types: z.array(z.enum(assetTypeValues)).max(assetTypeValues.length).optional(),
    statuses: z.array(z.enum(statusValues)).max(3).optional(),
    minRating: z.number().int().min(0).max(5).optional(),
    liked: z.boolean().optional(),
    themes: z.array(shortText).max(50).optional(),
    sources: z.array(shortText).max(50).optional(),
    provenances: z.array(z.enum(provenanceValues)).max(provenanceValues.length).optional(),
    /** Tag ids. */
    tags: z.array(id).max(50).optional(),
    tagMode: z.enum(['any', 'all']).default('any'),
    collectionId: id.optional(),
    folderId: id.optional(),
    /**
     * With folderId: only assets in this sub-folder of the watched folder (and its sub-folders),
     * as a relative path with `/` between names (`2025/june`).
     */
    folderPath: z.string().trim().min(1).max(1000).optional(),
    /** Colour labels; `none` matches assets without one. */
    colorLabels: z
      .array(z.enum([...colorLabels, 'none']))
      .max(colorLabels.length + 1)
      .optional(),
    /** Pictures' and videos' shape (audio has none, so it never matches). */
    aspects: z.array(z.enum(aspects)).max(aspects.length).optional(),
    /** At least this many pixels wide / high. */
    minWidth: z.number().int().min(1).max(100_000).optional(),
    minHeight: z.number().int().min(1).max(100_000).optional(),
    /** At least this many megapixels (width × height / 1,000,000). */
    minMegapixels: z.number().positive().max(10_000).optional(),
    /** File extensions without the dot (`png`, `jpg`, `mp4`…); `jpg` also finds `.jpeg`. */
    formats: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z0-9]{1,10}$/, 'an extension like png'),
      )
      .max(30)
      .optional(),
    projectId: id.optional(),
    models: z.array(shortText).max(50).optional(),
    hasPrompt: z.boolean().optional(),
    dateField: z.enum(['added', 'created']).default('added'),
    /** Inclusive lower bound. */
    from: isoDate.optional(),
    /** Exclusive upper bound; a bare date (YYYY-MM-DD) means the end of that day. */
    to: isoDate.optional(),
    missing: z.boolean().optional(),
    /** Only assets that share their bytes with another asset or a copy on disk. */
    duplicates: z.boolean().optional(),
    /** The trash instead of the library. */
    trashed: z.boolean().default(false),
    /** Words over title, filename, prompt, notes and tags; `word*` is a prefix, `-word` excludes. */
    search: z.string().trim().max(500).optional(),
  })
  .strict();
export type LibraryFilter = z.output<typeof libraryFilter>;
export type LibraryFilterInput = z.input<typeof libraryFilter>;

export const librarySort = z
  .object({ key: z.enum(sortKeys).default('added'), dir: z.enum(['asc', 'desc']).default('desc') })
  .strict();
export type LibrarySort = z.output<typeof librarySort>;

/** What the grid and the list view show for one asset. */
export interface GridItem {
  id: string;
  type: (typeof assetTypeValues)[number];
  filename: string;
  title: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  hasThumb: boolean;
  status: (typeof statusValues)[number];
  rating: number;
  liked: boolean;
  theme: string | null;
  source: string | null;
  provenance: (typeof provenanceValues)[number];
  model: string | null;
  missing: boolean;
  colorLabel: ColorLabel | null;
  addedAt: string;
  createdAt: string;
  deletedAt: string | null;
  /** With a search: where the words matched, split into plain and highlighted runs. */
  snippet?: {
    /** `gen`: what it was made with (checkpoint, sampler, LoRA names); `said`: a subtitle file's words. */
    field: 'title' | 'filename' | 'prompt' | 'notes' | 'tags' | 'gen' | 'said';
    parts: { text: string; hit: boolean }[];
  };
  /**
   * With stacking on, an asset other versions are stacked under (its upscales, denoises,
   * img2img variants, and theirs): how many, itself not counted, and whether they are shown
   * right after it (expanded) or held back.
   */
  stack?: { count: number; expanded: boolean };
  /** A version shown in an expanded stack: the id of the asset it is stacked under. */
  stackOf?: string;
}

export interface LibraryPageResult {
  items: GridItem[];
  nextCursor: string | null;
}

export interface LibraryCounts {
  total: number;
  byStatus: Record<(typeof statusValues)[number], number>;
  byType: Record<(typeof assetTypeValues)[number], number>;
  liked: number;
  missing: number;
  trash: number;
  savedSearches: { id: string; count: number }[];
}

export interface AssetRelations {
  id: string;
  derivedFrom: GridItem | null;
  derived: GridItem[];
  collections: { id: string; name: string }[];
  packs: { id: string; name: string }[];
  tags: { id: string; name: string; color: string | null }[];
  copies: { path: string; missing: boolean }[];
}

/** A sub-folder of a watched folder in the sidebar's tree, with the live assets under it. */
export interface FolderNode {
  name: string;
  /** Relative to the watched folder, `/` between names: the filter's folderPath. */
  path: string;
  /** Assets in it and in its sub-folders. */
  count: number;
  children: FolderNode[];
}

/** A watched folder (the Inbox included) and its sub-folders that hold assets. */
export interface FolderTreeRoot {
  id: string;
  name: string;
  path: string;
  isInbox: boolean;
  count: number;
  children: FolderNode[];
}

/** Values the pickers remember (themes, sources, models in use), most used first. */
export interface FacetValues {
  themes: { value: string; count: number }[];
  sources: { value: string; count: number }[];
  models: { value: string; count: number }[];
  /** File extensions in use (lower case, no dot). */
  formats: { value: string; count: number }[];
}

export const libraryQueryInput = z
  .object({
    filter: libraryFilter.default({ tagMode: 'any', dateField: 'added', trashed: false }),
    sort: librarySort.default({ key: 'added', dir: 'desc' }),
    cursor: z.string().max(1000).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /**
     * Stack versions under the asset they were made from (an upscale under its original): the
     * grid walks only stack tops, each with its stack's size. Off: every asset on its own.
     */
    stacks: z.boolean().default(true),
    /** Stack tops whose versions are shown right after them (each with `stackOf`). */
    expandedStacks: z.array(id).max(500).optional(),
  })
  .strict();
export type LibraryQueryInput = z.output<typeof libraryQueryInput>;

export const browseMethods = {
  'library.query': method(
    libraryQueryInput,
    'A keyset page of the grid under a sort and combined filters; pass nextCursor back for the next page.',
  )<LibraryPageResult>(),
  'library.items': method(
    z.object({ ids: z.array(id).min(1).max(1000) }).strict(),
    'Grid items by id (to refresh the cards an event named), in the order given; unknown ids are left out.',
  )<GridItem[]>(),
  'library.stack': method(
    z
      .object({
        id,
        filter: libraryFilter.default({ tagMode: 'any', dateField: 'added', trashed: false }),
      })
      .strict(),
    'The versions stacked under one asset in the grid under this filter (oldest first, each with stackOf), to expand its stack in place.',
  )<GridItem[]>(),
  'library.counts': method(
    z.object({}).strict(),
    'Sidebar counts: per status and type, liked, missing, trash, and each saved search.',
  )<LibraryCounts>(),
  'library.relations': method(
    z.object({ id }).strict(),
    'Lineage (source and derived assets), collections, packs, tags and copies of one asset.',
  )<AssetRelations>(),
  'library.folders': method(
    z.object({}).strict(),
    'Watched folders and their sub-folders that hold assets, with counts (trash left out), for the folder tree.',
  )<FolderTreeRoot[]>(),
  'library.facets': method(
    z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    'Themes, sources and models in use, for pickers and filters.',
  )<FacetValues>(),
} as const;

export const browseEvents = {
  'library.changed': event<{ reason: string }>(
    'Many assets changed at once (bulk edit, undo, trash): grids refetch their pages and counts.',
  ),
} as const;
