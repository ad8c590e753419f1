import path from 'node:path';
import type { AssetType } from '../db/schema';

export interface KindByExt {
  type: AssetType;
  /** The container family the content must match (a .jpg holding a PNG is still an image). */
  family: string;
}

const byExt: Record<string, KindByExt> = {
  '.png': { type: 'image', family: 'png' },
  '.jpg': { type: 'image', family: 'jpeg' },
  '.jpeg': { type: 'image', family: 'jpeg' },
  '.webp': { type: 'image', family: 'webp' },
  '.gif': { type: 'image', family: 'gif' },
  '.avif': { type: 'image', family: 'avif' },
  '.tif': { type: 'image', family: 'tiff' },
  '.tiff': { type: 'image', family: 'tiff' },
  '.bmp': { type: 'image', family: 'bmp' },
  '.wav': { type: 'audio', family: 'wav' },
  '.mp3': { type: 'audio', family: 'mp3' },
  '.flac': { type: 'audio', family: 'flac' },
  '.ogg': { type: 'audio', family: 'ogg' },
  '.opus': { type: 'audio', family: 'ogg' },
  '.m4a': { type: 'audio', family: 'mp4' },
  '.aac': { type: 'audio', family: 'aac' },
  '.mp4': { type: 'video', family: 'mp4' },
  '.m4v': { type: 'video', family: 'mp4' },
  '.mov': { type: 'video', family: 'mp4' },
  '.webm': { type: 'video', family: 'webm' },
  '.mkv': { type: 'video', family: 'webm' },
  '.avi': { type: 'video', family: 'avi' },
  '.srt': { type: 'subtitles', family: 'srt' },
  '.vtt': { type: 'subtitles', family: 'vtt' },
};

export function kindByExtension(file: string): KindByExt | null {
  return byExt[path.extname(file).toLowerCase()] ?? null;
}

export const supportedExtensions = Object.keys(byExt);

/** The content family from a file's first bytes (at least 16), or null when unrecognised. */
export function sniffFamily(head: Buffer): { family: string; type: AssetType } | null {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString('latin1');
  // UTF-16 text starts FF FE / FE FF, which the MPEG audio test below would take for a frame.
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    return sniffSubtitles(head);
  // Shorter than any header: only a (nearly empty) text file can be this small.
  if (head.length < 4) return sniffSubtitles(head);
  if (
    head.length >= 8 &&
    head.readUInt32BE(0) === 0x89504e47 &&
    head.readUInt32BE(4) === 0x0d0a1a0a
  )
    return { family: 'png', type: 'image' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { family: 'jpeg', type: 'image' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { family: 'webp', type: 'image' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return { family: 'wav', type: 'audio' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return { family: 'avi', type: 'video' };
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return { family: 'gif', type: 'image' };
  if (ascii(0, 2) === 'BM' && head.length >= 26) return { family: 'bmp', type: 'image' };
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return { family: 'tiff', type: 'image' };
  if (ascii(0, 4) === 'fLaC') return { family: 'flac', type: 'audio' };
  if (ascii(0, 4) === 'OggS') return { family: 'ogg', type: 'audio' };
  if (
    ascii(0, 3) === 'ID3' ||
    (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0 && ((head[1] ?? 0) & 0x06) !== 0)
  ) {
    // MPEG audio sync word; AAC ADTS also starts 0xFFF but with layer bits 00.
    return { family: ((head[1] ?? 0) & 0x06) === 0 ? 'aac' : 'mp3', type: 'audio' };
  }
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xf6) === 0xf0) return { family: 'aac', type: 'audio' };
  if (head.readUInt32BE(0) === 0x1a45dfa3) return { family: 'webm', type: 'video' };
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return { family: 'avif', type: 'image' };
    if (brand === 'M4A ' || brand === 'M4B ') return { family: 'mp4', type: 'audio' };
    return { family: 'mp4', type: 'video' };
  }
  return sniffSubtitles(head);
}

/** Subtitles are text: WebVTT says so in its first line; SRT starts with a number and a time line. */
function sniffSubtitles(head: Buffer): { family: string; type: AssetType } | null {
  const text =
    head[0] === 0xff && head[1] === 0xfe
      ? new TextDecoder('utf-16le').decode(head)
      : head[0] === 0xfe && head[1] === 0xff
        ? new TextDecoder('utf-16be').decode(head)
        : new TextDecoder('utf-8').decode(head);
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(text)) return { family: 'vtt', type: 'subtitles' };
  if (/^\s*\d+[ \t]*\r?\n[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d/.test(text))
    return { family: 'srt', type: 'subtitles' };
  return null;
}

const familyNames: Record<string, string> = {
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  webp: 'a WebP image',
  gif: 'a GIF image',
  avif: 'an AVIF image',
  tiff: 'a TIFF image',
  bmp: 'a BMP image',
  wav: 'WAV audio',
  mp3: 'MP3 audio',
  flac: 'FLAC audio',
  ogg: 'Ogg audio',
  aac: 'AAC audio',
  mp4: 'an MP4/QuickTime file',
  webm: 'a WebM/Matroska file',
  avi: 'an AVI file',
  srt: 'SRT subtitles',
  vtt: 'WebVTT subtitles',
};

export function describeFamily(family: string): string {
  return familyNames[family] ?? family;
}

/**
 * The type the file really is, or why it cannot be trusted. A same-kind mismatch (a JPEG saved
 * as .png, common with web downloads) is accepted with the content's format; a cross-kind one
 * (a PNG named .mp4) or unrecognised content is refused, since probing would mislead.
 */
export function checkContent(
  file: string,
  head: Buffer,
): { ok: true; type: AssetType; family: string } | { ok: false; reason: string } {
  const expected = kindByExtension(file);
  if (!expected)
    return {
      ok: false,
      reason: `Unsupported file type "${path.extname(file) || '(no extension)'}"`,
    };
  const actual = sniffFamily(head);
  if (!actual) {
    return {
      ok: false,
      reason: `The content is not ${describeFamily(expected.family)} (unrecognised or corrupt data)`,
    };
  }
  // mp4 containers hold audio or video alike: trust the extension's kind for those.
  const sameContainer = actual.family === expected.family && actual.family === 'mp4';
  if (actual.type !== expected.type && !sameContainer) {
    return {
      ok: false,
      reason: `Named ${path.extname(file).toLowerCase()} but the content is ${describeFamily(actual.family)}; rename it with the right extension`,
    };
  }
  return { ok: true, type: expected.type, family: actual.family };
}
