import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { METADATA_TRUNCATED_KEY, type GenerationInfo } from '../../contract/library';
import type { DataDirLayout } from '../datadir/dataDir';
import type { AssetType } from '../db/schema';
import { mimeOf } from '../util/mime';
import { checkContent } from './fileType';
import { sha256OfBuffer, sha256OfFile } from './hash';
import { IngestError } from '../util/ingestError';
import { parseGeneration } from './metadata/dialects';
import { probeImage } from './probeImage';
import { probeMedia } from './probeMedia';
import { MAX_SUBTITLE_BYTES, probeSubtitles } from './probeSubtitles';

/** Images are read whole (hash and decode share one read); larger ones are refused. */
const MAX_IMAGE_BYTES = 512 * 1024 * 1024;
const MAX_RAW_TEXT = 64 * 1024;
/** Two hours of speech is ~120 KB of text: the search index keeps at most this much of a file. */
const MAX_SAID = 256 * 1024;

export interface ProbeData {
  width: number | null;
  height: number | null;
  durationSec: number | null;
  sampleRate: number | null;
  channels: number | null;
  fps: number | null;
  codec: string | null;
  audioCodec: string | null;
  bitRate: number | null;
  format: string | null;
  hasAlpha: boolean;
  hasAudio: boolean;
  isAnimated: boolean;
  orientation: number | null;
  phash: string | null;
  generation: GenerationInfo | null;
  raw: Record<string, string> | null;
  /** A subtitle file's language (two-letter code), when it says or its name does. */
  language: string | null;
  /** What a subtitle file says (its cues' text), for search. */
  said: string | null;
}

