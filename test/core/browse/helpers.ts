import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { uuidv7 } from '../../../src-main/core/util/ids';

/** Deterministic pseudo-random numbers, so a seeded library is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedAsset {
  id: string;
  path: string;
  filename: string;
  type: 'image' | 'audio' | 'video';
  sha256: string;
  /** As recorded at ingest; media by id is checked against it (with size_bytes). */
  mtime_ms: number;
  phash: string | null;
  size_bytes: number;
  width: number | null;
  height: number | null;
  duration_sec: number | null;
  title: string;
  theme: string | null;
  source: string | null;
  provenance: 'unknown' | 'ai_generated' | 'user_provided' | 'enhanced';
  status: 'pending' | 'approved' | 'rejected';
  rating: number;
  liked: number;
  notes: string;
  prompt: string | null;
  model: string | null;
  missing: number;
  folder_id: string | null;
  thumb_key: string | null;
  created_at: string;
  added_at: string;
  updated_at: string;
  deleted_at: string | null;
  derived_from: string | null;
}

const columns: (keyof SeedAsset)[] = [
  'id',
  'path',
  'filename',
  'type',
  'sha256',
  'phash',
  'size_bytes',
  'mtime_ms',
  'width',
  'height',
  'duration_sec',
  'title',
  'theme',
  'source',
  'provenance',
  'status',
  'rating',
  'liked',
  'notes',
  'prompt',
  'model',
  'missing',
  'folder_id',
  'thumb_key',
  'created_at',
  'added_at',
  'updated_at',
  'deleted_at',
  'derived_from',
];

/** Inserts rows exactly as given (the ingest pipeline is not involved). */
export function insertAssets(sqlite: BetterSqlite3.Database, rows: SeedAsset[]): void {
  const stmt = sqlite.prepare(
    `INSERT INTO assets (${columns.join(', ')}, ext, mime) VALUES (${columns.map((c) => '@' + c).join(', ')}, @ext, @mime)`,
  );
  sqlite.transaction(() => {
    for (const r of rows) stmt.run({ ...r, ext: r.filename.split('.').pop() ?? '', mime: null });
  })();
}

