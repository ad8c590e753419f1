import { open, type FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';

/**
 * Generation metadata taken out of image files without re-encoding them: the file is rewritten
 * as the ranges of the original it keeps plus a few small new pieces, so the pixels are the
 * original's byte for byte, and a 100 MB PNG costs a few header reads, not a decode.
 *
 * A plan is made from the headers alone (PNG chunks, JPEG segments up to the first scan, WebP
 * RIFF chunks), read through a small window; the export then streams the kept ranges straight
 * from the file into the ZIP (ZipWriter.addPieces). What goes:
 *
 * - PNG: tEXt, zTXt and iTXt chunks (A1111's `parameters`, ComfyUI's `prompt` and `workflow`,
 *   NovelAI's `Comment`, XMP in `XML:com.adobe.xmp`), eXIf, and anything after IEND.
 * - JPEG: APP1 Exif (A1111 writes its parameters into the UserComment) and XMP (standard and
 *   extended), APP13 Photoshop/IPTC, and COM comments. JFIF (APP0), ICC profiles (APP2) and
 *   Adobe's APP14 (colour transform: the decoder needs it) stay.
 * - WebP: the EXIF and XMP chunks, with the VP8X flags and the RIFF size set to match.
 *
 * Orientation: a camera or editor may store a picture sideways and say "rotate me" in EXIF.
 * Dropping that would show the buyer a rotated image, so where the EXIF says anything other than
 * "upright" (orientation 2–8), a minimal EXIF holding only the orientation takes its place (26
 * bytes, nothing else about the file). AI outputs are upright and lose their EXIF entirely.
 *
 * Left as they are, on purpose: C2PA content credentials (PNG caBX, JPEG APP11 JUMBF), which
 * are provenance labels marketplaces ask sellers to keep rather than generation recipes, and
 * pixel-level marks (NovelAI's alpha-channel "stealth" metadata), which only a re-encode that
 * changes pixels could remove.
 */

export type StripFormat = 'png' | 'jpeg' | 'webp';

/** A byte range [start, end) of the source file, or new bytes written in its place. */
export type Piece = { start: number; end: number } | Buffer;

export interface StripPlan {
  format: StripFormat;
  pieces: Piece[];
  /** Size of the stripped file. */
  size: number;
  /** Size of the source the plan was made from. */
  sourceSize: number;
  /** What was taken out, for the record (`tEXt:parameters`, `APP1:Exif`, `XMP `…). */
  removed: string[];
  /** The EXIF orientation kept (2–8), or null when the picture is upright or had none. */
  orientation: number | null;
}

/** Random access to the bytes being planned: a file (through a window) or a buffer. */
export interface ByteSource {
  size: number;
  read(pos: number, len: number): Promise<Buffer>;
}

export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: async (pos, len) => buf.subarray(pos, Math.min(buf.length, pos + len)),
  };
}

/** A file read through a 64 KB window: a PNG's thousands of 8-byte chunk headers cost few reads. */
export function fileSource(fh: FileHandle, size: number, window = 64 << 10): ByteSource {
  let winStart = 0;
  let win = Buffer.alloc(0);
  return {
    size,
    async read(pos, len) {
      const end = Math.min(size, pos + len);
      if (pos >= winStart && end <= winStart + win.length)
        return win.subarray(pos - winStart, end - winStart);
      if (end - pos > window) {
        const out = Buffer.alloc(end - pos);
        const { bytesRead } = await fh.read(out, 0, out.length, pos);
        return out.subarray(0, bytesRead);
      }
      const buf = Buffer.alloc(Math.min(window, size - pos));
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      winStart = pos;
      win = buf.subarray(0, bytesRead);
      return win.subarray(0, Math.min(bytesRead, end - pos));
    },
  };
}

/** Which format the first bytes say, among those stripped; null for anything else. */
export function sniffFormat(head: Buffer): StripFormat | null {
  if (
    head.length >= 8 &&
    head.readUInt32BE(0) === 0x89504e47 &&
    head.readUInt32BE(4) === 0x0d0a1a0a
  )
    return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (
    head.length >= 12 &&
    head.toString('latin1', 0, 4) === 'RIFF' &&
    head.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  return null;
}

/**
 * The plan for `src`, or null when it is not a PNG, JPEG or WebP, is malformed where the
 * headers are read (it is then exported as it is: the checks report files that do not decode),
 * or has nothing to strip.
 */
export async function planStrip(src: ByteSource): Promise<StripPlan | null> {
  const format = sniffFormat(await src.read(0, 12));
  if (!format) return null;
  try {
    const plan =
      format === 'png'
        ? await planPng(src)
        : format === 'jpeg'
          ? await planJpeg(src)
          : await planWebp(src);
    if (!plan || plan.removed.length === 0) return null;
    return plan;
  } catch (err) {
    if (err instanceof MalformedError) return null;
    throw err;
  }
}

/** Plans a file on disk. */
export async function planStripFile(file: string): Promise<StripPlan | null> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    return await planStrip(fileSource(fh, size));
  } finally {
    await fh.close();
  }
}

