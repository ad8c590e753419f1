import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
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
      const t = thumbPath(ctx.layout, m.thumb_key, 'thumb');
      if (existsSync(t)) return t;
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

export interface PreviewFile {
  name: string;
  data: Buffer;
}

/** Contact sheets of every asset, in pack order. Assets with no picture get a labelled blank tile. */
export async function contactSheets(members: PackMemberRow[], ctx: PreviewContext): Promise<PreviewFile[]> {
  const out: PreviewFile[] = [];
  for (let s = 0; s * TILES_PER_SHEET < members.length; s++) {
    const slice = members.slice(s * TILES_PER_SHEET, (s + 1) * TILES_PER_SHEET);
    const cols = Math.min(COLS, slice.length);
    const rows = Math.ceil(slice.length / cols);
    const width = cols * TILE + (cols + 1) * GAP;
    const height = rows * TILE + (rows + 1) * GAP;
    const tiles: OverlayOptions[] = [];
    // Two in flight: decoding is the cost, and sharp runs one image per thread here.
    let next = 0;
    const results: (Buffer | null)[] = new Array(slice.length).fill(null);
    await Promise.all(
      [0, 1].map(async () => {
        while (next < slice.length) {
          const i = next++;
          if (ctx.signal?.aborted) throw ctx.signal.reason;
          try {
            const src = await stillOf(slice[i]!, ctx, false);
            if (src) results[i] = await sharp(src, { failOn: 'none' }).rotate().resize(TILE, TILE, { fit: 'cover' }).png().toBuffer();
          } catch {
            results[i] = null;
          }
        }
      }),
    );
    results.forEach((buf, i) => {
      const left = GAP + (i % cols) * (TILE + GAP);
      const top = GAP + Math.floor(i / cols) * (TILE + GAP);
      tiles.push({
        input: buf ?? Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}"><rect width="100%" height="100%" fill="#ddd"/><text x="50%" y="50%" text-anchor="middle" font-size="16" font-family="sans-serif" fill="#555">${slice[i]!.type}</text></svg>`),
        left,
        top,
      });
    });
    const sheet = sharp({ create: { width, height, channels: 3, background: '#f4f4f6' } }).composite(tiles);
    const data = await finishJpeg(sharp(await sheet.png().toBuffer()), ctx, 85);
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
