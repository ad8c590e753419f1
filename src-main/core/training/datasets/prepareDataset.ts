import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { bucketFor, bucketRange, BUCKET_STEP } from './buckets';

/** One image to prepare: its file, caption and size as read by the check. */
export interface PrepareItem {
  assetId: string;
  path: string;
  filename: string;
  caption: string;
}

export interface PrepareOptions {
  triggerToken: string;
  classWord: string;
  repeats: number;
  resolution: number;
  bucketing: boolean;
  batchSize: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  /** Images resized at once (sharp also threads inside each). */
  concurrency?: number;
}

export interface PreparedDataset {
  tomlPath: string;
  imageDir: string;
  images: number;
  /** Images per training size, "512x768" → 12. */
  buckets: Record<string, number>;
}

/** TOML basic strings escape like JSON strings (", \ and control characters). */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

function safeStem(filename: string): string {
  const stem = filename
    .replace(/\.[^.]+$/, '')
    .replace(/[^\w.-]+/g, '_')
    .slice(0, 60);
  return stem || 'image';
}

/** kohya's dataset config for one subset of prepared images. */
export function datasetToml(o: {
  imageDir: string;
  classTokens: string;
  repeats: number;
  resolution: number;
  bucketing: boolean;
  batchSize: number;
}): string {
  const { min, max } = bucketRange(o.resolution);
  return `[general]
caption_extension = '.txt'
shuffle_caption = false
keep_tokens = 1
enable_bucket = ${o.bucketing}
${o.bucketing ? `min_bucket_reso = ${min}\nmax_bucket_reso = ${max}\nbucket_reso_steps = ${BUCKET_STEP}\nbucket_no_upscale = true\n` : ''}
[[datasets]]
resolution = ${o.resolution}
batch_size = ${o.batchSize}

  [[datasets.subsets]]
  image_dir = ${tomlString(o.imageDir)}
  class_tokens = ${tomlString(o.classTokens)}
  num_repeats = ${o.repeats}
`;
}

/**
 * Writes the layout kohya trains from into `outDir`: resized copies of the images (never the
 * originals), one `.txt` caption beside each, and `dataset.toml`. Each copy is already the size
 * of its bucket (or the square without bucketing), cropped from the centre after EXIF rotation,
 * so what trains is what the creator sees in the Library.
 */
export async function prepareDataset(
  items: PrepareItem[],
  outDir: string,
  o: PrepareOptions,
): Promise<PreparedDataset> {
  const classTokens = [o.triggerToken, o.classWord].filter(Boolean).join(' ');
  // kohya's folder convention (N_token class) as well, so the folder also works without the TOML.
  const imageDir = path.join(outDir, 'img', `${o.repeats}_${classTokens.replace(/[/\\]/g, '_')}`);
  await mkdir(imageDir, { recursive: true });
  const buckets: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      o.signal?.throwIfAborted();
      const n = next++;
      const it = items[n]!;
      const stem = `${String(n + 1).padStart(4, '0')}-${safeStem(it.filename)}`;
      const img = sharp(it.path, { failOn: 'error' });
      const meta = await img.metadata();
      const turned = (meta.orientation ?? 1) >= 5;
      const size = bucketFor(
        {
          width: (turned ? meta.height : meta.width) ?? o.resolution,
          height: (turned ? meta.width : meta.height) ?? o.resolution,
        },
        o.resolution,
        o.bucketing,
      );
      await img
        .rotate()
        .resize(size.width, size.height, { fit: 'cover', position: 'centre' })
        .removeAlpha()
        .png({ compressionLevel: 3 })
        .toFile(path.join(imageDir, `${stem}.png`));
      await writeFile(path.join(imageDir, `${stem}.txt`), `${it.caption.trim()}\n`);
      const key = `${size.width}x${size.height}`;
      buckets[key] = (buckets[key] ?? 0) + 1;
      o.onProgress?.(++done, items.length);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 2, items.length)) }, worker),
  );
  const tomlPath = path.join(outDir, 'dataset.toml');
  await writeFile(
    tomlPath,
    datasetToml({
      imageDir,
      classTokens,
      repeats: o.repeats,
      resolution: o.resolution,
      bucketing: o.bucketing,
      batchSize: o.batchSize,
    }),
  );
  return { tomlPath, imageDir, images: items.length, buckets };
}