/** A file read, hashed and (unless its bytes are already known) probed: ready to commit. */
export interface PreparedFile {
  path: string;
  filename: string;
  ext: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  type: AssetType;
  mime: string;
  /** Null when the probe was skipped because an asset with these bytes already exists. */
  probe: ProbeData | null;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export async function stampOf(file: string): Promise<FileStamp> {
  const s = await stat(file);
  if (!s.isFile())
    throw new IngestError(
      'unsupported',
      s.isDirectory() ? 'This is a folder, not a file' : 'Not a regular file',
    );
  return { size: s.size, mtimeMs: Math.floor(s.mtimeMs) };
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Reads, checks, hashes and probes one file. `knownSha` tells it which bytes already have an
 * asset with thumbnails, so an exact duplicate or a moved file costs only its hash.
 */
export async function prepareFile(
  file: string,
  stamp: FileStamp,
  layout: DataDirLayout,
  hasProbedAsset: (sha256: string) => boolean,
  /**
   * `pictures: false`: audio and video get their facts only, no waveform or poster (images always
   * get thumbnails). `language`: a subtitle file's language when its maker knows it (a
   * localisation), for its card and row.
   */
  options: { pictures?: boolean; language?: string | null } = {},
): Promise<PreparedFile> {
  if (stamp.size === 0) throw new IngestError('empty', 'The file is empty (0 bytes)');
  const head = await readHead(file);
  const check = checkContent(file, head);
  if (!check.ok) {
    throw new IngestError(
      /^Unsupported/.test(check.reason)
        ? 'unsupported'
        : /^Named/.test(check.reason)
          ? 'mislabelled'
          : 'corrupt',
      check.reason,
    );
  }
  const base = {
    path: file,
    filename: path.basename(file),
    ext: path.extname(file).slice(1).toLowerCase(),
    size: stamp.size,
    mtimeMs: stamp.mtimeMs,
    type: check.type,
    mime: mimeFor(check.family, file),
  };

  if (check.type === 'image') {
    if (stamp.size > MAX_IMAGE_BYTES)
      throw new IngestError(
        'too_large',
        `The image file is over ${MAX_IMAGE_BYTES / 1024 / 1024} MB`,
      );
    const buf = await readFile(file);
    if (buf.length !== stamp.size)
      throw new IngestError('vanished', 'The file changed while it was being read');
    const sha256 = await sha256OfBuffer(buf);
    if (hasProbedAsset(sha256)) return { ...base, sha256, probe: null };
    const img = await probeImage(buf, sha256, layout);
    const generation = parseGeneration(img.texts);
    return {
      ...base,
      sha256,
      probe: {
        width: img.width,
        height: img.height,
        durationSec: null,
        sampleRate: null,
        channels: null,
        fps: null,
        codec: null,
        audioCodec: null,
        bitRate: null,
        format: img.format,
        hasAlpha: img.hasAlpha,
        hasAudio: false,
        isAnimated: img.isAnimated,
        orientation: img.orientation,
        phash: img.phash,
        generation,
        raw: withTruncation(trimRaw(img.texts), img.metadataTruncated),
        language: null,
        said: null,
      },
    };
  }

  if (check.type === 'subtitles') {
    if (stamp.size > MAX_SUBTITLE_BYTES)
      throw new IngestError(
        'too_large',
        `A subtitle file over ${MAX_SUBTITLE_BYTES / 1024 / 1024} MB is not subtitles`,
      );
    const buf = await readFile(file);
    if (buf.length !== stamp.size)
      throw new IngestError('vanished', 'The file changed while it was being read');
    const sha256 = await sha256OfBuffer(buf);
    if (hasProbedAsset(sha256)) return { ...base, sha256, probe: null };
    const sub = await probeSubtitles(
      buf,
      check.family,
      base.filename,
      sha256,
      layout,
      options.language ?? null,
    );
    return {
      ...base,
      sha256,
      probe: {
        width: null,
        height: null,
        durationSec: sub.durationSec,
        sampleRate: null,
        channels: null,
        fps: null,
        codec: check.family === 'vtt' ? 'webvtt' : 'subrip',
        audioCodec: null,
        bitRate: null,
        format: check.family,
        hasAlpha: false,
        hasAudio: false,
        isAnimated: false,
        orientation: null,
        // A text card's picture says nothing about the text: never a near-duplicate by look.
        phash: null,
        generation: null,
        raw: null,
        language: sub.language,
        said: spokenText(sub.cues),
      },
    };
  }

  const { sha256, bytes } = await sha256OfFile(file);
  if (bytes !== stamp.size)
    throw new IngestError('vanished', 'The file changed while it was being read');
  if (hasProbedAsset(sha256)) return { ...base, sha256, probe: null };
  const media = await probeMedia(file, check.type, sha256, layout, options);
  const generation = parseGeneration(media.texts);
  return {
    ...base,
    sha256,
    probe: {
      width: media.width,
      height: media.height,
      durationSec: media.durationSec,
      sampleRate: media.sampleRate,
      channels: media.channels,
      fps: media.fps,
      codec: media.codec,
      audioCodec: media.audioCodec,
      bitRate: media.bitRate,
      format: media.format,
      hasAlpha: false,
      hasAudio: media.hasAudio,
      isAnimated: check.type === 'video',
      orientation: null,
      phash: media.phash,
      generation,
      raw: trimRaw(media.texts),
      language: null,
      said: null,
    },
  };
}

/**
 * The asset columns that describe the file itself (not its curation or generation facts):
 * one mapping for ingest, job outputs and the refresh job kinds.
 */
export function fileColumns(f: PreparedFile, p: ProbeData) {
  return {
    type: f.type,
    mime: f.mime,
    sha256: f.sha256,
    phash: p.phash,
    size_bytes: f.size,
    mtime_ms: f.mtimeMs,
    width: p.width,
    height: p.height,
    duration_sec: p.durationSec,
    sample_rate: p.sampleRate,
    channels: p.channels,
    fps: p.fps,
    codec: p.codec,
    audio_codec: p.audioCodec,
    bit_rate: p.bitRate,
    format: p.format,
    has_alpha: p.hasAlpha ? 1 : 0,
    has_audio: p.hasAudio ? 1 : 0,
    is_animated: p.isAnimated ? 1 : 0,
    orientation: p.orientation,
    // Null when the file does not say: writers keep a language already recorded (coalesce).
    language: p.language,
    thumb_key: f.sha256,
  };
}

function mimeFor(family: string, file: string): string {
  const byFamily: Record<string, string> = {
    png: 'image/png',
    jpeg: 'image/jpeg',
    webp: 'image/webp',
    gif: 'image/gif',
    avif: 'image/avif',
    tiff: 'image/tiff',
    bmp: 'image/bmp',
    wav: 'audio/wav',
    flac: 'audio/flac',
    mp3: 'audio/mpeg',
    srt: 'application/x-subrip',
    vtt: 'text/vtt',
  };
  return byFamily[family] ?? mimeOf(file);
}

/** A subtitle file's words for the search index: its cues without markup, within a bound. */
function spokenText(cues: { text: string }[]): string {
  let out = '';
  for (const c of cues) {
    out += `${c.text.replace(/<[^>]*>|\{\\[^}]*\}/g, '').replace(/\s+/g, ' ')}\n`;
    if (out.length > MAX_SAID) return out.slice(0, MAX_SAID);
  }
  return out;
}

/** Raw text is kept for the user to read, but a workflow JSON can be megabytes: cap each field. */

function withTruncation(
  raw: Record<string, string> | null,
  reason: string | null,
): Record<string, string> | null {
  return reason ? { ...raw, [METADATA_TRUNCATED_KEY]: reason } : raw;
}

function trimRaw(texts: Record<string, string>): Record<string, string> | null {
  const entries = Object.entries(texts);
  if (entries.length === 0) return null;
  return Object.fromEntries(
    entries.map(([k, v]) => [k, v.length > MAX_RAW_TEXT ? `${v.slice(0, MAX_RAW_TEXT)}…` : v]),
  );
}
