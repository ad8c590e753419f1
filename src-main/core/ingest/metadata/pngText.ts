import { promisify } from 'node:util';
import { inflate as inflateCb, type ZlibOptions } from 'node:zlib';

const inflate = promisify<Buffer, ZlibOptions, Buffer>(inflateCb);

/**
 * Limits on what a PNG's text may cost. A 783 KB file of 180 compressed chunks that each inflate
 * to 4 MB took 35 s and 2.76 GB: the count, each chunk and the whole are bounded, and anything
 * past a limit is left unread (the file still ingests, its metadata marked truncated).
 */
export const PNG_TEXT_LIMITS = {
  /** Text chunks read; generators write one to three. */
  chunks: 64,
  /** One chunk's text, inflated: a ComfyUI workflow is rarely over a megabyte. */
  chunkBytes: 4 * 1024 * 1024,
  /** All text together, inflated. */
  totalBytes: 16 * 1024 * 1024,
};

export interface PngText {
  texts: Record<string, string>;
  /** Why some text was left unread, or null when all of it was read. */
  truncated: string | null;
}

interface TextChunkRef {
  type: 'tEXt' | 'zTXt' | 'iTXt';
  data: Buffer;
}

const isText = (t: string): t is TextChunkRef['type'] =>
  t === 'tEXt' || t === 'zTXt' || t === 'iTXt';

/** The PNG's chunks in file order (type, data, where the chunk starts and ends), headers only. */
function* chunks(buf: Buffer): Generator<{ type: string; data: Buffer; from: number; to: number }> {
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) return;
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    const end = start + len;
    if (end + 4 > buf.length) return;
    yield { type, data: buf.subarray(start, end), from: pos, to: end + 4 };
    if (type === 'IEND') return;
    pos = end + 4;
  }
}

/**
 * Every text chunk of a PNG (tEXt, zTXt, iTXt, compressed or not), keyed by keyword, within
 * PNG_TEXT_LIMITS. Compressed text is inflated on libuv's thread pool with a byte budget, so a
 * bomb costs at most the budget and never blocks the main thread. A damaged chunk is skipped,
 * never thrown: metadata must never fail an ingest.
 */
export async function readPngText(
  buf: Buffer,
  limits: typeof PNG_TEXT_LIMITS = PNG_TEXT_LIMITS,
): Promise<PngText> {
  const texts: Record<string, string> = {};
  let truncated: string | null = null;
  let count = 0;
  let total = 0;
  for (const c of chunks(buf)) {
    if (!isText(c.type)) continue;
    if (++count > limits.chunks) {
      truncated = `The file has more than ${limits.chunks} text chunks; the rest were not read.`;
      break;
    }
    const budget = Math.min(limits.chunkBytes, limits.totalBytes - total);
    if (budget <= 0) {
      truncated = `Its text is over ${mb(limits.totalBytes)} in all; the rest was not read.`;
      break;
    }
    try {
      const entry = await parseTextChunk(c.type, c.data, budget);
      if (!entry) continue;
      total += entry[2];
      if (!(entry[0] in texts)) texts[entry[0]] = entry[1];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        total += budget;
        truncated = `A compressed text chunk inflates to more than ${mb(budget)}; it was not read.`;
      }
      // Anything else is a corrupt chunk: ignore it, keep the rest.
    }
  }
  return { texts, truncated };
}

const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

async function parseTextChunk(
  type: TextChunkRef['type'],
  data: Buffer,
  budget: number,
): Promise<[key: string, text: string, bytes: number] | null> {
  const nul = data.indexOf(0);
  if (nul <= 0 || nul > 79) return null;
  const key = data.toString('latin1', 0, nul);
  if (type === 'tEXt') {
    const body = data.subarray(nul + 1);
    if (body.length > budget)
      throw Object.assign(new RangeError('text over budget'), { code: 'ERR_BUFFER_TOO_LARGE' });
    return [key, body.toString('latin1'), body.length];
  }
  if (type === 'zTXt') {
    // keyword \0 method(1) compressed-text
    const text = await inflate(data.subarray(nul + 2), { maxOutputLength: budget });
    return [key, text.toString('latin1'), text.length];
  }
  // iTXt: keyword \0 flag(1) method(1) language \0 translated-keyword \0 text (UTF-8)
  const compressed = data[nul + 1] === 1;
  const langEnd = data.indexOf(0, nul + 3);
  if (langEnd < 0) return null;
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return null;
  const body = data.subarray(transEnd + 1);
  const text = compressed ? await inflate(body, { maxOutputLength: budget }) : body;
  if (!compressed && text.length > budget)
    throw Object.assign(new RangeError('text over budget'), { code: 'ERR_BUFFER_TOO_LARGE' });
  return [key, text.toString('utf8'), text.length];
}

/**
 * The PNG without its text chunks, for the image decoder: libvips reads and inflates every text
 * chunk into its metadata itself (1.5 s for the bomb above), and it needs none of them. Returns
 * the buffer itself when there is nothing worth removing (no compressed text, few chunks).
 */
export function withoutTextChunks(buf: Buffer): Buffer {
  const keep: Buffer[] = [];
  let removed = 0;
  let compressed = 0;
  let last = 8;
  for (const c of chunks(buf)) {
    if (!isText(c.type)) continue;
    removed++;
    if (c.type === 'zTXt' || (c.type === 'iTXt' && c.data[c.data.indexOf(0) + 1] === 1))
      compressed++;
    keep.push(buf.subarray(last, c.from));
    last = c.to;
  }
  if (removed === 0 || (compressed === 0 && removed <= 8)) return buf;
  // The signature, what lay between the text chunks, and the rest.
  return Buffer.concat([buf.subarray(0, 8), ...keep, buf.subarray(last)]);
}
