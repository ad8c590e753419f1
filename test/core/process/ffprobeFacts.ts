// An independent ffprobe/sharp reading of a file: the tests check outputs against it rather
// than against the code that registered them.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../src-main/contract/errors';
import type { AssetType } from '../../../src-main/core/db/schema';
import { runProgram } from '../../../src-main/core/engines/runProgram';
import { mimeOf } from '../../../src-main/core/util/mime';

export interface MediaFacts {
  type: AssetType;
  mime: string;
  sizeBytes: number;
  mtimeMs: number;
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
}

const imageExts = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.gif',
  '.avif',
  '.tif',
  '.tiff',
  '.bmp',
]);
const audioExts = new Set(['.wav', '.mp3', '.flac', '.ogg', '.m4a', '.aac', '.opus']);

export function typeByExtension(file: string): AssetType | null {
  const ext = path.extname(file).toLowerCase();
  if (imageExts.has(ext)) return 'image';
  if (audioExts.has(ext)) return 'audio';
  if (['.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi'].includes(ext)) return 'video';
  return null;
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
};

function frameRate(r: unknown): number | null {
  if (typeof r !== 'string') return null;
  const [a, b] = r.split('/').map(Number);
  if (!a || !b) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/**
 * Facts about a media file, and proof it decodes: sharp for images (0.1 ms), ffprobe for audio
 * and video. A file that does not decode is an error, so a broken output is never registered.
 */
export async function probeMedia(
  file: string,
  ffprobe: string | null,
  signal?: AbortSignal,
): Promise<MediaFacts> {
  const st = statSync(file);
  const type = typeByExtension(file);
  if (!type)
    throw new AppError('invalid_input', `Not a media file Atelier knows: ${path.basename(file)}`);
  const base = { type, mime: mimeOf(file), sizeBytes: st.size, mtimeMs: Math.floor(st.mtimeMs) };
  if (type === 'image') {
    let m;
    try {
      m = await sharp(file).metadata();
    } catch (err) {
      throw new AppError(
        'io_error',
        `${path.basename(file)} is not a readable image: ${(err as Error).message}`,
      );
    }
    return {
      ...base,
      width: m.width ?? null,
      height: m.height ?? null,
      durationSec: null,
      sampleRate: null,
      channels: m.channels ?? null,
      fps: null,
      codec: m.format ?? null,
      audioCodec: null,
      bitRate: null,
      format: m.format ?? null,
      hasAlpha: !!m.hasAlpha,
      hasAudio: false,
      isAnimated: (m.pages ?? 1) > 1,
    };
  }
  if (!ffprobe)
    throw new AppError(
      'engine_missing',
      'ffprobe was not found. Install ffmpeg, or set its path in Settings → Engines.',
    );
  let out = '';
  await runProgram(
    ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    {
      label: 'ffprobe',
      signal,
      onLine: (stream, line) => {
        if (stream === 'stdout') out += line + '\n';
      },
    },
  );
  let data: { format?: Record<string, unknown>; streams?: Record<string, unknown>[] };
  try {
    data = JSON.parse(out);
  } catch {
    throw new AppError('io_error', `ffprobe could not read ${path.basename(file)}`);
  }
  const streams = data.streams ?? [];
  const v = streams.find(
    (s) =>
      s.codec_type === 'video' &&
      (s.disposition as { attached_pic?: number } | undefined)?.attached_pic !== 1,
  );
  const a = streams.find((s) => s.codec_type === 'audio');
  if (type === 'video' && !v)
    throw new AppError('io_error', `${path.basename(file)} has no video stream`);
  if (type === 'audio' && !a)
    throw new AppError('io_error', `${path.basename(file)} has no audio stream`);
  return {
    ...base,
    width: num(v?.width),
    height: num(v?.height),
    durationSec: num(data.format?.duration) ?? num(v?.duration) ?? num(a?.duration),
    sampleRate: num(a?.sample_rate),
    channels: num(a?.channels),
    fps: frameRate(v?.avg_frame_rate) ?? frameRate(v?.r_frame_rate),
    codec: (type === 'video' ? (v?.codec_name as string) : (a?.codec_name as string)) ?? null,
    audioCodec: (a?.codec_name as string) ?? null,
    bitRate: num(data.format?.bit_rate),
    format: (data.format?.format_name as string) ?? null,
    hasAlpha: false,
    hasAudio: !!a,
    isAnimated: false,
  };
}
