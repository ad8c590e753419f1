import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { DataDirLayout } from '../datadir/dataDir';

/**
 * The pictures kept per content hash: two WebP sizes, a video's poster, an audio waveform, and a
 * video's hover-scrub sprite (`spriteFrames` frames side by side, made on first request).
 */
export const thumbVariants = ['thumb', 'thumb-small', 'poster', 'waveform', 'sprite'] as const;
export type ThumbVariant = (typeof thumbVariants)[number];

/** Thumbnails are content-addressed by the file's SHA-256: identical files share them. */
export function thumbPath(layout: DataDirLayout, key: string, variant: ThumbVariant): string {
  if (!/^[0-9a-f]{16,64}$/.test(key)) throw new AppError('invalid_input', 'Bad thumbnail key');
  const file =
    variant === 'thumb'
      ? `${key}_512.webp`
      : variant === 'thumb-small'
        ? `${key}_256.webp`
        : variant === 'poster'
          ? `${key}_poster.jpg`
          : variant === 'sprite'
            ? `${key}_sprite.webp`
            : `${key}_wave.png`;
  return path.join(layout.thumbs, key.slice(0, 2), file);
}
