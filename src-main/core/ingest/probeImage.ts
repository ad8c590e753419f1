import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { thumbWebpOptions } from '../media/largeThumb';
import { IngestError } from './ingestError';
import { readExifText } from './metadata/exif';
import { readPngText } from './metadata/pngText';
import { phashFromGrey } from './phash';
import { writeThumb } from './thumbFiles';

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
}

// Thumbnails are viewed, not archived: low encoder effort keeps them cheap (the pipeline's
// overhead budget over the bare reference work is 20%).
const webpOptions = thumbWebpOptions;

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
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
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
    raw = await sharp(buf, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new IngestError('corrupt', `Could not decode the image: ${cleanSharpMessage(err)}`);
  }
  const phash = await smallThumbFromRaw(raw, key, layout);

  const texts: Record<string, string> = {};
  if (meta.format === 'png') Object.assign(texts, readPngText(buf));
  Object.assign(texts, readExifText(meta.exif));
  const xmpDescription = meta.xmp ? readXmpDescription(meta.xmp) : null;
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
  };
}

/** Thumbnails and a perceptual hash from an image file ffmpeg made (poster frame, waveform). */
export async function thumbsFromFile(
  file: string,
  key: string,
  layout: DataDirLayout,
): Promise<string> {
  const raw = await sharp(file)
    .resize(512, 512, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return thumbsFromRaw(raw, key, layout);
}

/** The same from pixels drawn in memory (a WAV's waveform), skipping an encode and a decode. */
export async function thumbsFromPixels(
  pixels: { data: Buffer; width: number; height: number; channels: 3 | 4 },
  key: string,
  layout: DataDirLayout,
): Promise<string> {
  const raw = await sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
  })
    .resize(512, 512, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return thumbsFromRaw(raw, key, layout);
}

/** 256 px pixels → the 256 WebP and the 32 px greyscale the perceptual hash reads. */
async function smallThumbFromRaw(
  raw: { data: Buffer; info: OutputInfo },
  key: string,
  layout: DataDirLayout,
): Promise<string> {
  const input = {
    raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels },
  };
  const webp = await sharp(raw.data, input).webp(webpOptions).toBuffer();
  await writeThumb(layout, key, 'thumb-small', webp);
  return phashFromGrey(greyGrid(raw.data, raw.info.width, raw.info.height, raw.info.channels));
}

/**
 * Posters and waveforms are few and small: both sizes are made at once. 512 px pixels → the
 * 512 WebP; a 256 px copy → the 256 WebP and the perceptual hash.
 */
async function thumbsFromRaw(
  raw: { data: Buffer; info: OutputInfo },
  key: string,
  layout: DataDirLayout,
): Promise<string> {
  const input = {
    raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels },
  };
  const [thumb, small] = await Promise.all([
    sharp(raw.data, input).webp(webpOptions).toBuffer(),
    sharp(raw.data, input)
      .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true }),
  ]);
  const smallInput = {
    raw: { width: small.info.width, height: small.info.height, channels: small.info.channels },
  };
  const smallWebp = await sharp(small.data, smallInput).webp(webpOptions).toBuffer();
  await Promise.all([
    writeThumb(layout, key, 'thumb', thumb),
    writeThumb(layout, key, 'thumb-small', smallWebp),
  ]);
  return phashFromGrey(
    greyGrid(small.data, small.info.width, small.info.height, small.info.channels),
  );
}

/**
 * 32×32 luma by box-averaging the 256 px pixels: a few hundred microseconds of JavaScript,
 * cheaper than another libvips pipeline for an image this small.
 */
export function greyGrid(
  data: Buffer,
  width: number,
  height: number,
  channels: number,
): Uint8Array {
  const out = new Uint8Array(32 * 32);
  for (let gy = 0; gy < 32; gy++) {
    const y0 = Math.floor((gy * height) / 32);
    const y1 = Math.max(y0 + 1, Math.floor(((gy + 1) * height) / 32));
    for (let gx = 0; gx < 32; gx++) {
      const x0 = Math.floor((gx * width) / 32);
      const x1 = Math.max(x0 + 1, Math.floor(((gx + 1) * width) / 32));
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        let i = (y * width + x0) * channels;
        for (let x = x0; x < x1; x++, i += channels) {
          sum +=
            channels >= 3
              ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!
              : data[i]!;
        }
      }
      out[gy * 32 + gx] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}

function readXmpDescription(xmp: Buffer): string | null {
  const text = xmp.toString('utf8');
  const m = /<dc:description>[\s\S]*?<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/.exec(text);
  if (!m) return null;
  return (
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&')
      .trim() || null
  );
}

function cleanSharpMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg
    .split('\n')[0]!
    .replace(/^Input (buffer|file) /, '')
    .trim();
}
