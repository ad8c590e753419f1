import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type JpegOptions, type Sharp } from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { runProgram } from '../engines/runProgram';
import { thumbPath } from '../thumbs/paths';
import { decodeWebpTiles, TILE, type TileSource } from './tileDecoder';
import { pasteTile } from './tilePixels';
import type { ListingImageSpec } from '../../contract/packs';
import type { PackMemberRow } from './packStore';

/**
 * A tile is as big as the library's small thumbnail (256 px on its long edge), so an image tile
 * is that thumbnail decoded and pasted as it is: no resize, and the buyer sees the whole picture
 * rather than a centre crop. Anything else is fitted inside the cell (smaller pictures enlarged),
 * centred.
 */
const GAP = 8;
const SHEET_GREY = 0xf4;
const SHEET_BG = '#f4f4f4';
const MAX_COLS = 10;
/** A sheet of 100 tiles stays readable; bigger packs get preview_grid_02.jpg and so on. */
export const TILES_PER_SHEET = 100;
export const MAX_HEROES = 5;
/** The collage's default number of pictures when the creator picked none. */
export const COLLAGE_DEFAULT = 6;
const COLLAGE_GAP = 12;

/** Used where a preview job names no marketplace (Standard's numbers; presets.json). */
export const DEFAULT_LISTING: ListingImageSpec = {
  width: 2400,
  height: 1600,
  heroShortEdge: 2000,
  heroLongEdge: 4000,
  source: 'standard',
};

/**
 * Columns of a contact sheet of `n` tiles: close to square (10 tiles were once a 2648×536
 * strip), with as few empty cells in the last row as a shape at most ~1.5:1 allows.
 */
export function sheetColumns(n: number): number {
  if (n <= 1) return 1;
  const lo = Math.min(MAX_COLS, Math.ceil(Math.sqrt(n)));
  const hi = Math.min(MAX_COLS, Math.max(lo, Math.ceil(Math.sqrt(n * 1.5))));
  let best = lo;
  for (let c = lo; c <= hi; c++) {
    const empty = (c - (n % c)) % c;
    const bestEmpty = (best - (n % best)) % best;
    if (empty < bestEmpty) best = c;
  }
  return best;
}

/** Pictures in the order the marketing images take them: best rated first, then newest. */
export function rankForMarketing<T extends { rating: number; added_at: string }>(ms: T[]): T[] {
  return [...ms].sort(
    (a, b) =>
      b.rating - a.rating || (a.added_at < b.added_at ? 1 : a.added_at > b.added_at ? -1 : 0),
  );
}

export interface PreviewContext {
  layout: DataDirLayout;
  signal?: AbortSignal;
  watermark: string | null;
  /** ffmpeg for decoding thumbnails and drawing stills; null: libvips does it all, more slowly. */
  ffmpeg: string | null;
}

/**
 * A still picture standing for an asset: the library's own thumbnail when ingest made one
 * (cheap), else the image itself, a poster frame for video, a waveform for audio.
 */
async function stillOf(
  m: PackMemberRow,
  ctx: PreviewContext,
  large: boolean,
): Promise<string | Buffer | null> {
  if (!large && m.thumb_key) {
    // A tile is the 256 px thumbnail as it is (made from the image, the poster or the waveform):
    // it decodes four times faster than the 512 px one and needs no resize.
    const small = thumbPath(ctx.layout, m.thumb_key, 'thumb-small');
    if (existsSync(small)) return small;
  }
  if (m.type === 'image') {
    if (!large && m.thumb_key) {
      const t = thumbPath(ctx.layout, m.thumb_key, 'thumb');
      if (existsSync(t)) return t;
    }
    return existsSync(m.path) ? m.path : null;
  }
  if (m.thumb_key) {
    const t = thumbPath(ctx.layout, m.thumb_key, m.type === 'video' ? 'poster' : 'waveform');
    if (existsSync(t)) return t;
  }
  const ffmpeg = ctx.ffmpeg;
  if (!ffmpeg || !existsSync(m.path)) return null;
  const args =
    m.type === 'video'
      ? [
          '-v',
          'error',
          '-ss',
          String(Math.min(1, (m.duration_sec ?? 0) / 3)),
          '-i',
          m.path,
          '-frames:v',
          '1',
          '-f',
          'image2pipe',
          '-vcodec',
          'png',
          '-',
        ]
      : [
          '-v',
          'error',
          '-i',
          m.path,
          '-filter_complex',
          'aformat=channel_layouts=mono,showwavespic=s=1200x400:colors=#6d5dfc',
          '-frames:v',
          '1',
          '-f',
          'image2pipe',
          '-vcodec',
          'png',
          '-',
        ];
  // A picture that cannot be drawn leaves its tile to the fallback, whatever the reason.
  const r = await runProgram(ffmpeg, args, {
    label: 'ffmpeg',
    signal: ctx.signal,
    timeoutMs: 60_000,
    captureStdout: 'buffer',
    allowFailure: true,
  }).catch(() => null);
  return r && r.exitCode === 0 && r.stdoutBytes?.length ? r.stdoutBytes : null;
}

