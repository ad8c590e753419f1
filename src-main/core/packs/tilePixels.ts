import { TILE } from './tileDecoder';

/**
 * Pixel work for contact-sheet tiles, in plain JavaScript on a raw RGB sheet: a 256 px tile is a
 * quarter of a millisecond here, against a libvips pipeline's fixed few milliseconds.
 */

export interface SheetRaw {
  data: Buffer;
  /** Sheet width in pixels (3 bytes each). */
  width: number;
  /** The sheet's background grey, which transparent pixels show. */
  grey: number;
}

/**
 * Pastes a decoded thumbnail (a TILE × TILE RGBA frame with a `w` × `h` picture centred on
 * transparency) into the cell whose top-left corner is (`cellLeft`, `cellTop`), over the sheet's
 * grey. A picture smaller than the cell is enlarged to fill it, keeping its proportions: with
 * hard edges for pixel art (`nearest`), smoothly otherwise.
 */
export function pasteTile(
  sheet: SheetRaw,
  cellLeft: number,
  cellTop: number,
  frame: Buffer,
  w: number,
  h: number,
  nearest: boolean,
): void {
  const scale = Math.min(TILE / w, TILE / h);
  const ow = Math.max(1, Math.min(TILE, Math.round(w * scale)));
  const oh = Math.max(1, Math.min(TILE, Math.round(h * scale)));
  const srcLeft = (TILE - w) >> 1;
  const srcTop = (TILE - h) >> 1;
  const left = cellLeft + ((TILE - ow) >> 1);
  const top = cellTop + ((TILE - oh) >> 1);
  const out = sheet.data;
  const g = sheet.grey;
  const put = (d: number, r: number, gr: number, b: number, a: number) => {
    if (a === 255) {
      out[d] = r;
      out[d + 1] = gr;
      out[d + 2] = b;
    } else if (a !== 0) {
      const k = 255 - a;
      out[d] = (r * a + g * k + 127) / 255;
      out[d + 1] = (gr * a + g * k + 127) / 255;
      out[d + 2] = (b * a + g * k + 127) / 255;
    }
  };
  if (ow === w && oh === h) {
    pasteUnscaled(out, sheet.width, g, left, top, frame, srcLeft, srcTop, w, h);
    return;
  }
  for (let y = 0; y < oh; y++) {
    let d = ((top + y) * sheet.width + left) * 3;
    // Source coordinates of this output pixel's centre.
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    for (let x = 0; x < ow; x++, d += 3) {
      const sx = Math.min(w - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      if (nearest) {
        const s =
          ((srcTop + Math.min(h - 1, Math.floor((y * h) / oh))) * TILE +
            srcLeft +
            Math.min(w - 1, Math.floor((x * w) / ow))) *
          4;
        put(d, frame[s]!, frame[s + 1]!, frame[s + 2]!, frame[s + 3]!);
        continue;
      }
      // Bilinear, weighting colour by alpha so transparent pixels do not darken the edges.
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      let r = 0;
      let gr = 0;
      let b = 0;
      let a = 0;
      for (const [px, py, wt] of [
        [x0, y0, (1 - fx) * (1 - fy)],
        [x1, y0, fx * (1 - fy)],
        [x0, y1, (1 - fx) * fy],
        [x1, y1, fx * fy],
      ] as const) {
        const s = ((srcTop + py) * TILE + srcLeft + px) * 4;
        const pa = frame[s + 3]! * wt;
        r += frame[s]! * pa;
        gr += frame[s + 1]! * pa;
        b += frame[s + 2]! * pa;
        a += pa;
      }
      if (a > 0) put(d, Math.round(r / a), Math.round(gr / a), Math.round(b / a), Math.round(a));
    }
  }
}

/** The common case, a picture pasted at its own size, in a function of its own so V8 optimises it on its own. */
function pasteUnscaled(
  out: Buffer,
  sheetWidth: number,
  grey: number,
  left: number,
  top: number,
  frame: Buffer,
  srcLeft: number,
  srcTop: number,
  w: number,
  h: number,
): void {
  for (let y = 0; y < h; y++) {
    let s = ((srcTop + y) * TILE + srcLeft) * 4;
    let d = ((top + y) * sheetWidth + left) * 3;
    const end = s + w * 4;
    for (; s < end; s += 4, d += 3) {
      const a = frame[s + 3]!;
      if (a === 255) {
        out[d] = frame[s]!;
        out[d + 1] = frame[s + 1]!;
        out[d + 2] = frame[s + 2]!;
      } else if (a !== 0) {
        const k = 255 - a;
        out[d] = (frame[s]! * a + grey * k + 127) / 255;
        out[d + 1] = (frame[s + 1]! * a + grey * k + 127) / 255;
        out[d + 2] = (frame[s + 2]! * a + grey * k + 127) / 255;
      }
    }
  }
}