/** The stripped bytes of a buffer (tests, and small files); the buffer itself when nothing goes. */
export async function stripBuffer(buf: Buffer): Promise<{ data: Buffer; plan: StripPlan | null }> {
  const plan = await planStrip(bufferSource(buf));
  if (!plan) return { data: buf, plan: null };
  return {
    data: Buffer.concat(
      plan.pieces.map((p) => (Buffer.isBuffer(p) ? p : buf.subarray(p.start, p.end))),
    ),
    plan,
  };
}

class MalformedError extends Error {}

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new MalformedError(what);
}

/** Appends a range, merging it with the previous one when they touch. */
function keep(pieces: Piece[], start: number, end: number): void {
  const last = pieces[pieces.length - 1];
  if (last && !Buffer.isBuffer(last) && last.end === start) last.end = end;
  else pieces.push({ start, end });
}

const sizeOf = (pieces: Piece[]) =>
  pieces.reduce((s, p) => s + (Buffer.isBuffer(p) ? p.length : p.end - p.start), 0);

// ---------- EXIF orientation ----------

/** The orientation (1–8) in a TIFF-structured EXIF block, or null when it has none. */
export function exifOrientation(tiff: Buffer): number | null {
  if (tiff.length < 8) return null;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) return null;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : null;
    }
  }
  return null;
}