function watermarkSvg(text: string, w: number, h: number): Buffer {
  const esc = text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const size = Math.max(18, Math.round(Math.min(w, h) / 14));
  const rows: string[] = [];
  for (let y = size * 2; y < h + w; y += size * 5) {
    rows.push(
      `<text x="${-w / 2}" y="${y}" font-size="${size}" font-family="sans-serif" fill="white" fill-opacity="0.28" stroke="black" stroke-opacity="0.18" stroke-width="1">${`${esc}   `.repeat(12)}</text>`,
    );
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g transform="rotate(-30 ${w / 2} ${h / 2})">${rows.join('')}</g></svg>`,
  );
}

/**
 * JPEG options for the big pictures (a contact sheet is ~2400 px square, the collage 2000):
 * Huffman-table optimisation makes libjpeg hold every DCT coefficient of the image (a sheet's
 * encode peaks at +~47 MB, against +~19 MB without) for a file 3-10% smaller. The pixels are
 * the same either way.
 */
const bigJpeg = (quality: number): JpegOptions => ({ quality, optimiseCoding: false });

/** JPEG bytes of `img`, watermarked when the export asks; `size` is the image's, where known before it runs. */
async function finishJpeg(
  img: Sharp,
  ctx: PreviewContext,
  jpeg: JpegOptions,
  size?: { width: number; height: number },
): Promise<Buffer> {
  if (!ctx.watermark) return img.jpeg(jpeg).toBuffer();
  let base = img;
  if (!size) {
    // The watermark is drawn to the size a resize produces, known only once it has run.
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    base = sharp(data, {
      raw: { width: info.width, height: info.height, channels: info.channels },
    });
    size = info;
  }
  return base
    .composite([{ input: watermarkSvg(ctx.watermark, size.width, size.height) }])
    .jpeg(jpeg)
    .toBuffer();
}

/** Bytes of the largest sheet this many assets need (a full 10×10 one, or a smaller single one). */
function fullSheetBytes(count: number): number {
  const n = Math.min(count, TILES_PER_SHEET);
  const cols = sheetColumns(n);
  const rows = Math.ceil(n / cols);
  return (cols * TILE + (cols + 1) * GAP) * (rows * TILE + (rows + 1) * GAP) * 3;
}

let blank: { data: Buffer; w: number; h: number } | null = null;
async function blankTileRaw(): Promise<{ data: Buffer; w: number; h: number }> {
  if (!blank) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}"><rect width="100%" height="100%" fill="#dddddd"/><path d="M${TILE / 2 - 30} ${TILE / 2 + 20}l30-40 30 40z" fill="#bbbbbb"/></svg>`;
    const { data, info } = await sharp(Buffer.from(svg))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    blank = { data, w: info.width, h: info.height };
  }
  return blank;
}

export interface PreviewFile {
  name: string;
  data: Buffer;
}

