import { describe, expect, it } from 'vitest';
import {
  aspectLabel,
  bucketFor,
  bucketRange,
  isTooSmall,
} from '../../../src-main/core/training/datasets/buckets';

describe('training sizes', () => {
  it('is the square without bucketing', () => {
    expect(bucketFor({ width: 1920, height: 1080 }, 512, false)).toEqual({
      width: 512,
      height: 512,
    });
  });
  it('keeps the aspect within resolution² in steps of 64 with bucketing', () => {
    expect(bucketFor({ width: 1000, height: 1000 }, 512, true)).toEqual({
      width: 512,
      height: 512,
    });
    const wide = bucketFor({ width: 1920, height: 1080 }, 512, true);
    expect(wide).toEqual({ width: 640, height: 384 });
    const tall = bucketFor({ width: 800, height: 1200 }, 1024, true);
    expect((tall.width % 64) + (tall.height % 64)).toBe(0);
    expect(tall.width * tall.height).toBeLessThanOrEqual(1024 * 1024);
    expect(tall.height / tall.width).toBeCloseTo(1.5, 0);
    for (const [w, h] of [
      [3000, 500],
      [500, 3000],
      [64, 64],
    ] as const) {
      const b = bucketFor({ width: w, height: h }, 512, true);
      const { min, max } = bucketRange(512);
      expect(b.width).toBeGreaterThanOrEqual(min);
      expect(b.height).toBeLessThanOrEqual(max);
      expect(b.width * b.height).toBeLessThanOrEqual(512 * 512);
    }
  });
  it('calls an image too small when training would enlarge it', () => {
    expect(isTooSmall({ width: 400, height: 300 }, 512, true)).toBe(true);
    expect(isTooSmall({ width: 768, height: 512 }, 512, true)).toBe(false);
    expect(isTooSmall({ width: 768, height: 500 }, 512, false)).toBe(true);
  });
  it('names common aspect ratios', () => {
    expect(aspectLabel({ width: 1920, height: 1080 })).toBe('16:9');
    expect(aspectLabel({ width: 512, height: 512 })).toBe('1:1');
    expect(aspectLabel({ width: 1000, height: 370 })).toBe('2.70:1');
  });
});
