/**
 * The library domain: assets (list, get), ingest (imports, uploads, failures, progress) and the
 * watch folders that feed it.
 */
import { z } from 'zod';
import { event, method } from './define';

/** Where ingest notes, beside the raw text, that some metadata was left unread and why. */
export const METADATA_TRUNCATED_KEY = 'atelier:metadataTruncated';

export const assetTypes = ['image', 'audio', 'video', 'subtitles'] as const;
export const provenances = [
  'unknown',
  'ai_generated',
  'user_provided',
  'enhanced',
  'derived',
] as const;
export const curationStatuses = ['pending', 'approved', 'rejected'] as const;

export type AssetTypeName = (typeof assetTypes)[number];
export type ProvenanceName = (typeof provenances)[number];
export type CurationStatusName = (typeof curationStatuses)[number];

/** What a grid or list needs for one asset: small and cheap to page through. */
export interface AssetSummary {
  id: string;
  type: AssetTypeName;
  filename: string;
  path: string;
  folderId: string | null;
  title: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  format: string | null;
  hasThumb: boolean;
  status: CurationStatusName;
  rating: number;
  liked: boolean;
  provenance: ProvenanceName;
  source: string | null;
  theme: string | null;
  hasPrompt: boolean;
  missing: boolean;
  addedAt: string;
  updatedAt: string;
}

/** Generation parameters parsed from the file (A1111, ComfyUI, InvokeAI, NovelAI, Midjourney). */
export interface GenerationInfo {
  tool: string;
  prompt: string | null;
  negativePrompt: string | null;
  seed: string | null;
  steps: number | null;
  sampler: string | null;
  cfg: number | null;
  width: number | null;
  height: number | null;
  model: string | null;
  modelHash: string | null;
  loras: { name: string; weight: number | null }[];
  extra: Record<string, string>;
}

export interface AssetDetail extends AssetSummary {
  mime: string | null;
  sha256: string;
  phash: string | null;
  mtimeMs: number;
  sampleRate: number | null;
  channels: number | null;
  fps: number | null;
  codec: string | null;
  audioCodec: string | null;
  bitRate: number | null;
  hasAlpha: boolean;
  hasAudio: boolean;
  isAnimated: boolean;
  orientation: number | null;
  notes: string;
  prompt: string | null;
  negativePrompt: string | null;
  seed: string | null;
  model: string | null;
  modelHash: string | null;
  generation: GenerationInfo | null;
  /** Raw text chunks / EXIF fields as found in the file, keyed by their name. */
  rawMetadata: Record<string, string> | null;
  /** Why some of the file's metadata was left unread (it was over the limits), or null. */
  metadataTruncated: string | null;
  /** Other copies of the same bytes found in watched folders or imports. */
  duplicates: { path: string; missing: boolean; addedAt: string }[];
  createdAt: string;
  /** The language it is in (two-letter code) when known: subtitles, a dub, a localised video. */
  language: string | null;
}

/** A subtitle asset's cues, read from its file. */
export interface SubtitleCues {
  language: string | null;
  format: 'srt' | 'vtt';
  /** Cues in the file; `cues` holds the first `limit` of them. */
  total: number;
  cues: { startMs: number; endMs: number; text: string }[];
}

export interface AssetPage {
  items: AssetSummary[];
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
}

export type IngestOutcomeKind =
  | 'added'
  | 'duplicate'
  | 'updated'
  | 'moved'
  | 'restored'
  | 'unchanged'
  | 'failed'
  | 'skipped';

export interface IngestOutcome {
  path: string;
  outcome: IngestOutcomeKind;
  assetId: string | null;
  reason?: string;
}

export interface IngestSummary {
  added: number;
  duplicates: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: { path: string; reason: string }[];
  outcomes: IngestOutcome[];
}

export interface IngestFailure {
  id: string;
  path: string;
  folderId: string | null;
  reason: string;
  code: string;
  attempts: number;
  firstAt: string;
  lastAt: string;
}

export interface IngestProgress {
  queued: number;
  active: number;
  done: number;
  failed: number;
  added: number;
  duplicates: number;
  updated: number;
}

export interface WatchFolderDetail {
  id: string;
  path: string;
  enabled: boolean;
  recursive: boolean;
  isInbox: boolean;
  defaultTheme: string | null;
  defaultSource: string | null;
  defaultProvenance: ProvenanceName | null;
  lastScanAt: string | null;
  assetCount: number;
  /** Why the folder is not being watched right now (missing folder, inotify limit…), if so. */
  watchError: string | null;
}

export interface UploadProgress {
  uploadId: string;
  receivedBytes: number;
  /** Present once the last chunk was received and the file went through ingest. */
  result?: IngestOutcome;
}

