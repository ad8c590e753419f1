import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import type { DataDirLayout } from '../datadir/dataDir';
import { ensureMediaPictures } from './deferredPictures';
import { ensureLargeThumb } from './largeThumb';

export const mediaVariants = ['file', 'thumb', 'thumb-small', 'poster', 'waveform'] as const;
export type MediaVariant = (typeof mediaVariants)[number];

const mimeByExt: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.opus': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
};

export function mimeOf(file: string): string {
  return mimeByExt[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Thumbnails are content-addressed by the file's SHA-256: identical files share them. */
export function thumbPath(
  layout: DataDirLayout,
  key: string,
  variant: Exclude<MediaVariant, 'file'>,
): string {
  if (!/^[0-9a-f]{16,64}$/.test(key)) throw new AppError('invalid_input', 'Bad thumbnail key');
  const file =
    variant === 'thumb'
      ? `${key}_512.webp`
      : variant === 'thumb-small'
        ? `${key}_256.webp`
        : variant === 'poster'
          ? `${key}_poster.jpg`
          : `${key}_wave.png`;
  return path.join(layout.thumbs, key.slice(0, 2), file);
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Media is only ever served by asset id: the renderer never names a path. The file path comes
 * from the database; thumbnails come from the data directory's thumbs/ folder and nowhere else.
 */
export async function resolveMedia(
  core: Atelier,
  assetId: string,
  variant: string,
): Promise<{ file: string; mime: string }> {
  if (!(mediaVariants as readonly string[]).includes(variant)) {
    throw new AppError('invalid_input', `Unknown media variant: ${variant}`);
  }
  // A prepared statement, not the query builder: the grid asks for dozens of thumbnails a
  // second while scrolling, and building the query each time was half of serving one.
  const asset = statements(core.sqlite)
    .get(
      'SELECT id, path, type, thumb_key, duration_sec, phash, deleted_at FROM assets WHERE id = ?',
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
      }
    | undefined;
  if (!asset) throw new AppError('not_found', `No asset ${assetId}`);
  if (variant === 'file') return { file: asset.path, mime: mimeOf(asset.path) };
  if (!asset.thumb_key) throw new AppError('not_found', `Asset ${assetId} has no thumbnail yet`);
  let file = thumbPath(core.layout, asset.thumb_key, variant as Exclude<MediaVariant, 'file'>);
  if (!isInside(core.layout.thumbs, file)) throw new AppError('invalid_input', 'Refused path');
  if (variant === 'thumb' && asset.type === 'image' && !existsSync(file)) {
    // Made on first request; if the original is gone the small one stands in.
    file =
      (await ensureLargeThumb(core.layout, asset.thumb_key, asset.path)) ??
      thumbPath(core.layout, asset.thumb_key, 'thumb-small');
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
