/**
 * Training sizes, pure. kohya's aspect-ratio bucketing trains each image at a size whose sides
 * are multiples of 64 and whose area is at most resolution²; without bucketing every image is a
 * resolution × resolution square. Atelier resizes its copies to exactly that size, so kohya finds
 * each one already in its bucket and never upscales or crops on its own.
 */
export const BUCKET_STEP = 64;

export interface Size {
  width: number;
  height: number;
}

/** The smallest and largest side a bucket may have for a resolution (kohya's defaults scale so). */
export function bucketRange(resolution: number): { min: number; max: number } {
  const min = Math.max(BUCKET_STEP, Math.floor(resolution / 2 / BUCKET_STEP) * BUCKET_STEP);
  const max = Math.max(min, Math.ceil((resolution * 2) / BUCKET_STEP) * BUCKET_STEP);
  return { min, max };
}

/** The training size of a width × height image. */
export function bucketFor(image: Size, resolution: number, bucketing: boolean): Size {
  if (!bucketing || image.width <= 0 || image.height <= 0)
    return { width: resolution, height: resolution };
  const { min, max } = bucketRange(resolution);
  const area = resolution * resolution;
  const aspect = image.width / image.height;
  const snap = (n: number) =>
    Math.min(max, Math.max(min, Math.floor(n / BUCKET_STEP) * BUCKET_STEP));
  // Try the widths around the ideal one; keep the bucket whose aspect is nearest the image's.
  const ideal = Math.sqrt(area * aspect);
  let best: Size = { width: resolution, height: resolution };
  let bestErr = Infinity;
  for (let w = snap(ideal) - BUCKET_STEP; w <= snap(ideal) + BUCKET_STEP; w += BUCKET_STEP) {
    if (w < min || w > max) continue;
    const h = snap(area / w);
    if (w * h > area) continue;
    const err = Math.abs(Math.log(w / h / aspect));
    if (err < bestErr - 1e-9) {
      bestErr = err;
      best = { width: w, height: h };
    }
  }
  return best;
}

/** An image is under the training resolution when training would have to enlarge it. */
export function isTooSmall(image: Size, resolution: number, bucketing: boolean): boolean {
  if (bucketing) return image.width * image.height < resolution * resolution * 0.9;
  return Math.min(image.width, image.height) < resolution;
}

/** A name for an aspect ratio: 1:1, 3:2, 16:9… (nearest common one within 3%). */
export function aspectLabel(image: Size): string {
  const r = image.width / image.height;
  const common: [number, number][] = [
    [1, 1],
    [4, 3],
    [3, 4],
    [3, 2],
    [2, 3],
    [16, 9],
    [9, 16],
    [5, 4],
    [4, 5],
    [2, 1],
    [1, 2],
    [21, 9],
  ];
  for (const [a, b] of common) if (Math.abs(r / (a / b) - 1) < 0.03) return `${a}:${b}`;
  return r >= 1 ? `${r.toFixed(2)}:1` : `1:${(1 / r).toFixed(2)}`;
}