const optionalText = z.string().trim().max(200).nullable().optional();

export const assetListInput = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    type: z.enum(assetTypes).optional(),
    status: z.enum(curationStatuses).optional(),
    provenance: z.enum(provenances).optional(),
    theme: z.string().max(200).optional(),
    folderId: z.string().max(100).optional(),
    missing: z.boolean().optional(),
    hasPrompt: z.boolean().optional(),
    search: z.string().trim().max(500).optional(),
  })
  .strict();
export type AssetListInput = z.output<typeof assetListInput>;

const folderDefaults = {
  recursive: z.boolean().optional(),
  defaultTheme: optionalText,
  defaultSource: optionalText,
  defaultProvenance: z.enum(provenances).nullable().optional(),
};

export const libraryMethods = {
  'assets.list': method(
    assetListInput,
    'A page of assets, newest first (or by relevance with `search`); filters combine with AND.',
  )<AssetPage>(),
  'assets.get': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    'One asset with all its metadata.',
  )<AssetDetail>(),
  'assets.cues': method(
    z
      .object({
        id: z.string().min(1).max(100),
        limit: z.number().int().min(1).max(20_000).default(2000),
      })
      .strict(),
    "A subtitle asset's cues (times and text), read from its SRT or WebVTT file.",
  )<SubtitleCues>(),
  'assets.reveal': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    "Shows the asset's file in the system file manager (desktop and CLI); returns its path either way.",
    { access: 'manager' },
  )<{ path: string; revealed: boolean }>(),
  'assets.open': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    "Opens the asset's file with the system's default app (desktop and CLI); returns its path either way.",
    { access: 'manager' },
  )<{ path: string; opened: boolean }>(),
  'ingest.importFiles': method(
    z.object({ paths: z.array(z.string().min(1).max(8192)).min(1).max(10_000) }).strict(),
    'Ingest files or folders by path (file dialog, drag-and-drop, CLI); files stay where they are.',
    { access: 'manager' },
  )<IngestSummary>(),
  'ingest.upload': method(
    z
      .object({
        uploadId: z.string().uuid().optional(),
        name: z.string().trim().min(1).max(255),
        chunkBase64: z.string().max(8 * 1024 * 1024),
        final: z.boolean(),
      })
      .strict(),
    'Browser upload in chunks (≤ 6 MB each): the file is saved into the Inbox folder, then ingested.',
  )<UploadProgress>(),
  'ingest.progress': method(z.object({}).strict(), 'The ingest queue right now.')<IngestProgress>(),
  'ingest.failures': method(
    z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    'Files that could not be ingested, with the reason, most recent first.',
  )<IngestFailure[]>(),
  'ingest.retry': method(
    z.object({ ids: z.array(z.string().min(1).max(100)).max(10_000).optional() }).strict(),
    'Try failed files again (all of them when no ids are given).',
  )<IngestSummary>(),
  'ingest.dismissFailures': method(
    z.object({ ids: z.array(z.string().min(1).max(100)).max(10_000).optional() }).strict(),
    'Forget failures (all when no ids are given); the files are not touched.',
  )<{ dismissed: number }>(),
  'watchFolders.details': method(
    z.object({}).strict(),
    'Watch folders with their defaults and watching state.',
  )<WatchFolderDetail[]>(),
  'watchFolders.add': method(
    z.object({ path: z.string().trim().min(1).max(4096), ...folderDefaults }).strict(),
    'Watch a folder: its files are ingested now and whenever they change.',
    { access: 'manager' },
  )<WatchFolderDetail>(),
  'watchFolders.update': method(
    z
      .object({
        id: z.string().min(1).max(100),
        enabled: z.boolean().optional(),
        ...folderDefaults,
      })
      .strict(),
    'Pause/resume a folder or change its defaults for new assets.',
    { access: 'manager' },
  )<WatchFolderDetail>(),
  'watchFolders.remove': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    'Stop watching a folder. Its assets and their curation stay in the library.',
    { access: 'manager' },
  )<{ removed: true }>(),
  'watchFolders.rescan': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    'Reconcile a folder with the library now (new, changed, moved and deleted files).',
    { access: 'manager' },
  )<IngestSummary>(),
} as const;

export const libraryEvents = {
  'ingest.progress': event<IngestProgress>('The ingest queue moved (throttled).'),
  'ingest.failed': event<IngestFailure>('A file could not be ingested.'),
  'asset.added': event<AssetSummary>('A new asset is in the library, thumbnail included.'),
  'asset.updated': event<AssetSummary>(
    'An asset changed: moved, renamed, missing, restored or re-probed.',
  ),
  'watchFolders.changed': event<{ id: string | null }>(
    'A watch folder was added, removed, paused or changed state.',
  ),
} as const;
