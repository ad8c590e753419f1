import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataDirLayout } from '../datadir/dataDir';
import { uuidv7 } from '../util/ids';
import { IngestError } from '../util/ingestError';
import {
  drawPcmWavPictures,
  drawVideoPictures,
  engineReason,
  ffTool,
  keepWaveform,
  renderWaveformWithFfmpeg,
  runFf,
} from '../thumbs/mediaPictures';
import { readWavInfo } from '../thumbs/wav';

export interface MediaProbe {
  durationSec: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codec: string | null;
  audioCodec: string | null;
  sampleRate: number | null;
  channels: number | null;
  bitRate: number | null;
  hasAudio: boolean;
  hasVideo: boolean;
  format: string | null;
  phash: string | null;
  /** Container tags (title, comment, encoder…), where generators sometimes leave prompts. */
  texts: Record<string, string>;
}

interface FfStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  bit_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}
interface FfProbeJson {
  streams?: FfStream[];
  format?: {
    format_name?: string;
    duration?: string;
    bit_rate?: string;
    tags?: Record<string, string>;
  };
}

const num = (v: string | number | undefined): number | null => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? n : null;
};

/** "30000/1001" → 29.97; "0/0" → null. */
export function parseFrameRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [a, b] = rate.split('/').map(Number);
  if (!a || !Number.isFinite(a)) return null;
  const v = b ? a / b : a;
  return Number.isFinite(v) && v > 0 ? Math.round(v * 1000) / 1000 : null;
}

export function parseFfprobe(json: FfProbeJson): Omit<MediaProbe, 'phash'> {
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(json.format?.tags ?? {}))
    if (typeof v === 'string' && v.trim()) texts[k] = v;
  return {
    durationSec: num(json.format?.duration) ?? num(video?.duration) ?? num(audio?.duration),
    width: video?.width ?? null,
    height: video?.height ?? null,
    fps: parseFrameRate(video?.avg_frame_rate) ?? parseFrameRate(video?.r_frame_rate),
    codec: video?.codec_name ?? audio?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    sampleRate: num(audio?.sample_rate),
    channels: audio?.channels ?? null,
    bitRate: num(json.format?.bit_rate) ?? num(audio?.bit_rate),
    hasAudio: Boolean(audio),
    hasVideo: Boolean(video),
    format: json.format?.format_name ?? null,
    texts,
  };
}

/**
 * Probes audio or video with ffprobe, then makes the picture the library shows: a poster frame
 * for video, a waveform for audio, both turned into the usual WebP thumbnails under `key`.
 * With `pictures: false` only the facts are read; drawMediaPictures makes the pictures later
 * (job outputs: see media/deferredPictures.ts).
 */
export async function probeMedia(
  file: string,
  kind: 'audio' | 'video',
  key: string,
  layout: DataDirLayout,
  options: { pictures?: boolean } = {},
): Promise<MediaProbe> {
  const pictures = options.pictures !== false;
  if (kind === 'audio') {
    const fast = await probePcmWav(file, key, layout, pictures);
    if (fast) return fast;
  }
  if (!pictures) return { ...(await probeFacts(file, kind)), phash: null };
  if (kind === 'video') {
    const parsed = await probeFacts(file, kind);
    return { ...parsed, phash: await drawVideoPictures(file, parsed.durationSec, key, layout) };
  }
  // An audio waveform does not depend on the probe: ffmpeg draws it while ffprobe reads the file,
  // and it becomes thumbnails only once the probe has accepted the file (its message is clearer
  // than the waveform's, and a rejected file leaves nothing under its hash).
  const tmp = path.join(layout.tmp, `${uuidv7()}.png`);
  const wave = renderWaveformWithFfmpeg(file, tmp).then(
    () => null,
    (err: unknown) => err,
  );
  try {
    const parsed = await probeFacts(file, kind);
    const waveError = await wave;
    if (waveError) throw waveError as Error;
    await keepWaveform(tmp, key, layout);
    // Waveforms of different sounds look alike to a perceptual hash: leave it empty for audio.
    return { ...parsed, phash: null };
  } finally {
    // Never remove the temp file under a waveform still being drawn.
    await wave;
    await rm(tmp, { force: true });
  }
}

async function probeFacts(
  file: string,
  kind: 'audio' | 'video',
): Promise<Omit<MediaProbe, 'phash'>> {
  let parsed: Omit<MediaProbe, 'phash'>;
  try {
    const r = await runFf(ffTool('ffprobe'), [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      file,
    ]);
    parsed = parseFfprobe(JSON.parse(r.stdout) as FfProbeJson);
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError('corrupt', `ffprobe could not read it: ${engineReason(err)}`);
  }
  if (kind === 'video' && !parsed.hasVideo)
    throw new IngestError('corrupt', 'No video stream found in the file');
  if (kind === 'audio' && !parsed.hasAudio)
    throw new IngestError('corrupt', 'No audio stream found in the file');
  return parsed;
}

/** PCM WAV without child processes (see wav.ts); null means "let ffprobe decide". */
async function probePcmWav(
  file: string,
  key: string,
  layout: DataDirLayout,
  pictures: boolean,
): Promise<MediaProbe | null> {
  if (!/\.wav$/i.test(file)) return null;
  const info = await readWavInfo(file, (await stat(file)).size).catch(() => null);
  if (!info) return null;
  if (info.dataBytes === 0) throw new IngestError('corrupt', 'The WAV file has no audio samples');
  if (pictures) await drawPcmWavPictures(file, info, key, layout);
  return {
    durationSec: Math.round(info.durationSec * 1e6) / 1e6,
    width: null,
    height: null,
    fps: null,
    codec: info.codec,
    audioCodec: info.codec,
    sampleRate: info.sampleRate,
    channels: info.channels,
    bitRate: info.bitRate,
    hasAudio: true,
    hasVideo: false,
    format: 'wav',
    phash: null,
    texts: info.texts,
  };
}
