import { inflateSync } from 'node:zlib';

const MAX_TEXT = 4 * 1024 * 1024;

/**
 * Every text chunk of a PNG (tEXt, zTXt, iTXt, compressed or not), keyed by keyword. Walks the
 * chunk list without decoding pixels; a damaged chunk is skipped, never thrown, because
 * metadata must never fail an ingest.
 */
export function readPngText(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) return out;
  let pos = 8;
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    const end = start + len;
    if (end > buf.length) break;
    if (type === 'IEND') break;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      try {
        const entry = parseTextChunk(type, buf.subarray(start, end));
        if (entry && !(entry[0] in out)) out[entry[0]] = entry[1];
      } catch {
        // A corrupt compressed chunk: ignore it, keep the rest.
      }
    }
    pos = end + 4; // skip CRC
  }
  return out;
}

function parseTextChunk(type: string, data: Buffer): [string, string] | null {
  const nul = data.indexOf(0);
  if (nul <= 0 || nul > 79) return null;
  const key = data.toString('latin1', 0, nul);
  if (type === 'tEXt') return [key, data.toString('latin1', nul + 1)];
  if (type === 'zTXt') {
    // keyword \0 method(1) compressed-text
    return [key, inflate(data.subarray(nul + 2)).toString('latin1')];
  }
  // iTXt: keyword \0 flag(1) method(1) language \0 translated-keyword \0 text (UTF-8)
  const compressed = data[nul + 1] === 1;
  const langEnd = data.indexOf(0, nul + 3);
  if (langEnd < 0) return null;
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return null;
  const body = data.subarray(transEnd + 1);
  return [key, (compressed ? inflate(body) : body).toString('utf8')];
}

function inflate(data: Buffer): Buffer {
  return inflateSync(data, { maxOutputLength: MAX_TEXT });
}
