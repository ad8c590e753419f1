import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import sharp, { type Sharp } from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { resolveFfTool } from '../engines/ffmpeg';
import { thumbPath } from '../media/resolveMedia';
import type { PackMemberRow } from './packStore';

const TILE = 240;
const GAP = 8;
const COLS = 10;
/** A sheet of 100 tiles stays readable; bigger packs get preview_grid_02.jpg and so on. */
export const TILES_PER_SHEET = 100;
export const MAX_HEROES = 5;
const HERO_EDGE = 1600;

export interface PreviewContext {
  layout: DataDirLayout;
  tmpDir: string;
  signal?: AbortSignal;
  watermark: string | null;
}

/**
 * A still picture standing for an asset: the library's own thumbnail when ingest made one
 * (cheap), else the image itself, a poster frame for video, a waveform for audio.
 */
async function stillOf(m: PackMemberRow, ctx: PreviewContext, large: boolean): Promise<string | Buffer | null> {
  if (m.type === 'image') {
    if (!large && m.thumb_key) {
      // The 256 px thumbnail decodes four times faster than the 512 px one and a tile is 240 px.
      for (const v of ['thumb-small', 'thumb'] as const) {
        const t = thumbPath(ctx.layout, m.thumb_key, v);
        if (existsSync(t)) return t;
      }
    }
    return existsSync(m.path) ? m.path : null;
  }
  if (m.thumb_key) {
    const t = thumbPath(ctx.layout, m.thumb_key, m.type === 'video' ? 'poster' : 'waveform');
    if (existsSync(t)) return t;
  }
  const ffmpeg = resolveFfTool('ffmpeg', null).path;
  if (!ffmpeg || !existsSync(m.path)) return null;
  const args =
    m.type === 'video'
      ? ['-v', 'error', '-ss', String(Math.min(1, (m.duration_sec ?? 0) / 3)), '-i', m.path, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-']
      : ['-v', 'error', '-i', m.path, '-filter_complex', 'aformat=channel_layouts=mono,showwavespic=s=1200x400:colors=#6d5dfc', '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'];
  const r = await execa(ffmpeg, args, { encoding: 'buffer', reject: false, cancelSignal: ctx.signal, timeout: 60_000 });
  return r.exitCode === 0 && r.stdout.length > 0 ? Buffer.from(r.stdout) : null;
}

function watermarkSvg(text: string, w: number, h: number): Buffer {
  const esc = text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const size = Math.max(18, Math.round(Math.min(w, h) / 14));
  const rows: string[] = [];
  for (let y = size * 2; y < h + w; y += size * 5) {
    rows.push(`<text x="${-w / 2}" y="${y}" font-size="${size}" font-family="sans-serif" fill="white" fill-opacity="0.28" stroke="black" stroke-opacity="0.18" stroke-width="1">${`${esc}   `.repeat(12)}</text>`);
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g transform="rotate(-30 ${w / 2} ${h / 2})">${rows.join('')}</g></svg>`);
}

async function finishJpeg(img: Sharp, ctx: PreviewContext, quality = 82): Promise<Buffer> {
  if (!ctx.watermark) return img.jpeg({ quality, mozjpeg: false }).toBuffer();
  const { data, info } = await img.png().toBuffer({ resolveWithObject: true });
  return sharp(data)
    .composite([{ input: watermarkSvg(ctx.watermark, info.width, info.height) }])
    .jpeg({ quality })
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
    const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    blank = { data, w: info.width, h: info.height };
  }
  return blank;
}

export interface PreviewFile {
  name: string;
  data: Buffer;
}

/**
 * Contact sheets of every asset, in pack order; assets with no picture get a blank tile.
 * Note on memory: libvips decoding on the libuv thread pool leaves glibc arenas holding memory
 * after ~1,000 tiles (RSS +~200 MB on glibc, not on macOS/Windows); MALLOC_ARENA_MAX=2 in the
 * host's environment keeps it near +100 MB. An ffmpeg xstack sheet kept memory flat but took
 * ~2 s per 100 tiles against ~0.3 s here, so sharp stays.
 */
export async function contactSheets(members: PackMemberRow[], ctx: PreviewContext): Promise<PreviewFile[]> {
  const out: PreviewFile[] = [];
  let sheetBuf: Buffer | null = null;
  for (let s = 0; s * TILES_PER_SHEET < members.length; s++) {
    const slice = members.slice(s * TILES_PER_SHEET, (s + 1) * TILES_PER_SHEET);
    const cols = Math.min(COLS, slice.length);
    const rows = Math.ceil(slice.length / cols);
    const width = cols * TILE + (cols + 1) * GAP;
    const height = rows * TILE + (rows + 1) * GAP;
    // The sheet is assembled in one raw buffer in JavaScript: a libvips composite of 100 overlays
    // costs far more native memory (and time) than copying 100 small tiles row by row.
    // One buffer reused for every sheet: a fresh 19 MB buffer per sheet piles up until GC runs.
    if (!sheetBuf || sheetBuf.length < width * height * 3) sheetBuf = Buffer.allocUnsafe(fullSheetBytes(members.length));
    const sheetRaw = sheetBuf.subarray(0, width * height * 3).fill(0xf4);
    const blankTile = await blankTileRaw();
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < slice.length) {
          const i = next++;
          if (ctx.signal?.aborted) throw ctx.signal.reason;
          let tile: { data: Buffer; w: number; h: number } = blankTile;
          try {
            const src = await stillOf(slice[i]!, ctx, false);
            if (src) {
              const { data, info } = await sharp(src, { failOn: 'none' })
                .rotate()
                .resize(TILE, TILE, { fit: 'cover' })
                .flatten({ background: '#ffffff' })
                .removeAlpha()
                .raw()
                .toBuffer({ resolveWithObject: true });
              if (info.channels === 3) tile = { data, w: info.width, h: info.height };
            }
          } catch {
            // An undecodable asset gets the blank tile; the checks report it.
          }
          const left = GAP + (i % cols) * (TILE + GAP);
          const top = GAP + Math.floor(i / cols) * (TILE + GAP);
          for (let y = 0; y < tile.h; y++) {
            tile.data.copy(sheetRaw, ((top + y) * width + left) * 3, y * tile.w * 3, (y + 1) * tile.w * 3);
          }
        }
      }),
    );
    const sheet = sharp(sheetRaw, { raw: { width, height, channels: 3 } });
    const data = ctx.watermark ? await finishJpeg(sheet, ctx, 85) : await sheet.jpeg({ quality: 85 }).toBuffer();
    out.push({ name: s === 0 ? 'preview_grid.jpg' : `preview_grid_${String(s + 1).padStart(2, '0')}.jpg`, data });
  }
  return out;
}

/** Up to five large stills: the cover first, then images and videos in pack order. */
export async function heroShots(members: PackMemberRow[], coverId: string | null, ctx: PreviewContext): Promise<PreviewFile[]> {
  const ordered = [...members.filter((m) => m.asset_id === coverId), ...members.filter((m) => m.asset_id !== coverId)];
  const candidates = ordered.filter((m) => m.type === 'image' || m.type === 'video');
  const out: PreviewFile[] = [];
  for (const m of candidates) {
    if (out.length >= MAX_HEROES) break;
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    try {
      const src = await stillOf(m, ctx, true);
      if (!src) continue;
      const img = sharp(src, { failOn: 'none' }).rotate().resize(HERO_EDGE, HERO_EDGE, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' });
      out.push({ name: `hero_${String(out.length + 1).padStart(2, '0')}.jpg`, data: await finishJpeg(img, ctx) });
    } catch {
      // A hero that cannot be decoded is simply not a hero; corrupt files are reported by the checks.
    }
  }
  return out;
}

/** Etsy's listing image: a square collage of the heroes, beside the ZIPs rather than in them. */
export async function listingCollage(heroes: PreviewFile[], ctx: PreviewContext): Promise<Buffer | null> {
  if (heroes.length === 0) return null;
  const size = 2000;
  const n = heroes.length;
  const cols = n === 1 ? 1 : 2;
  const rows = Math.ceil(n / cols);
  const cw = Math.floor(size / cols);
  const ch = Math.floor(size / rows);
  const tiles = await Promise.all(
    heroes.map(async (h, i) => ({
      input: await sharp(h.data).resize(cw - 12, ch - 12, { fit: 'cover' }).toBuffer(),
      left: (i % cols) * cw + 6,
      top: Math.floor(i / cols) * ch + 6,
    })),
  );
  const base = await sharp({ create: { width: size, height: size, channels: 3, background: '#ffffff' } }).composite(tiles).png().toBuffer();
  return finishJpeg(sharp(base), { ...ctx, watermark: null }, 88);
}

export function previewDir(tmp: string): string {
  return path.join(tmp, 'previews');
}