/**
 * Contact sheets of every asset, in pack order, yielded one at a time so a caller can write each
 * out before the next is drawn; assets with no picture get a blank tile.
 * The Library's small thumbnails are decoded by one ffmpeg process (tileDecoder.ts) and pasted
 * in JavaScript (tilePixels.ts): a libvips pipeline per tile cost three times the CPU, and left
 * glibc arenas holding ~200 MB after ~1,000 tiles. Sharp draws only what ffmpeg cannot: assets
 * without a thumbnail (from the original, a poster frame or a waveform) and broken thumbnails.
 */
export async function* contactSheets(
  members: PackMemberRow[],
  ctx: PreviewContext,
): AsyncGenerator<PreviewFile> {
  const sources: TileSource[] = [];
  members.forEach((m, index) => {
    if (!m.thumb_key) return;
    const file = thumbPath(ctx.layout, m.thumb_key, 'thumb-small');
    if (existsSync(file)) sources.push({ index, file });
  });
  const decoded = decodeWebpTiles(sources, ctx.ffmpeg, ctx.signal);
  let pending = await decoded.next();
  let sheetBuf: Buffer | null = null;
  try {
    for (let s = 0; s * TILES_PER_SHEET < members.length; s++) {
      const first = s * TILES_PER_SHEET;
      const slice = members.slice(first, first + TILES_PER_SHEET);
      const cols = sheetColumns(slice.length);
      const rows = Math.ceil(slice.length / cols);
      const width = cols * TILE + (cols + 1) * GAP;
      const height = rows * TILE + (rows + 1) * GAP;
      // One raw buffer reused for every sheet: a fresh 21 MB buffer per sheet piles up until GC runs.
      if (!sheetBuf || sheetBuf.length < width * height * 3)
        sheetBuf = Buffer.allocUnsafe(fullSheetBytes(members.length));
      const sheet = {
        data: sheetBuf.subarray(0, width * height * 3).fill(SHEET_GREY),
        width,
        grey: SHEET_GREY,
      };
      for (let i = 0; i < slice.length; i++) {
        if (ctx.signal?.aborted) throw ctx.signal.reason;
        const m = slice[i]!;
        const cellLeft = GAP + (i % cols) * (TILE + GAP);
        const cellTop = GAP + Math.floor(i / cols) * (TILE + GAP);
        // Small images fill the cell too; pixel art (half the cell or less) is enlarged with
        // hard edges, as its buyers expect to see it, rather than blurred.
        const pixelArt =
          m.type === 'image' && !!m.width && !!m.height && Math.max(m.width, m.height) * 2 <= TILE;
        if (!pending.done && pending.value.index === first + i) {
          const tile = pending.value;
          // Pasted before asking for the next: the decoder reuses the frame's buffer.
          if (tile.rgba)
            pasteTile(sheet, cellLeft, cellTop, tile.rgba, tile.width, tile.height, pixelArt);
          pending = await decoded.next();
          if (tile.rgba) continue;
        }
        const tile = await tileWithSharp(m, ctx, pixelArt);
        const left = cellLeft + ((TILE - tile.w) >> 1);
        const top = cellTop + ((TILE - tile.h) >> 1);
        for (let y = 0; y < tile.h; y++)
          tile.data.copy(
            sheet.data,
            ((top + y) * width + left) * 3,
            y * tile.w * 3,
            (y + 1) * tile.w * 3,
          );
      }
      const img = sharp(sheet.data, { raw: { width, height, channels: 3 } });
      const data = await finishJpeg(img, ctx, bigJpeg(85), { width, height });
      yield { name: sheetName(s), data };
    }
  } finally {
    await decoded.return(undefined);
  }
}

/** A tile drawn by libvips, from whatever still stands for the asset; the blank tile if none decodes. */
async function tileWithSharp(
  m: PackMemberRow,
  ctx: PreviewContext,
  pixelArt: boolean,
): Promise<{ data: Buffer; w: number; h: number }> {
  try {
    const src = await stillOf(m, ctx, false);
    if (src) {
      const { data, info } = await sharp(src, { failOn: 'none' })
        .rotate()
        .resize(TILE, TILE, { fit: 'inside', kernel: pixelArt ? 'nearest' : 'lanczos3' })
        .flatten({ background: SHEET_BG })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels === 3) return { data, w: info.width, h: info.height };
    }
  } catch {
    // An undecodable asset gets the blank tile; the checks report it.
  }
  return blankTileRaw();
}

