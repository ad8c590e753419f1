import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { IngestError } from '../util/ingestError';
import { readExifText } from './metadata/exif';
import { readPngText, withoutTextChunks } from './metadata/pngText';
import { readXmpDescription } from './metadata/xmp';
import { smallThumbFromRaw } from '../thumbs/draw';

/** Decompression-bomb guard: 100 megapixels is larger than any generator output or camera. */
export const MAX_IMAGE_PIXELS = 100_000_000;

export interface ImageProbe {
  width: number;
  height: number;
  format: string;
  hasAlpha: boolean;
  isAnimated: boolean;
  orientation: number | null;
  phash: string;
  /** Text fields found in the file: PNG text chunks, EXIF strings, XMP description. */
  texts: Record<string, string>;
  /** Why some of its text was left unread (over the limits on PNG text), or null. */
  metadataTruncated: string | null;
}

/**
 * Probes an image from its bytes and writes its 256 px WebP thumbnail (EXIF orientation
 * applied) keyed by `key`; the same decoded pixels feed the perceptual hash. The 512 px
 * thumbnail is made on first request (media/largeThumb.ts): encoding it here cost ~13 ms per
 * image, a third of the whole ingest, for a size only large grid cards and the detail panel use.
 */
export async function probeImage(
  buf: Buffer,
  key: string,
  layout: DataDirLayout,
): Promise<ImageProbe> {
  // Text chunks are read here, within limits; the decoder gets the pixels without them.
  const isPng = buf.length > 8 && buf.readUInt32BE(0) === 0x89504e47;
  const pngText = isPng ? readPngText(buf).catch(() => ({ texts: {}, truncated: null })) : null;
  const pixels = isPng ? withoutTextChunks(buf) : buf;
  let meta: Metadata;
  try {
    meta = await sharp(pixels, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new IngestError('corrupt', `Could not read the image: ${cleanSharpMessage(err)}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height)
    throw new IngestError('corrupt', 'The image has no dimensions (corrupt header)');
  const pageHeight = meta.pageHeight ?? height;
  if (width * pageHeight > MAX_IMAGE_PIXELS) {
    throw new IngestError(
      'too_large',
      `The image is ${width}×${pageHeight} (${Math.round((width * pageHeight) / 1e6)} megapixels), over the ${MAX_IMAGE_PIXELS / 1e6} MP safety limit for decompression bombs`,
    );
  }

  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(pixels, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new IngestError('corrupt', `Could not decode the image: ${cleanSharpMessage(err)}`);
  }
  const phash = await smallThumbFromRaw(raw, key, layout);

  const png = pngText ? await pngText : null;
  const texts: Record<string, string> = { ...png?.texts };
  Object.assign(texts, readExifText(meta.exif));
  const xmp = meta.xmp ?? texts['XML:com.adobe.xmp'];
  const xmpDescription = xmp ? readXmpDescription(xmp) : null;
  if (xmpDescription && !texts.Description) texts.Description = xmpDescription;

  return {
    width: meta.autoOrient?.width ?? width,
    height: meta.autoOrient?.height ?? pageHeight,
    format: meta.format ?? 'unknown',
    hasAlpha: meta.hasAlpha ?? false,
    isAnimated: (meta.pages ?? 1) > 1,
    orientation: meta.orientation ?? null,
    phash,
    texts,
    metadataTruncated: png?.truncated ?? null,
  };
}

function cleanSharpMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg
    .split('\n')[0]!
    .replace(/^Input (buffer|file) /, '')
    .trim();
}
