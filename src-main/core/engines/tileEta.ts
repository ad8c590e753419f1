/**
 * An honest ETA for Real-ESRGAN, from the tiles it has actually finished. ncnn prints `NN.NN%`
 * as each tile ends (`0.00%` when the first one starts, then 8.33%, 16.67%… for 12 tiles), and
 * nothing while it loads the model: a rate over the whole run so far counts the loading as
 * work and, on a CPU Vulkan driver, turned "0% for 5 minutes" into "47 min left". So:
 *
 * - the clock starts at the first percentage line (tiling began), not when the program did;
 * - until a tile has finished since then there is no estimate at all (null), never a guess;
 * - then the time left is the tiles left at the measured time per tile;
 * - a percentage that goes backwards (a second pass: alpha, TTA) starts the measurement again.
 *
 * The tile count is read from the step between percentages (8.33% → 12 tiles).
 */
export interface TileEstimate {
  fraction: number;
  /** Tiles finished and in all, once the step between percentages is known. */
  tilesDone: number | null;
  tiles: number | null;
  /** Seconds one tile took on average, since tiling began. */
  secPerTile: number | null;
  /** Seconds left: null until a tile has finished since the first percentage line. */
  etaSec: number | null;
}

export function tileEta(): { update(fraction: number, nowMs: number): TileEstimate } {
  let startMs: number | null = null;
  let startFraction = 0;
  let last = -1;
  let step: number | null = null;
  return {
    update(fraction, nowMs) {
      if (startMs === null || fraction < last) {
        startMs = nowMs;
        startFraction = fraction;
        last = fraction;
        step = null;
      }
      const gain = fraction - last;
      // Percentages are printed with two decimals: a step under 0.01% is rounding, not a tile.
      if (gain > 0.0001) step = step === null ? gain : Math.min(step, gain);
      last = fraction;
      const tiles = step ? Math.max(1, Math.round(1 / step)) : null;
      const tilesDone = tiles ? Math.round(fraction * tiles) : null;
      const done = fraction - startFraction;
      const elapsedSec = (nowMs - startMs) / 1000;
      if (done <= 0 || elapsedSec <= 0 || fraction >= 1)
        return {
          fraction,
          tilesDone,
          tiles,
          secPerTile: null,
          etaSec: fraction >= 1 ? 0 : null,
        };
      const perFraction = elapsedSec / done;
      return {
        fraction,
        tilesDone,
        tiles,
        secPerTile: tiles ? perFraction / tiles : null,
        etaSec: Math.max(0, Math.round((1 - fraction) * perFraction)),
      };
    },
  };
}

/** A duration as the Jobs page would say it: "40 s", "3 min", "1 h 5 min". */
export function formatSeconds(sec: number): string {
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  if (sec < 3600) return `${Math.round(sec / 60)} min`;
  const h = Math.floor(sec / 3600);
  const m = Math.round((sec % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}
