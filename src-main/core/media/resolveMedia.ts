import { existsSync } from 'node:fs';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { ensureMediaPictures } from './deferredPictures';
import { drawSubtitleCard } from '../ingest/probeSubtitles';
import { ensureLargeThumb } from '../thumbs/large';
import { ensureVideoSprite } from '../thumbs/sprite';
import { thumbPath, thumbVariants, type ThumbVariant } from '../thumbs/paths';
import { mimeOf } from '../util/mime';
import { isInside } from '../util/pathInside';

export const mediaVariants = ['file', ...thumbVariants] as const;

export interface ResolvedMedia {
  file: string;
  mime: string;
  /** For an asset's own file: what it was when ingested, to check it still is (openMedia). */
  expect?: { size: number; mtimeMs: number };
}
export type MediaVariant = (typeof mediaVariants)[number];

/**
 * Media is only ever served by asset id: the renderer never names a path. The file path comes
 * from the database; thumbnails come from the data directory's thumbs/ folder and nowhere else.
 */
export async function resolveMedia(
  core: Atelier,
  assetId: string,
  variant: string,
): Promise<ResolvedMedia> {
  if (!(mediaVariants as readonly string[]).includes(variant)) {
    throw new AppError('invalid_input', `Unknown media variant: ${variant}`);
  }
  // A prepared statement, not the query builder: the grid asks for dozens of thumbnails a
  // second while scrolling, and building the query each time was half of serving one.
  const asset = statements(core.sqlite)
    .get(
      'SELECT id, path, type, thumb_key, duration_sec, phash, deleted_at, size_bytes, mtime_ms FROM assets WHERE id = ?',
    )
    .get(assetId) as
    | {
        id: string;
        path: string;
        type: string;
        thumb_key: string | null;
        duration_sec: number | null;
        phash: string | null;
        deleted_at: string | null;
        size_bytes: number;
        mtime_ms: number;
      }
    | undefined;
  if (!asset) throw new AppError('not_found', `No asset ${assetId}`);
  if (variant === 'file')
    return {
      file: asset.path,
      mime: mimeOf(asset.path),
      expect: { size: asset.size_bytes, mtimeMs: asset.mtime_ms },
    };
  if (!asset.thumb_key) throw new AppError('not_found', `Asset ${assetId} has no thumbnail yet`);
  let file = thumbPath(core.layout, asset.thumb_key, variant as ThumbVariant);
  if (!isInside(core.layout.thumbs, file)) throw new AppError('invalid_input', 'Refused path');
  if (variant === 'sprite') {
    // A video's hover-scrub frames, made on the first hover (thumbs/sprite.ts).
    if (asset.type !== 'video') throw new AppError('not_found', 'Only videos have a scrub sprite');
    const sprite = await ensureVideoSprite(
      core.layout,
      asset.thumb_key,
      asset.path,
      asset.duration_sec,
    );
    if (!sprite) throw new AppError('not_found', `No scrub frames for asset ${assetId}`);
    return { file: sprite, mime: mimeOf(sprite) };
  }
  if (variant === 'thumb' && asset.type === 'image' && !existsSync(file)) {
    // Made on first request; if the original is gone the small one stands in.
    file =
      (await ensureLargeThumb(core.layout, asset.thumb_key, asset.path)) ??
      thumbPath(core.layout, asset.thumb_key, 'thumb-small');
  } else if (asset.type === 'subtitles' && variant.startsWith('thumb') && !existsSync(file)) {
    // Cards are drawn at import; one lost (thumbnails cleared) is drawn again from the text.
    try {
      await drawSubtitleCard(core.layout, asset.path, asset.thumb_key);
    } catch (err) {
      throw new AppError('not_found', `No card for asset ${assetId}: ${(err as Error).message}`);
    }
  } else if ((asset.type === 'audio' || asset.type === 'video') && !existsSync(file)) {
    // A job output whose waveform or poster is still waiting (deferredPictures.ts), or one lost
    // in a crash: drawn now, for whoever is looking.
    try {
      await ensureMediaPictures(core, asset);
    } catch (err) {
      throw new AppError('not_found', `No picture for asset ${assetId}: ${(err as Error).message}`);
    }
  }
  return { file, mime: mimeOf(file) };
}
