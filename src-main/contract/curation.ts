/**
 * Curation: status, rating, likes and the other fields a creator sets by hand, on one asset or
 * thousands; tags, collections, saved searches, trash, duplicates, and an undo stack.
 */
import { z } from 'zod';
import { colorLabels, libraryFilter, librarySort, type GridItem } from './browse';
import { event, method } from './define';
import { provenances } from './library';

const id = z.string().min(1).max(100);
const nullableText = (max: number) => z.string().trim().max(max).nullable();
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #6b4ce6')
  .nullable();
const tagName = z
  .string()
  .trim()
  .min(1, 'a tag needs a name')
  .max(64)
  .refine((s) => !/[,\n\r\t]/.test(s), 'a tag name cannot contain commas, tabs or line breaks');

/**
 * Which assets an action applies to: explicit ids, or everything a grid query matches (select
 * all over 100,000 assets without shipping their ids), minus some.
 */
export const selection = z
  .object({
    ids: z.array(id).max(1_000_000).optional(),
    query: libraryFilter.optional(),
    exceptIds: z.array(id).max(100_000).optional(),
    /**
     * With `query` and stacking on in the grid: what the grid shows — stack tops, and the
     * versions of the stacks it has open — not the versions held in closed stacks.
     */
    stacks: z
      .object({ expanded: z.array(id).max(500).default([]) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => (s.ids === undefined) !== (s.query === undefined), 'give either ids or query');
export type Selection = z.output<typeof selection>;
export type SelectionInput = z.input<typeof selection>;

export const curationPatch = z
  .object({
    status: z.enum(['pending', 'approved', 'rejected']).optional(),
    rating: z.number().int().min(0).max(5).optional(),
    liked: z.boolean().optional(),
    theme: nullableText(200).optional(),
    source: nullableText(200).optional(),
    provenance: z.enum(provenances).optional(),
    notes: z.string().max(20_000).optional(),
    title: z.string().trim().max(500).optional(),
    /** A colour label, or null to clear it. */
    colorLabel: z.enum(colorLabels).nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type CurationPatch = z.output<typeof curationPatch>;

export interface CurationResult {
  /** Assets the action changed (unchanged ones are not counted). */
  changed: number;
  /** The undo entry this action pushed, if it changed anything. */
  undoId: string | null;
}

export interface TagInfo {
  id: string;
  name: string;
  color: string | null;
  usageCount: number;
}

export interface CollectionInfo {
  id: string;
  name: string;
  description: string;
  coverAssetId: string | null;
  assetCount: number;
  position: number;
  /** Tags put on the collection itself (entityTags.set), sorted by name. */
  tags: string[];
}

export interface SavedSearchInfo {
  id: string;
  name: string;
  filter: z.output<typeof libraryFilter>;
  sort: z.output<typeof librarySort>;
  position: number;
}

export interface UndoEntryInfo {
  id: string;
  label: string;
  count: number;
  at: string;
}

export interface DuplicateGroup {
  /** The shared sha256 (exact) or the first member's phash (near). */
  key: string;
  kind: 'exact' | 'near';
  /** Best first: in a pack, highest rating, approved, liked, most pixels, largest file, oldest. */
  assets: (GridItem & {
    phash: string | null;
    /** Bits between this perceptual hash and the best one's (near; 0 for exact). */
    distance: number;
    /** How alike it is to the best one, in percent: 1 − bits/64 (100 for exact copies). */
    similarity: number;
    /** The packs (not trashed) it is in: keep-the-best asks before rejecting it. */
    packs: { id: string; name: string }[];
  })[];
  /** Other copies of exact duplicates' bytes on disk (linked by ingest). */
  copies: { assetId: string; path: string; missing: boolean }[];
}

export interface KeepBestResult extends CurationResult {
  /** False when nothing was changed because pack members would be rejected without a confirm. */
  applied: boolean;
  wouldApprove: number;
  wouldReject: number;
  /** Assets it rejects (or would) that are in packs. */
  packMembers: { id: string; name: string; packs: { id: string; name: string }[] }[];
}

export const curationMethods = {
  'curation.set': method(
    z.object({ selection, patch: curationPatch }).strict(),
    'Set status, rating, liked, colour label, theme, source, provenance, notes or title on the selected assets.',
  )<CurationResult>(),
  'curation.undo': method(
    z.object({}).strict(),
    'Undo the most recent curation action (bulk included).',
  )<{
    undone: UndoEntryInfo | null;
  }>(),
  'curation.history': method(
    z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
    'The undo stack, most recent first.',
  )<UndoEntryInfo[]>(),

  'tags.list': method(
    z
      .object({
        prefix: z.string().trim().max(64).optional(),
        limit: z.number().int().min(1).max(1000).default(20),
      })
      .strict(),
    'Tags by name prefix (autocomplete), most used first.',
  )<TagInfo[]>(),
  'tags.create': method(
    z.object({ name: tagName, color: color.optional() }).strict(),
    'A new tag (or the existing one with that name).',
  )<TagInfo>(),
  'tags.update': method(
    z.object({ id, name: tagName.optional(), color: color.optional() }).strict(),
    'Rename or recolour a tag.',
  )<TagInfo>(),
  'tags.delete': method(z.object({ id }).strict(), 'Delete a tag and remove it from every asset.')<{
    deleted: true;
  }>(),
  'curation.addTags': method(
    z.object({ selection, tags: z.array(tagName).min(1).max(50) }).strict(),
    'Add tags by name to the selected assets; unknown names become new tags.',
  )<CurationResult>(),
  'curation.removeTags': method(
    z.object({ selection, tagIds: z.array(id).min(1).max(50) }).strict(),
    'Remove tags from the selected assets.',
  )<CurationResult>(),

  'collections.list': method(z.object({}).strict(), 'Collections in sidebar order.')<
    CollectionInfo[]
  >(),
  'collections.create': method(
    z
      .object({
        name: z.string().trim().min(1).max(200),
        description: z.string().max(2000).optional(),
      })
      .strict(),
    'A new, empty collection at the end of the sidebar.',
  )<CollectionInfo>(),
  'collections.update': method(
    z
      .object({
        id,
        name: z.string().trim().min(1).max(200).optional(),
        description: z.string().max(2000).optional(),
        coverAssetId: id.nullable().optional(),
      })
      .strict(),
    'Rename a collection, change its description or cover.',
  )<CollectionInfo>(),
  'collections.delete': method(
    z.object({ id }).strict(),
    'Delete a collection; its assets stay in the library.',
  )<{ deleted: true }>(),
  'collections.reorder': method(
    z.object({ ids: z.array(id).min(1).max(10_000) }).strict(),
    'Put collections in this order in the sidebar (drag and drop).',
  )<CollectionInfo[]>(),
  'collections.addAssets': method(
    z.object({ id, selection }).strict(),
    'Append the selected assets to a collection (ones already in it keep their place).',
  )<CurationResult>(),
  'collections.removeAssets': method(
    z.object({ id, selection }).strict(),
    'Take the selected assets out of a collection.',
  )<CurationResult>(),
  'collections.moveAssets': method(
    z
      .object({ id, assetIds: z.array(id).min(1).max(10_000), beforeAssetId: id.nullable() })
      .strict(),
    'Move assets inside a collection before another one (null: to the end), as a drag does.',
  )<{ moved: number }>(),

  'savedSearches.list': method(
    z.object({}).strict(),
    'Saved searches (smart collections) in sidebar order.',
  )<SavedSearchInfo[]>(),
  'savedSearches.save': method(
    z
      .object({
        id: id.optional(),
        name: z.string().trim().min(1).max(200),
        filter: libraryFilter,
        sort: librarySort.optional(),
      })
      .strict(),
    'Save a query as a smart collection (or update one by id).',
  )<SavedSearchInfo>(),
  'savedSearches.delete': method(z.object({ id }).strict(), 'Delete a saved search.')<{
    deleted: true;
  }>(),

  'trash.move': method(
    z.object({ selection }).strict(),
    'Move assets to the trash (undoable; files untouched).',
  )<CurationResult>(),
  'trash.restore': method(
    z.object({ selection }).strict(),
    'Bring assets back from the trash.',
  )<CurationResult>(),
  'trash.empty': method(
    z
      .object({
        ids: z.array(id).max(1_000_000).optional(),
        deleteFiles: z.boolean().default(false),
        /** Deleting the files from disk needs this exact phrase: nothing the user made goes by accident. */
        confirm: z.literal('delete files').optional(),
      })
      .strict()
      .refine(
        (v) => !v.deleteFiles || v.confirm === 'delete files',
        'deleting files from disk needs confirm: "delete files"',
      ),
    'Remove trashed assets (all, or some) from the library for good; files stay on disk unless deleteFiles is confirmed.',
    { access: 'manager' },
  )<{ removed: number; filesDeleted: number; fileErrors: { path: string; reason: string }[] }>(),

  'duplicates.find': method(
    z
      .object({
        kind: z.enum(['exact', 'near']),
        /** Most bits apart of 64-bit perceptual hashes (near only): 6 is ≥ 91 % similar. Derived assets never group with their sources or siblings. */
        threshold: z.number().int().min(0).max(12).default(6),
        limit: z.number().int().min(1).max(2000).default(200),
        filter: libraryFilter.optional(),
      })
      .strict(),
    'Groups of exact duplicates (same bytes) or near-duplicates (similar images), best first in each.',
  )<{ groups: DuplicateGroup[]; scanned: number }>(),
  'duplicates.keepBest': method(
    z
      .object({
        groups: z
          .array(z.object({ keepId: id, otherIds: z.array(id).min(1).max(1000) }).strict())
          .min(1)
          .max(2000),
        /** Reject assets that are in packs too; without it, such a plan is returned unapplied. */
        confirmPackMembers: z.boolean().default(false),
      })
      .strict(),
    'Approve the kept asset of each group and reject the rest (one undo step). An asset in a pack is never rejected without confirmPackMembers: the plan comes back unapplied, naming them.',
  )<KeepBestResult>(),
} as const;

export const curationEvents = {
  'assets.curated': event<{ ids: string[] | null; fields: string[] }>(
    'Curation changed on these assets (null: too many to list; refetch).',
  ),
  'tags.changed': event<{ id: string | null }>(
    'A tag was created, renamed, recoloured or deleted.',
  ),
  'collections.changed': event<{ id: string | null }>('A collection or its contents changed.'),
  'savedSearches.changed': event<{ id: string | null }>('A saved search was saved or deleted.'),
} as const;
