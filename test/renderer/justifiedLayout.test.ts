import { describe, expect, it } from 'vitest';
import {
  layoutJustified,
  rowAt,
  rowOf,
  rowWidths,
  type JustifiedParams,
} from '../../src-renderer/src/library/justifiedLayout';

const shapes = [2, 0.667, 1, 1.5, 0.75, 1.78, 1, 0.5];
const params = (count: number, width = 1000): JustifiedParams => ({
  count,
  width,
  target: 180,
  gap: 10,
  footer: 28,
  aspect: (i) => shapes[i % shapes.length]!,
});

describe('justified rows', () => {
  it('fills each closed row to the width, keeps aspect ratios and stays near the target height', () => {
    const p = params(500);
    const rows = layoutJustified(p);
    for (let r = 0; r < rows.starts.length; r++) {
      const widths = rowWidths(rows, r, p.count, p);
      const h = rows.heights[r]!;
      if (rows.starts[r]! < rows.closed) {
        expect(widths.reduce((a, b) => a + b, 0) + p.gap * (widths.length - 1)).toBe(p.width);
        expect(h).toBeGreaterThan(p.target * 0.6);
        expect(h).toBeLessThan(p.target * 1.5);
      }
      widths.slice(0, -1).forEach((w, k) => {
        const a = p.aspect(rows.starts[r]! + k);
        expect(Math.abs(w / h - a)).toBeLessThan(0.02 * a + 1 / h);
      });
    }
    expect(rows.starts[0]).toBe(0);
  });

  it('extends the rows when pages are appended, as a full layout would', () => {
    let rows = layoutJustified(params(200));
    for (const n of [600, 1000, 1400]) rows = layoutJustified(params(n), rows);
    const full = layoutJustified(params(1400));
    expect(rows.starts).toEqual(full.starts);
    expect(rows.heights).toEqual(full.heights);
    expect(rows.tops).toEqual(full.tops);
    expect(rows.height).toBe(full.height);
  });

  it('finds the row of an item and the row at a height', () => {
    const rows = layoutJustified(params(300));
    for (let r = 0; r < rows.starts.length; r++) {
      expect(rowOf(rows, rows.starts[r]!)).toBe(r);
      expect(rowAt(rows, rows.tops[r]! + 1)).toBe(r);
    }
  });

  it('lays out 100,000 items quickly', () => {
    const started = performance.now();
    const rows = layoutJustified(params(100_000, 1200));
    expect(rows.starts.length).toBeGreaterThan(10_000);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