// Common words first: a Zipf-like draw makes "portrait" hit ~30% of prompts, as in the field.
const words = [
  'portrait',
  'woman',
  'cinematic',
  'lighting',
  'detailed',
  'cyberpunk',
  'city',
  'night',
  'neon',
  'forest',
  'anime',
  'girl',
  'landscape',
  'mountains',
  'sunset',
  'oil',
  'painting',
  'watercolor',
  'dragon',
  'castle',
  'robot',
  'ocean',
  'waves',
  'cat',
  'astronaut',
  'desert',
  'ruins',
  'snow',
  'temple',
  'flowers',
  'macro',
  'bokeh',
  'vintage',
  'film',
  'grain',
  'studio',
  'fashion',
  'editorial',
  'surreal',
  'dreamlike',
  'isometric',
  'pixel',
  'art',
  'low',
  'poly',
  'claymation',
  'steampunk',
  'gothic',
  'baroque',
  'minimalist',
  'volumetric',
  'fog',
  'golden',
  'hour',
  'rainy',
  'street',
  'market',
  'library',
  'owl',
];
const themes = ['fantasy', 'sci-fi', 'nature', 'portraits', 'abstract', 'architecture'];
const sources = ['ComfyUI', 'AUTOMATIC1111', 'Midjourney', 'InvokeAI', 'Camera'];
const models = ['sdxl_base_1.0', 'juggernautXL_v9', 'dreamshaper_8', 'flux1-dev', 'realvisXL_v4'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function zipfWord(r: () => number): string {
  // Index ~ exponential: low indexes (common words) far more often.
  const i = Math.min(words.length - 1, Math.floor(-Math.log(1 - r()) * 6));
  return words[i]!;
}

export interface SeedOptions {
  seed?: number;
  /** Start of the added_at timeline; one asset per `stepMs` after it. */
  start?: number;
  stepMs?: number;
  /** Fraction of assets that share their bytes with the previous one. */
  duplicateRate?: number;
  /** Numbering of paths and filenames starts here (seeding in chunks). */
  indexOffset?: number;
}

/** A realistic library: mostly AI images with prompts, some audio and video, varied curation. */
export function makeAssets(n: number, options: SeedOptions = {}): SeedAsset[] {
  const r = rng(options.seed ?? 1);
  const start = options.start ?? Date.parse('2025-01-01T00:00:00Z');
  const step = options.stepMs ?? 60_000;
  const out: SeedAsset[] = [];
  for (let i = 0; i < n; i++) {
    const t = r();
    const type = t < 0.85 ? 'image' : t < 0.93 ? 'audio' : 'video';
    const ext = type === 'image' ? 'png' : type === 'audio' ? 'wav' : 'mp4';
    const ai = type === 'image' && r() < 0.8;
    const prompt = ai
      ? Array.from({ length: 6 + Math.floor(r() * 10) }, () => zipfWord(r)).join(' ')
      : null;
    const dup = i > 0 && r() < (options.duplicateRate ?? 0.01);
    const sha = dup
      ? out[i - 1]!.sha256
      : createHash('sha256')
          .update(`asset-${options.seed ?? 1}-${i}`)
          .digest('hex');
    const phashNum = () =>
      Math.floor(r() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    const phash = type === 'image' ? (dup ? out[i - 1]!.phash : phashNum() + phashNum()) : null;
    const added = new Date(start + i * step).toISOString();
    const created = new Date(start + i * step - Math.floor(r() * 86_400_000 * 30)).toISOString();
    const s = r();
    const num = String(i + (options.indexOffset ?? 0)).padStart(7, '0');
    out.push({
      id: uuidv7(),
      path: `/library/seed/${num}.${ext}`,
      filename: `${prompt ? prompt.split(' ').slice(0, 2).join('_') : type}_${num}.${ext}`,
      type,
      sha256: sha,
      phash,
      size_bytes: 10_000 + Math.floor(r() * 8_000_000),
      mtime_ms: 0,
      width: type === 'audio' ? null : pick(r, [512, 768, 1024, 1920]),
      height: type === 'audio' ? null : pick(r, [512, 768, 1024, 1080]),
      duration_sec: type === 'image' ? null : Math.round(r() * 3000) / 10,
      title: r() < 0.1 ? `Favourite ${zipfWord(r)} ${i}` : '',
      theme: r() < 0.6 ? pick(r, themes) : null,
      source: ai ? pick(r, sources.slice(0, 4)) : r() < 0.3 ? 'Camera' : null,
      provenance: ai ? 'ai_generated' : pick(r, ['unknown', 'user_provided', 'enhanced'] as const),
      status: s < 0.6 ? 'pending' : s < 0.85 ? 'approved' : 'rejected',
      rating: r() < 0.5 ? 0 : 1 + Math.floor(r() * 5),
      liked: r() < 0.1 ? 1 : 0,
      notes: r() < 0.05 ? `note about ${zipfWord(r)}` : '',
      prompt,
      model: ai ? pick(r, models) : null,
      missing: r() < 0.01 ? 1 : 0,
      folder_id: null,
      thumb_key: null,
      created_at: created,
      added_at: added,
      updated_at: added,
      deleted_at: r() < 0.02 ? added : null,
      derived_from: null,
    });
  }
  return out;
}

/** One asset with sensible defaults, for tests that need exact values. */
export function asset(over: Partial<SeedAsset> & { filename: string }, i = 0): SeedAsset {
  const at = over.added_at ?? new Date(Date.parse('2025-06-01T00:00:00Z') + i * 1000).toISOString();
  return {
    id: uuidv7(),
    path: `/library/${over.filename}`,
    type: 'image',
    sha256: createHash('sha256').update(over.filename).digest('hex'),
    phash: null,
    size_bytes: 1000,
    mtime_ms: 0,
    width: 512,
    height: 512,
    duration_sec: null,
    title: '',
    theme: null,
    source: null,
    provenance: 'unknown',
    status: 'pending',
    rating: 0,
    liked: 0,
    notes: '',
    prompt: null,
    model: null,
    missing: 0,
    folder_id: null,
    thumb_key: null,
    created_at: at,
    added_at: at,
    updated_at: at,
    deleted_at: null,
    derived_from: null,
    ...over,
  };
}
