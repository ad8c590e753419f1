/**
 * Justified rows (Flickr, Google Photos, Lightroom's grid in "fill" mode): every picture keeps its
 * aspect ratio, each row is scaled to fill the width exactly, and rows are about `target` tall.
 * Built incrementally: the library appends pages in place, so when only `count` grows the rows
 * already closed are kept and the work is proportional to the new items.
 */
export interface JustifiedRows {
  /** First item of each row; the row ends where the next begins (the last row ends at `count`). */
  starts: number[];
  /** The pictures' height in each row (no caption). */
  heights: number[];
  /** Each row's top, captions and gaps included, from the grid's top padding. */
  tops: number[];
  /** Items in closed rows; the rows after are the open tail, rebuilt on the next append. */
  closed: number;
  /** Total height of all rows, gaps included (without the top padding). */
  height: number;
}

export interface JustifiedParams {
  count: number;
  width: number;
  target: number;
  gap: number;
  footer: number;
  aspect(index: number): number;
}

/** Pictures wider than 3:1 or taller than 1:2.5 are shown at that ratio (cropped), so one panorama cannot squash a row. */
export const clampAspect = (a: number) =>
  Number.isFinite(a) && a > 0 ? Math.min(3, Math.max(0.4, a)) : 1;

export function layoutJustified(p: JustifiedParams, prev?: JustifiedRows): JustifiedRows {
  const rows: JustifiedRows = prev
    ? {
        starts: prev.starts.slice(0, closedRows(prev)),
        heights: prev.heights.slice(0, closedRows(prev)),
        tops: prev.tops.slice(0, closedRows(prev)),
        closed: prev.closed,
        height: 0,
      }
    : { starts: [], heights: [], tops: [], closed: 0, height: 0 };
  const last = rows.starts.length - 1;
  let top = last >= 0 ? rows.tops[last]! + rows.heights[last]! + p.footer + p.gap : 0;
  const width = Math.max(1, p.width);
  let start = rows.closed;
  let sum = 0;
  for (let i = start; i < p.count; i++) {
    const a = clampAspect(p.aspect(i));
    const n = i - start;
    if (n > 0) {
      // Close the row before this item if that leaves it nearer the target height than adding it.
      const without = (width - p.gap * (n - 1)) / sum;
      const withIt = (width - p.gap * n) / (sum + a);
      if (withIt < p.target && without / p.target < p.target / withIt) {
        rows.starts.push(start);
        rows.heights.push(Math.max(1, Math.floor(without)));
        rows.tops.push(top);
        top += Math.floor(without) + p.footer + p.gap;
        start = i;
        sum = 0;
      }
    }
    sum += a;
    const full = (width - p.gap * (i - start)) / sum;
    if (full <= p.target) {
      rows.starts.push(start);
      rows.heights.push(Math.max(1, Math.floor(full)));
      rows.tops.push(top);
      top += Math.floor(full) + p.footer + p.gap;
      start = i + 1;
      sum = 0;
    }
  }
  rows.closed = start;
  if (start < p.count) {
    // The open tail: the target height, not stretched (more items may arrive to fill it).
    rows.starts.push(start);
    rows.heights.push(
      Math.min(p.target, Math.floor((width - p.gap * (p.count - start - 1)) / sum)),
    );
    rows.tops.push(top);
    top += rows.heights[rows.heights.length - 1]! + p.footer + p.gap;
  }
  rows.height = top;
  return rows;
}

function closedRows(r: JustifiedRows): number {
  // Rows that start before `closed` are closed (the open tail starts at `closed`).
  let n = r.starts.length;
  while (n > 0 && r.starts[n - 1]! >= r.closed) n--;
  return n;
}

/** The widths of row `r`'s pictures: each at the row's height, the rounding left over given to the last. */
export function rowWidths(
  rows: JustifiedRows,
  r: number,
  count: number,
  p: Pick<JustifiedParams, 'width' | 'gap' | 'aspect'>,
): number[] {
  const start = rows.starts[r]!;
  const end = r + 1 < rows.starts.length ? rows.starts[r + 1]! : count;
  const h = rows.heights[r]!;
  const widths: number[] = [];
  let used = 0;
  for (let i = start; i < end; i++) {
    const w = Math.max(1, Math.round(clampAspect(p.aspect(i)) * h));
    widths.push(w);
    used += w;
  }
  // A closed row fills the width exactly; the open tail keeps its natural widths.
  if (start < rows.closed && widths.length) {
    const spare = p.width - used - p.gap * (widths.length - 1);
    widths[widths.length - 1] = Math.max(1, widths[widths.length - 1]! + spare);
  }
  return widths;
}

/** The row holding item `index` (binary search over the rows' first items). */
export function rowOf(rows: JustifiedRows, index: number): number {
  let lo = 0;
  let hi = rows.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows.starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The first row whose bottom is below `y` (binary search over the tops). */
export function rowAt(rows: JustifiedRows, y: number): number {
  let lo = 0;
  let hi = rows.tops.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows.tops[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
