import type BetterSqlite3 from 'better-sqlite3';
import {
  METADATA_TRUNCATED_KEY,
  type AssetDetail,
  type AssetSummary,
  type GenerationInfo,
} from '../../contract/library';
import type { AssetRow } from '../db/schema';
import { statements } from '../db/statements';

/** The columns a summary needs: kept narrow so pages of 100–500 stay cheap. */
export const summaryColumns = [
  'id',
  'type',
  'filename',
  'path',
  'folder_id',
  'title',
  'size_bytes',
  'width',
  'height',
  'duration_sec',
  'format',
  'thumb_key',
  'status',
  'rating',
  'liked',
  'provenance',
  'source',
  'theme',
  'prompt',
  'missing',
  'added_at',
  'updated_at',
] as const;

export type SummaryRow = Pick<AssetRow, (typeof summaryColumns)[number]>;

export function toSummary(r: SummaryRow): AssetSummary {
  return {
    id: r.id,
    type: r.type,
    filename: r.filename,
    path: r.path,
    folderId: r.folder_id,
    title: r.title,
    sizeBytes: r.size_bytes,
    width: r.width,
    height: r.height,
    durationSec: r.duration_sec,
    format: r.format,
    hasThumb: r.thumb_key !== null,
    status: r.status,
    rating: r.rating,
    liked: r.liked === 1,
    provenance: r.provenance,
    source: r.source,
    theme: r.theme,
    hasPrompt: r.prompt !== null && r.prompt !== '',
    missing: r.missing === 1,
    addedAt: r.added_at,
    updatedAt: r.updated_at,
  };
}

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export function toDetail(r: AssetRow, duplicates: AssetDetail['duplicates']): AssetDetail {
  return {
    ...toSummary(r),
    mime: r.mime,
    sha256: r.sha256,
    phash: r.phash,
    mtimeMs: r.mtime_ms,
    sampleRate: r.sample_rate,
    channels: r.channels,
    fps: r.fps,
    codec: r.codec,
    audioCodec: r.audio_codec,
    bitRate: r.bit_rate,
    hasAlpha: r.has_alpha === 1,
    hasAudio: r.has_audio === 1,
    isAnimated: r.is_animated === 1,
    orientation: r.orientation,
    notes: r.notes,
    prompt: r.prompt,
    negativePrompt: r.negative_prompt,
    seed: r.seed,
    model: r.model,
    modelHash: r.model_hash,
    generation: parseJson<GenerationInfo>(r.generation_params),
    ...splitTruncation(parseJson<Record<string, string>>(r.raw_metadata)),
    duplicates,
    createdAt: r.created_at,
    language: r.language,
  };
}

/** One summary by id, synchronously: used right after a commit to emit events. */
export function assetSummaryById(sqlite: BetterSqlite3.Database, id: string): AssetSummary | null {
  const row = statements(sqlite)
    .get(`SELECT ${summaryColumns.join(', ')} FROM assets WHERE id = ?`)
    .get(id) as SummaryRow | undefined;
  return row ? toSummary(row) : null;
}

function splitTruncation(raw: Record<string, string> | null): {
  rawMetadata: Record<string, string> | null;
  metadataTruncated: string | null;
} {
  if (!raw || !(METADATA_TRUNCATED_KEY in raw))
    return { rawMetadata: raw, metadataTruncated: null };
  const { [METADATA_TRUNCATED_KEY]: reason, ...rest } = raw;
  return {
    rawMetadata: Object.keys(rest).length ? rest : null,
    metadataTruncated: reason ?? null,
  };
}
