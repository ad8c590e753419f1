import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { AppError } from '../../contract/errors';
import type { JobContext } from '../jobs/types';
import { languageTag } from '../../contract/languages';
import { readWavInfo, wavHeader } from './wav';

/** The dub's clips and track: 24 kHz mono 16-bit PCM. */
export const CLIP_RATE = 24_000;

/**
 * The audio speech recognition reads: 16 kHz mono PCM, with a second of silence after it
 * (pocketsphinx and ffmpeg's asr only finish an utterance at a pause).
 */
export async function extractSpeechAudio(
  ctx: JobContext,
  ffmpeg: string,
  src: string,
  out: string,
): Promise<void> {
  await ctx.spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-i',
      src,
      '-vn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-af',
      'apad=pad_dur=1',
      '-c:a',
      'pcm_s16le',
      out,
    ],
    { label: 'ffmpeg' },
  );
}

/** A spoken clip at the dub's format, stretched by `tempo` (rubberband when ffmpeg has it). */
export async function conformClip(
  ctx: JobContext,
  ffmpeg: string,
  input: string,
  out: string,
  tempo: number,
  rubberband: boolean,
): Promise<number> {
  const filters = [
    ...(tempo > 1.001
      ? [rubberband ? `rubberband=tempo=${tempo.toFixed(3)}` : `atempo=${tempo.toFixed(3)}`]
      : []),
    `aresample=${CLIP_RATE}`,
  ];
  await ctx.spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-i',
      input,
      '-af',
      filters.join(','),
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      out,
    ],
    { label: 'ffmpeg' },
  );
  return (await readWavInfo(out)).durationMs;
}

/**
 * The dub track: every clip placed at its cue's start on silence, written as one WAV in a single
 * pass (bounded memory however long the video). A clip that would run into the next one is cut
 * there: its cue is already flagged.
 */
export async function assembleTrack(
  clips: { file: string; startMs: number; endMs: number }[],
  totalMs: number,
  out: string,
): Promise<void> {
  const bytesAt = (ms: number) => Math.round((ms / 1000) * CLIP_RATE) * 2;
  const total = bytesAt(totalMs);
  const ws = createWriteStream(out);
  const write = async (b: Buffer) => {
    if (!ws.write(b)) await once(ws, 'drain');
  };
  const silence = Buffer.alloc(64 * 1024);
  const pad = async (n: number) => {
    while (n > 0) {
      const k = Math.min(n, silence.length);
      await write(silence.subarray(0, k));
      n -= k;
    }
  };
  await write(wavHeader(CLIP_RATE, 1, total));
  let pos = 0;
  for (const c of [...clips].sort((a, b) => a.startMs - b.startMs)) {
    const start = Math.max(pos, bytesAt(c.startMs));
    const limit = Math.min(total, bytesAt(c.endMs));
    if (start >= limit) continue;
    await pad(start - pos);
    pos = start;
    const info = await readWavInfo(c.file);
    if (info.sampleRate !== CLIP_RATE || info.channels !== 1 || info.bitsPerSample !== 16)
      throw new AppError('internal', `${c.file} is not a ${CLIP_RATE} Hz mono clip`);
    const take = Math.min(info.dataBytes, limit - pos) & ~1;
    if (take > 0) {
      const rs = createReadStream(c.file, {
        start: info.dataOffset,
        end: info.dataOffset + take - 1,
      });
      for await (const chunk of rs) await write(chunk as Buffer);
      pos += take;
    }
  }
  await pad(total - pos);
  ws.end();
  await once(ws, 'finish');
  // The header was written before the length was known for certain: make it true.
  const fh = await open(out, 'r+');
  try {
    await fh.write(wavHeader(CLIP_RATE, 1, pos > total ? pos : total), 0, 44, 0);
  } finally {
    await fh.close();
  }
}

/**
 * The dub mixed over the original audio kept at `originalVolume`, loudness-normalised to
 * −16 LUFS (two-pass quality is not needed for speech; one pass of loudnorm is), as AAC.
 */
export async function mixDub(
  ctx: JobContext,
  ffmpeg: string,
  video: string,
  hasAudio: boolean,
  track: string,
  originalVolume: number,
  out: string,
): Promise<void> {
  const graph = hasAudio
    ? `[0:a]aresample=48000,volume=${originalVolume}[bg];[1:a]aresample=48000[fg];[bg][fg]amix=inputs=2:duration=first:normalize=0,loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000[out]`
    : `[1:a]loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000[out]`;
  await ctx.spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-i',
      video,
      '-i',
      track,
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-c:a',
      'aac',
      '-b:a',
      '160k',
      out,
    ],
    { label: 'ffmpeg' },
  );
}

export interface MuxSubtitle {
  file: string;
  lang: string;
}

/**
 * The localised video: the video stream copied, the dub first and default with its language,
 * the original kept after it, soft subtitles in each language (mov_text in MP4, srt in MKV),
 * off by default.
 */
export function muxArgs(o: {
  video: string;
  dub: string;
  dubLang: string;
  originalLang: string;
  keepOriginal: boolean;
  subtitles: MuxSubtitle[];
  out: string;
}): string[] {
  const mp4 = /\.(mp4|m4v|mov)$/i.test(o.out);
  const args = ['-hide_banner', '-nostdin', '-y', '-i', o.video, '-i', o.dub];
  for (const s of o.subtitles) args.push('-i', s.file);
  args.push('-map', '0:v:0', '-map', '1:a:0');
  if (o.keepOriginal) args.push('-map', '0:a:0');
  o.subtitles.forEach((_, i) => args.push('-map', `${i + 2}:0`));
  args.push('-c:v', 'copy', '-c:a', 'copy', '-c:s', mp4 ? 'mov_text' : 'srt');
  args.push('-metadata:s:a:0', `language=${languageTag(o.dubLang)}`, '-disposition:a:0', 'default');
  if (o.keepOriginal)
    args.push(
      '-metadata:s:a:1',
      `language=${languageTag(o.originalLang)}`,
      '-disposition:a:1',
      '0',
    );
  o.subtitles.forEach((s, i) =>
    args.push(`-metadata:s:s:${i}`, `language=${languageTag(s.lang)}`, `-disposition:s:${i}`, '0'),
  );
  if (mp4) args.push('-movflags', '+faststart');
  args.push(o.out);
  return args;
}

/** Subtitles burned into the picture (libass): a separate, re-encoded copy. */
export function burnArgs(video: string, srt: string, out: string): string[] {
  const escaped = srt.replace(/\\/g, '/').replace(/:/g, '\\:').replace(/'/g, "\\'");
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-i',
    video,
    '-map',
    '0',
    '-vf',
    `subtitles='${escaped}'`,
    '-c:v',
    'libx264',
    '-crf',
    '18',
    '-preset',
    'veryfast',
    '-c:a',
    'copy',
    '-c:s',
    'copy',
    out,
  ];
}