/** A TIFF-structured EXIF block holding only the orientation. */
export function minimalExif(orientation: number): Buffer {
  const b = Buffer.alloc(26);
  b.write('MM', 0, 'latin1');
  b.writeUInt16BE(42, 2);
  b.writeUInt32BE(8, 4); // IFD0 right after the header
  b.writeUInt16BE(1, 8); // one entry
  b.writeUInt16BE(0x0112, 10); // Orientation
  b.writeUInt16BE(3, 12); // SHORT
  b.writeUInt32BE(1, 14); // count
  b.writeUInt16BE(orientation, 18); // value, left-justified in the 4-byte field
  b.writeUInt32BE(0, 22); // no next IFD
  return b;
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

// ---------- PNG ----------

const PNG_DROP = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf']);

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

async function planPng(src: ByteSource): Promise<StripPlan> {
  const pieces: Piece[] = [];
  const removed: string[] = [];
  let orientation: number | null = null;
  keep(pieces, 0, 8);
  let pos = 8;
  let ended = false;
  while (pos + 12 <= src.size) {
    const head = await src.read(pos, 8);
    need(head.length === 8, 'PNG chunk header');
    const len = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    need(/^[A-Za-z]{4}$/.test(type), 'PNG chunk type');
    const end = pos + 12 + len;
    need(end <= src.size, 'PNG chunk length');
    if (PNG_DROP.has(type)) {
      let label = type;
      if (type === 'eXIf') {
        const o = exifOrientation(await src.read(pos + 8, len));
        if (o && o !== 1) {
          orientation = o;
          pieces.push(pngChunk('eXIf', minimalExif(o)));
        }
      } else {
        const key = await src.read(pos + 8, Math.min(len, 80));
        const nul = key.indexOf(0);
        if (nul > 0) label += `:${key.toString('latin1', 0, nul)}`;
      }
      removed.push(label);
    } else {
      keep(pieces, pos, end);
    }
    pos = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  need(ended, 'PNG without IEND');
  if (pos < src.size) removed.push(`${src.size - pos} bytes after IEND`);
  return {
    format: 'png',
    pieces,
    size: sizeOf(pieces),
    sourceSize: src.size,
    removed,
    orientation,
  };
}

// ---------- JPEG ----------

const XMP_NS = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT_NS = 'http://ns.adobe.com/xmp/extension/\0';

async function planJpeg(src: ByteSource): Promise<StripPlan> {
  const pieces: Piece[] = [];
  const removed: string[] = [];
  let orientation: number | null = null;
  let exifPlaced = false;
  keep(pieces, 0, 2);
  let pos = 2;
  for (;;) {
    need(pos + 2 <= src.size, 'JPEG ends before its image data');
    const m = await src.read(pos, 4);
    need(m[0] === 0xff, 'JPEG marker');
    const marker = m[1]!;
    if (marker === 0xff) {
      // Fill bytes before a marker: kept as they are.
      keep(pieces, pos, pos + 1);
      pos += 1;
      continue;
    }
    if (marker === 0xd9) {
      keep(pieces, pos, src.size);
      break;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      keep(pieces, pos, pos + 2);
      pos += 2;
      continue;
    }
    need(m.length === 4, 'JPEG segment length');
    const len = m.readUInt16BE(2);
    need(len >= 2, 'JPEG segment length');
    const end = pos + 2 + len;
    need(end <= src.size, 'JPEG segment past the end');
    if (marker === 0xda) {
      // Start of scan: the image data and everything after it stay as they are.
      keep(pieces, pos, src.size);
      break;
    }
    let drop: string | null = null;
    if (marker === 0xe1) {
      const body = await src.read(pos + 4, Math.min(len - 2, 64));
      if (body.subarray(0, 6).equals(EXIF_HEADER)) {
        drop = 'APP1:Exif';
        const o = exifOrientation(await src.read(pos + 10, len - 8));
        if (o && o !== 1 && !exifPlaced) {
          orientation = o;
          exifPlaced = true;
          const tiff = minimalExif(o);
          const seg = Buffer.alloc(4 + EXIF_HEADER.length + tiff.length);
          seg[0] = 0xff;
          seg[1] = 0xe1;
          seg.writeUInt16BE(2 + EXIF_HEADER.length + tiff.length, 2);
          EXIF_HEADER.copy(seg, 4);
          tiff.copy(seg, 4 + EXIF_HEADER.length);
          pieces.push(seg);
        }
      } else if (body.toString('latin1', 0, XMP_NS.length) === XMP_NS) drop = 'APP1:XMP';
      else if (body.toString('latin1', 0, XMP_EXT_NS.length) === XMP_EXT_NS)
        drop = 'APP1:XMP extension';
    } else if (marker === 0xed) {
      drop = 'APP13:IPTC';
    } else if (marker === 0xfe) {
      drop = 'COM';
    }
    if (drop) removed.push(drop);
    else keep(pieces, pos, end);
    pos = end;
  }
  return {
    format: 'jpeg',
    pieces,
    size: sizeOf(pieces),
    sourceSize: src.size,
    removed,
    orientation,
  };
}

// ---------- WebP ----------

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

async function planWebp(src: ByteSource): Promise<StripPlan> {
  const head = await src.read(0, 12);
  const riffEnd = Math.min(src.size, 8 + head.readUInt32LE(4));
  const body: Piece[] = [];
  const removed: string[] = [];
  let orientation: number | null = null;
  let vp8x: { index: number; data: Buffer } | null = null;
  let pos = 12;
  while (pos + 8 <= riffEnd) {
    const h = await src.read(pos, 8);
    const fourcc = h.toString('latin1', 0, 4);
    const len = h.readUInt32LE(4);
    const end = pos + 8 + len + (len & 1);
    need(pos + 8 + len <= riffEnd, 'WebP chunk length');
    const chunkEnd = Math.min(end, riffEnd);
    if (fourcc === 'EXIF' || fourcc === 'XMP ') {
      removed.push(fourcc.trim());
      if (fourcc === 'EXIF') {
        let exif = await src.read(pos + 8, len);
        // Some writers keep JPEG's "Exif\0\0" prefix in the chunk.
        if (exif.subarray(0, 6).equals(EXIF_HEADER)) exif = exif.subarray(6);
        const o = exifOrientation(exif);
        if (o && o !== 1) orientation = o;
      }
    } else if (fourcc === 'VP8X') {
      need(len >= 10, 'VP8X chunk');
      vp8x = { index: body.length, data: Buffer.from(await src.read(pos, 8 + len)) };
      body.push(vp8x.data);
    } else {
      keep(body, pos, chunkEnd);
    }
    pos = end;
  }
  if (orientation) {
    const tiff = minimalExif(orientation);
    const chunk = Buffer.alloc(8 + tiff.length);
    chunk.write('EXIF', 0, 'latin1');
    chunk.writeUInt32LE(tiff.length, 4);
    tiff.copy(chunk, 8);
    body.push(chunk);
  }
  if (vp8x) {
    // ICC, alpha and animation flags stay as they were.
    const flags = vp8x.data[8]!;
    vp8x.data[8] = (flags & ~(VP8X_EXIF | VP8X_XMP)) | (orientation ? VP8X_EXIF : 0);
  }
  const riffSize = 4 + sizeOf(body);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(riffSize, 4);
  header.write('WEBP', 8, 'latin1');
  const pieces: Piece[] = [header, ...body];
  if (riffEnd < src.size) removed.push(`${src.size - riffEnd} bytes after the RIFF data`);
  return {
    format: 'webp',
    pieces,
    size: sizeOf(pieces),
    sourceSize: src.size,
    removed,
    orientation,
  };
}

/** Writes the pieces of a plan of `file` to a buffer (tests; the export streams them instead). */
export async function applyPlan(file: string, plan: StripPlan): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const parts: Buffer[] = [];
    for (const p of plan.pieces) {
      if (Buffer.isBuffer(p)) parts.push(p);
      else {
        const b = Buffer.alloc(p.end - p.start);
        await fh.read(b, 0, b.length, p.start);
        parts.push(b);
      }
    }
    return Buffer.concat(parts);
  } finally {
    await fh.close();
  }
}
