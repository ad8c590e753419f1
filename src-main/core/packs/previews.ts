import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type JpegOptions, type Sharp } from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { runProgram } from '../engines/runProgram';
import { thumbPath } from '../thumbs/paths';
import { decodeWebpTiles, TILE, type TileSource } from './tileDecoder';
import { pasteTile } from './tilePixels';
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
const COLS = 10;
/** A sheet of 100 tiles stays readable; bigger packs get preview_grid_02.jpg and so on. */
export const TILES_PER_SHEET = 100;
export const MAX_HEROES = 5;
const HERO_EDGE = 1600;

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
  const cols = Math.min(COLS, n);
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
      const cols = Math.min(COLS, slice.length);
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

/** Up to five large stills: the cover first, then images and videos in pack order. */
export async function heroShots(
  members: PackMemberRow[],
  coverId: string | null,
  ctx: PreviewContext,
): Promise<PreviewFile[]> {
  const ordered = [
    ...members.filter((m) => m.asset_id === coverId),
    ...members.filter((m) => m.asset_id !== coverId),
  ];
  const candidates = ordered.filter((m) => m.type === 'image' || m.type === 'video');
  const out: PreviewFile[] = [];
  for (const m of candidates) {
    if (out.length >= MAX_HEROES) break;
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    try {
      const src = await stillOf(m, ctx, true);
      if (!src) continue;
      const img = sharp(src, { failOn: 'none' })
        .rotate()
        .resize(HERO_EDGE, HERO_EDGE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' });
      out.push({
        name: `hero_${String(out.length + 1).padStart(2, '0')}.jpg`,
        data: await finishJpeg(img, ctx, { quality: 82 }),
      });
    } catch {
      // A hero that cannot be decoded is simply not a hero; corrupt files are reported by the checks.
    }
  }
  return out;
}

/** Etsy's listing image: a square collage of the heroes, beside the ZIPs rather than in them. */
export async function listingCollage(heroes: PreviewFile[]): Promise<Buffer | null> {
  if (heroes.length === 0) return null;
  const size = 2000;
  const n = heroes.length;
  const cols = n === 1 ? 1 : 2;
  const rows = Math.ceil(n / cols);
  const cw = Math.floor(size / cols);
  const ch = Math.floor(size / rows);
  const tiles: { input: Buffer; left: number; top: number }[] = [];
  // One hero at a time, and straight to JPEG (no PNG in between): the collage is the largest
  // picture an export draws, and its peak is the preview process's.
  for (const [i, h] of heroes.entries()) {
    tiles.push({
      input: await sharp(h.data)
        .resize(cw - 12, ch - 12, { fit: 'cover' })
        .toBuffer(),
      left: (i % cols) * cw + 6,
      top: Math.floor(i / cols) * ch + 6,
    });
  }
  return sharp({ create: { width: size, height: size, channels: 3, background: '#ffffff' } })
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
  coverId: string | null;
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
  const heroFiles = await heroShots(job.members, job.coverId, ctx);
  const heroes: PreviewOnDisk[] = [];
  for (const h of heroFiles) heroes.push(await save(h));
  let collage: PreviewOnDisk | null = null;
  if (job.collage) {
    const data = await listingCollage(heroFiles);
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
