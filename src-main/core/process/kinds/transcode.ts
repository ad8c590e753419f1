import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../../contract/errors';
import { transcodeParams } from '../../../contract/process';
import { defineJobKind } from '../../jobs/registry';
import type { JobKind } from '../../jobs/types';
import { assetIdField, assetTitle, ffmpegPath, loadSource, runFfmpeg } from '../kindSupport';
import { registerOutput } from '../registerOutput';
import { readSubtitles, toSrt, toVtt } from '../../util/subtitleFormats';

const params = transcodeParams.extend(assetIdField);

const formatsFor = {
  image: ['png', 'jpg', 'webp'],
  audio: ['wav', 'mp3', 'flac'],
  video: ['mp4', 'webm'],
  subtitles: ['srt', 'vtt'],
} as const;
type Quality = 'high' | 'medium' | 'small';
const imageQuality: Record<Quality, number> = { high: 92, medium: 82, small: 68 };
const mp3Quality: Record<Quality, string> = { high: '0', medium: '2', small: '5' };
const x264Crf: Record<Quality, number> = { high: 18, medium: 23, small: 28 };
const vp9Crf: Record<Quality, number> = { high: 28, medium: 33, small: 38 };

/** Scale filter that fits the longest edge into maxSize, never enlarging, even dimensions. */
export function fitScaleFilter(maxSize: number): string {
  return `scale='if(gt(iw,ih),min(${maxSize},iw),-2)':'if(gt(iw,ih),-2,min(${maxSize},ih))'`;
}

export function transcodeArgs(
  format: string,
  quality: Quality,
  maxSize: number | undefined,
): string[] {
  switch (format) {
    case 'wav':
      return ['-map', '0:a:0', '-c:a', 'pcm_s16le'];
    case 'flac':
      return ['-map', '0:a:0', '-c:a', 'flac'];
    case 'mp3':
      return ['-map', '0:a:0', '-c:a', 'libmp3lame', '-q:a', mp3Quality[quality]];
    case 'mp4':
      return [
        '-map',
        '0:v:0',
        '-map',
        '0:a?',
        ...(maxSize
          ? ['-vf', fitScaleFilter(maxSize)]
          : ['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2']),
        '-c:v',
        'libx264',
        '-preset',
        quality === 'small' ? 'slow' : 'medium',
        '-crf',
        String(x264Crf[quality]),
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        quality === 'small' ? '96k' : '160k',
        '-movflags',
        '+faststart',
      ];
    case 'webm':
      return [
        '-map',
        '0:v:0',
        '-map',
        '0:a?',
        ...(maxSize ? ['-vf', fitScaleFilter(maxSize)] : []),
        '-c:v',
        'libvpx-vp9',
        '-b:v',
        '0',
        '-crf',
        String(vp9Crf[quality]),
        '-row-mt',
        '1',
        '-deadline',
        'good',
        '-cpu-used',
        '4',
        '-c:a',
        'libopus',
        '-b:a',
        quality === 'small' ? '64k' : '128k',
      ];
    default:
      throw new AppError('invalid_input', `Unknown format ${format}`);
  }
}

export const transcodeKind: JobKind<typeof params> = defineJobKind({
  kind: 'transcode',
  params,
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 2,
  title: async (p, core) =>
    `Convert ${await assetTitle(core, p.assetId)} to ${p.format.toUpperCase()}`,
  async run(ctx, p) {
    const source = await loadSource(
      ctx.core,
      p.assetId,
      ['image', 'audio', 'video', 'subtitles'],
      'Convert',
    );
    const allowed = formatsFor[source.type] as readonly string[];
    if (!allowed.includes(p.format)) {
      throw new AppError(
        'invalid_input',
        `${source.filename} is ${source.type}: it converts to ${allowed.join(', ')}, not ${p.format}.`,
      );
    }
    const out = ctx.tempPath(`out.${p.format}`);
    if (source.type === 'image') {
      ctx.progress(0.1, 'Converting');
      let img = sharp(source.path).rotate();
      if (p.maxSize)
        img = img.resize(p.maxSize, p.maxSize, {
          fit: 'inside',
          withoutEnlargement: true,
          kernel: 'lanczos3',
        });
      const q = imageQuality[p.quality];
      img =
        p.format === 'png'
          ? img.png({ compressionLevel: p.quality === 'small' ? 9 : 6 })
          : p.format === 'jpg'
            ? img.flatten({ background: '#ffffff' }).jpeg({ quality: q, mozjpeg: true })
            : img.webp({ quality: q });
      await img.toFile(out);
    } else if (source.type === 'subtitles') {
      // SRT ↔ WebVTT: the same cues in the other format (styling tags are kept as text).
      const { cues, language } = readSubtitles(await readFile(source.path), source.filename);
      const lang = source.language ?? language ?? undefined;
      await writeFile(out, p.format === 'vtt' ? toVtt(cues, lang) : toSrt(cues));
    } else {
      const ffmpeg = await ffmpegPath(ctx.core);
      await runFfmpeg(
        ctx,
        ffmpeg,
        ['-i', source.path, ...transcodeArgs(p.format, p.quality, p.maxSize), '-y', out],
        source.duration_sec,
      );
    }
    ctx.progress(0.96, 'Saving');
    // ffmpeg is done: the next cpu job may start while this output is hashed and thumbnailed.
    ctx.engineDone();
    const assetId = await registerOutput(ctx.core, {
      source,
      provenance: 'enhanced',
      tempFile: out,
      suffix: p.maxSize ? `${p.maxSize}px` : p.quality === 'high' ? 'converted' : p.quality,
      ext: p.format,
      derivation: {
        kind: 'transcode',
        params: { format: p.format, quality: p.quality, maxSize: p.maxSize ?? null },
        engine:
          source.type === 'image' ? 'sharp' : source.type === 'subtitles' ? 'atelier' : 'ffmpeg',
      },
      jobId: ctx.jobId,
      signal: ctx.signal,
    });
    return { assetIds: [assetId] };
  },
});