export function sheetName(index: number): string {
  return index === 0
    ? 'preview_grid.jpg'
    : `preview_grid_${String(index + 1).padStart(2, '0')}.jpg`;
}

/**
 * The marketing pictures in order: the creator's hero, then their collage picks, then the rest
 * of the images and videos best rated first, then newest.
 */
export function marketingOrder(
  members: PackMemberRow[],
  heroId: string | null,
  picks: string[] | null,
): PackMemberRow[] {
  const visual = members.filter((m) => m.type === 'image' || m.type === 'video');
  const byId = new Map(visual.map((m) => [m.asset_id, m]));
  const first = [heroId, ...(picks ?? [])]
    .map((id) => (id ? byId.get(id) : undefined))
    .filter((m): m is PackMemberRow => !!m);
  const seen = new Set(first.map((m) => m.asset_id));
  return [...new Set([...first, ...rankForMarketing(visual.filter((m) => !seen.has(m.asset_id)))])];
}

/** The size a hero is drawn at: short side to the marketplace's guidance, never enlarged. */
export function heroSize(
  width: number,
  height: number,
  listing: ListingImageSpec,
): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const scale = Math.min(1, listing.heroShortEdge / short, listing.heroLongEdge / long);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Up to five large stills from the original files (not thumbnails): the hero first, then in
 * marketingOrder. Sized to the marketplace's listing guidance, never enlarged.
 */
