import sharp, { type OutputInfo } from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { writeThumb } from './files';
import { thumbWebpOptions } from './large';
import { phashFromGrey } from './phash';

// Thumbnails are viewed, not archived: low encoder effort keeps them cheap (the pipeline's
// overhead budget over the bare reference work is 20%).
const webpOptions = thumbWebpOptions;

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
export async function smallThumbFromRaw(
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
