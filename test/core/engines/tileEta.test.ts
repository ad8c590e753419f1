import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobMetrics } from '../../../src-main/contract/jobs';
import { tileEta } from '../../../src-main/core/engines/tileEta';
import { realEsrganProgress } from '../../../src-main/core/process/kinds/upscale';

const stderr = readFileSync(
  path.resolve(
    import.meta.dirname,
    '../../fixtures/engines/realesrgan-x4fast-128x96-t32.stderr.txt',
  ),
  'utf8',
);
const lines = stderr.split(/\r?\n/);

/**
 * The ETA of an upscale is measured from the tiles done: none while the model loads or the
 * first tile runs, then the tiles left at the measured time per tile. The recorded run's lines
 * are replayed with a 5-minute model load and 20 s per tile (a 256 px image on lavapipe): the
 * old mean-rate guess said "47 min" there.
 */
describe('Real-ESRGAN ETA', () => {
  it('appears only after the first tile, and is the measured time per tile times the tiles left', () => {
    const metrics: JobMetrics[] = [];
    let now = 0;
    const { parser, onProgress } = realEsrganProgress(
      { metrics: (m) => metrics.push(m) },
      'llvmpipe',
      () => now,
    );
    const seen: { at: number; fraction: number; message?: string; eta?: number }[] = [];
    now = 300_000; // the model loaded for 5 minutes before the first percentage
    let tile = 0;
    for (const line of lines) {
      const before = metrics.length;
      const p = parser.feed(line);
      if (!p) continue;
      onProgress();
      seen.push({
        at: now,
        fraction: p.fraction,
        message: p.message,
        eta: metrics.length > before ? metrics[metrics.length - 1]!.etaSec : undefined,
      });
      tile++;
      now += 20_000;
    }
    expect(tile).toBe(13); // 0.00% … 91.67%, then 100.00%
    // 0.00%: tiling began; no tile count, no ETA.
    expect(seen[0]).toMatchObject({ fraction: 0, eta: undefined });
    expect(seen[0]!.message).toBe('Upscaling the first tile on the CPU (llvmpipe)');
    // After the first tile: 11 tiles left at 20 s each.
    expect(seen[1]!.eta).toBe(220);
    expect(seen[1]!.message).toBe('Tile 2 of 12, 20 s each on the CPU (llvmpipe)');
    expect(metrics.find((m) => m.total)).toMatchObject({ step: 1, total: 12, secPerIt: 20 });
    // Halfway: 6 left.
    expect(seen.find((s) => s.fraction === 0.5)!.eta).toBe(120);
    expect(seen.at(-1)).toMatchObject({ fraction: 1, eta: 0 });
    // Never a figure from the load time: no estimate above the honest one.
    for (const s of seen.slice(1)) expect(s.eta).toBe(Math.round((1 - s.fraction) * 12 * 20));
  });

  it('follows a change of pace, and starts again when a second pass begins', () => {
    const e = tileEta();
    expect(e.update(0, 0).etaSec).toBeNull();
    expect(e.update(0.25, 10_000)).toMatchObject({ tiles: 4, tilesDone: 1, etaSec: 30 });
    expect(e.update(0.5, 30_000)).toMatchObject({ tilesDone: 2, etaSec: 30 }); // 15 s a tile so far
    // A second pass (alpha channel): measured afresh, no estimate until its first tile ends.
    expect(e.update(0, 40_000).etaSec).toBeNull();
    expect(e.update(0.5, 50_000)).toMatchObject({ tiles: 2, etaSec: 10 });
  });
});
