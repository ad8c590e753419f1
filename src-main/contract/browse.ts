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

const id = z.string().min(1).max(100);
const shortText = z.string().trim().min(1).max(200);
const isoDate = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date or date-time');

/** Every filter the grid offers; all given filters combine with AND. */
export const libraryFilter = z
  .object({
    types: z.array(z.enum(assetTypeValues)).max(3).optional(),
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
  addedAt: string;
  createdAt: string;
  deletedAt: string | null;
  /** With a search: where the words matched, split into plain and highlighted runs. */
  snippet?: {
    /** `gen`: what it was made with (checkpoint, sampler, LoRA names). */
    field: 'title' | 'filename' | 'prompt' | 'notes' | 'tags' | 'gen';
    parts: { text: string; hit: boolean }[];
  };
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

/** Values the pickers remember (themes, sources, models in use), most used first. */
export interface FacetValues {
  themes: { value: string; count: number }[];
  sources: { value: string; count: number }[];
  models: { value: string; count: number }[];
}

export const libraryQueryInput = z
  .object({
    filter: libraryFilter.default({ tagMode: 'any', dateField: 'added', trashed: false }),
    sort: librarySort.default({ key: 'added', dir: 'desc' }),
    cursor: z.string().max(1000).optional(),
    limit: z.number().int().min(1).max(500).default(100),
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
  'library.counts': method(
    z.object({}).strict(),
    'Sidebar counts: per status and type, liked, missing, trash, and each saved search.',
  )<LibraryCounts>(),
  'library.relations': method(
    z.object({ id }).strict(),
    'Lineage (source and derived assets), collections, packs, tags and copies of one asset.',
  )<AssetRelations>(),
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