export async function heroShots(
  ordered: PackMemberRow[],
  ctx: PreviewContext,
  listing: ListingImageSpec = DEFAULT_LISTING,
): Promise<{ files: PreviewFile[]; used: PackMemberRow[] }> {
  const out: PreviewFile[] = [];
  const used: PackMemberRow[] = [];
  for (const m of ordered) {
    if (out.length >= MAX_HEROES) break;
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    try {
      const src = await stillOf(m, ctx, true);
      if (!src) continue;
      const base = sharp(src, { failOn: 'none' }).rotate();
      const meta = await sharp(src, { failOn: 'none' }).metadata();
      const upright = (meta.orientation ?? 1) >= 5;
      const w = (upright ? meta.height : meta.width) ?? 0;
      const h = (upright ? meta.width : meta.height) ?? 0;
      if (!w || !h) continue;
      const size = heroSize(w, h, listing);
      const img = base
        .resize(size.width, size.height, { fit: 'fill' })
        .flatten({ background: '#ffffff' });
      out.push({
        name: `hero_${String(out.length + 1).padStart(2, '0')}.jpg`,
        data: await finishJpeg(img, ctx, { quality: 86 }, size),
      });
      used.push(m);
    } catch {
      // A hero that cannot be decoded is simply not a hero; corrupt files are reported by the checks.
    }
  }
  return { files: out, used };
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A justified layout of pictures of these aspect ratios (width / height) inside width×height:
 * rows in order, each row's pictures the same height and together the full width, so there is
 * never an empty cell and no picture is cropped; the row count is the one whose shape comes
 * closest to the canvas, and the whole is scaled down to fit and centred (a thin margin is the
 * most the canvas shows of its background).
 */
export function collageLayout(
  aspects: number[],
  width: number,
  height: number,
  gap = COLLAGE_GAP,
): Rect[] {
  // Rows of equal height, or (the same done sideways) columns of equal width: whichever fills
  // more of the canvas. Three pictures in a 3:2 listing fill ~50% in rows and ~85% in columns.
  const rows = justified(aspects, width, height, gap);
  const cols = justified(
    aspects.map((a) => 1 / a),
    height,
    width,
    gap,
  );
  if (cols.fill > rows.fill + 0.01)
    return cols.rects.map((r) => ({ left: r.top, top: r.left, width: r.height, height: r.width }));
  return rows.rects;
}

function justified(
  aspects: number[],
  width: number,
  height: number,
  gap: number,
): { rects: Rect[]; fill: number } {
  const n = aspects.length;
  if (n === 0) return { rects: [], fill: 0 };
  let best: { rows: number[][]; h: number; score: number } | null = null;
  for (let r = 1; r <= n; r++) {
    const rows = partitionRows(aspects, r);
    // Height of the layout at full width: each row's height is its free width over its aspect sum.
    const h =
      rows.reduce((s, row) => {
        const sum = row.reduce((a, i) => a + aspects[i]!, 0);
        return s + (width - gap * (row.length + 1)) / sum;
      }, 0) +
      gap * (rows.length + 1);
    const fill = Math.min(h / height, height / h);
    if (!best || fill > best.score) best = { rows, h, score: fill };
  }
  const { rows, h, score } = best!;
  // Scale the full-width layout to fit inside the canvas, then centre it.
  const scale = Math.min(1, height / h);
  const w = width * scale;
  const offX = (width - w) / 2;
  const offY = (height - h * scale) / 2;
  const g = gap * scale;
  const out: Rect[] = new Array<Rect>(n);
  let y = offY + g;
  for (const row of rows) {
    const sum = row.reduce((a, i) => a + aspects[i]!, 0);
    const rowH = (w - g * (row.length + 1)) / sum;
    let x = offX + g;
    for (const i of row) {
      const cw = rowH * aspects[i]!;
      out[i] = {
        left: Math.round(x),
        top: Math.round(y),
        width: Math.max(1, Math.round(x + cw) - Math.round(x)),
        height: Math.max(1, Math.round(y + rowH) - Math.round(y)),
      };
      x += cw + g;
    }
    y += rowH + g;
  }
  return { rects: out, fill: score };
}

/** Splits indices 0..n-1, in order, into `r` non-empty rows of balanced aspect sums. */
function partitionRows(aspects: number[], r: number): number[][] {
  const n = aspects.length;
  const prefix = [0];
  for (const a of aspects) prefix.push(prefix[prefix.length - 1]! + a);
  const target = prefix[n]! / r;
  // cost[k][i]: best cost of the first i pictures in k rows; squared deviation from the target.
  const cost = Array.from({ length: r + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: r + 1 }, () => new Array<number>(n + 1).fill(0));
  cost[0]![0] = 0;
  for (let k = 1; k <= r; k++)
    for (let i = k; i <= n; i++)
      for (let j = k - 1; j < i; j++) {
        const c = cost[k - 1]![j]! + (prefix[i]! - prefix[j]! - target) ** 2;
        if (c < cost[k]![i]!) {
          cost[k]![i] = c;
          cut[k]![i] = j;
        }
      }
  const rows: number[][] = [];
  let i = n;
  for (let k = r; k >= 1; k--) {
    const j = cut[k]![i]!;
    rows.unshift(Array.from({ length: i - j }, (_, x) => j + x));
    i = j;
  }
  return rows;
}

/**
 * The listing image: the marketplace's size (Etsy 2667×2000…), the chosen pictures whole in a
 * justified layout (collageLayout), drawn from the originals.
 */
export async function listingCollage(
  pictures: PackMemberRow[],
  ctx: PreviewContext,
  listing: ListingImageSpec = DEFAULT_LISTING,
): Promise<Buffer | null> {
  const stills: { src: string | Buffer; aspect: number }[] = [];
  for (const m of pictures) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    try {
      const src = await stillOf(m, ctx, true);
      if (!src) continue;
      const meta = await sharp(src, { failOn: 'none' }).metadata();
      const upright = (meta.orientation ?? 1) >= 5;
      const w = (upright ? meta.height : meta.width) ?? 0;
      const h = (upright ? meta.width : meta.height) ?? 0;
      if (w && h) stills.push({ src, aspect: w / h });
    } catch {
      // Not drawable: left out, and the layout adapts to the pictures that are.
    }
  }
  if (stills.length === 0) return null;
  const rects = collageLayout(
    stills.map((s) => s.aspect),
    listing.width,
    listing.height,
  );
  const tiles: { input: Buffer; left: number; top: number }[] = [];
  // One picture at a time, straight to JPEG: the collage is the largest picture an export draws.
  for (const [i, st] of stills.entries()) {
    const r = rects[i]!;
    tiles.push({
      input: await sharp(st.src, { failOn: 'none' })
        .rotate()
        .resize(r.width, r.height, { fit: 'fill' })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 92 })
        .toBuffer(),
      left: r.left,
      top: r.top,
    });
  }
  return sharp({
    create: { width: listing.width, height: listing.height, channels: 3, background: '#ffffff' },
  })
    .composite(tiles)
    .jpeg(bigJpeg(88))
    .toBuffer();
}

/** Where an export's previews are drawn: one folder per export under the data dir's tmp/. */
export function previewDir(tmp: string, exportId?: string): string {
  return exportId ? path.join(tmp, 'previews', exportId) : path.join(tmp, 'previews');
}

/**
 * What an export asks to be drawn. The files go to `dir` rather than staying in memory: the
 * export reads each back only when it writes it into the ZIP, so a pack of many sheets does not
 * hold them all at once.
 */
export interface PreviewJob {
  members: PackMemberRow[];
  /** Unused since the hero is picked (heroId) or ranked; kept for older callers. */
  coverId?: string | null;
  /** The creator's hero; null: the best rated, then newest. */
  heroId?: string | null;
  /** The creator's collage pictures; null: the first COLLAGE_DEFAULT in marketing order. */
  collageIds?: string[] | null;
  /** The marketplace's listing-image sizes. */
  listing?: ListingImageSpec;
  layout: DataDirLayout;
  watermark: string | null;
  /** Etsy's listing collage, made from the heroes. */
  collage: boolean;
  /** Folder the files are written to; created if missing. */
  dir: string;
  /** The ffmpeg the Settings point at (or the one found); null when there is none. */
  ffmpeg: string | null;
}

export interface PreviewOnDisk {
  name: string;
  file: string;
  bytes: number;
}

export interface PreviewSet {
  sheets: PreviewOnDisk[];
  heroes: PreviewOnDisk[];
  collage: PreviewOnDisk | null;
}

/** Draws every preview of a job and writes each to the job's folder as soon as it is made. */
export async function writePreviews(job: PreviewJob, signal?: AbortSignal): Promise<PreviewSet> {
  const ctx: PreviewContext = {
    layout: job.layout,
    watermark: job.watermark,
    ffmpeg: job.ffmpeg,
    signal,
  };
  await mkdir(job.dir, { recursive: true });
  const save = async (f: PreviewFile): Promise<PreviewOnDisk> => {
    if (signal?.aborted) throw signal.reason;
    const file = path.join(job.dir, f.name);
    await writeFile(file, f.data);
    return { name: f.name, file, bytes: f.data.length };
  };
  const sheets: PreviewOnDisk[] = [];
  for await (const sheet of contactSheets(job.members, ctx)) sheets.push(await save(sheet));
  const listing = job.listing ?? DEFAULT_LISTING;
  const ordered = marketingOrder(job.members, job.heroId ?? null, job.collageIds ?? null);
  const heroFiles = await heroShots(ordered, ctx, listing);
  const heroes: PreviewOnDisk[] = [];
  for (const h of heroFiles.files) heroes.push(await save(h));
  let collage: PreviewOnDisk | null = null;
  if (job.collage) {
    const chosen = job.collageIds?.length
      ? ordered.filter((m) => job.collageIds!.includes(m.asset_id))
      : ordered.slice(0, COLLAGE_DEFAULT);
    const picks = job.collageIds?.length
      ? job.collageIds.map((id) => chosen.find((m) => m.asset_id === id)).filter((m) => !!m)
      : chosen;
    const data = await listingCollage(picks, ctx, listing);
    if (data) collage = await save({ name: 'listing.jpg', data });
  }
  return { sheets, heroes, collage };
}

/** Preview folders left by exports that died (crash, kill -9) are removed by the next export. */
export function removeStalePreviewDirs(
  tmp: string,
  isRunning: (exportId: string) => boolean,
): void {
  const root = previewDir(tmp);
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names)
    if (!isRunning(n)) rmSync(path.join(root, n), { recursive: true, force: true });
}
