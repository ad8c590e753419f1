import sharp from 'sharp';
import { enhanceParams } from '../../../contract/process';
import { defineJobKind } from '../../jobs/registry';
import type { JobContext, JobKind } from '../../jobs/types';
import { assetIdField, assetTitle, extOf, ffmpegPath, loadSource, runFfmpeg } from '../kindSupport';
import { loudnormSecondPass, parseLoudnormJson } from '../loudnorm';
import { registerOutput } from '../registerOutput';
import { videoCodecArgs, videoDenoiseFilter } from './denoiseVideo';

const params = enhanceParams.extend(assetIdField);

/** First loudnorm pass: measure only (no output file), progress 0 → `upTo`. */
async function measureLoudness(
  ctx: JobContext,
  ffmpeg: string,
  file: string,
  duration: number | null,
  target: { i: number; tp: number; lra: number },
  upTo: number,
) {
  const r = await runFfmpeg(
    ctx,
    ffmpeg,
    [
      '-i',
      file,
      '-map',
      '0:a:0',
      '-af',
      `loudnorm=I=${target.i}:TP=${target.tp}:LRA=${target.lra}:print_format=json`,
      '-f',
      'null',
      '-',
    ],
    duration,
    {
      range: [0, upTo],
      loglevel: 'info',
      captureStderr: true,
      label: 'ffmpeg (loudness measurement)',
    },
  );
  return parseLoudnormJson(r.stderr);
}

const imageExt = (ext: string) =>
  ext === 'jpg' || ext === 'jpeg' ? 'jpg' : ext === 'webp' ? 'webp' : 'png';

/**
 * One "make it better" per media type: images are normalised and sharpened, audio is brought to
 * a loudness target with two-pass loudnorm, video is denoised and its audio normalised.
 */
export const enhanceKind: JobKind<typeof params> = defineJobKind({
  kind: 'enhance',
  params,
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 2,
  title: async (p, core) => `Enhance ${await assetTitle(core, p.assetId)}`,
  async run(ctx, p) {
    const source = await loadSource(ctx.core, p.assetId, ['image', 'audio', 'video'], 'Enhance');
    const target = { i: p.targetLufs, tp: p.truePeak, lra: 11 };
    let out: string;
    let ext: string;
    let derivation: Record<string, unknown>;
    if (source.type === 'image') {
      ext = imageExt(extOf(source.path));
      out = ctx.tempPath(`out.${ext}`);
      ctx.progress(0.1, 'Normalising and sharpening');
      let img = sharp(source.path).rotate().normalise();
      if (p.sharpen > 0) img = img.sharpen({ sigma: p.sharpen });
      await (
        ext === 'png'
          ? img.png()
          : ext === 'jpg'
            ? img.jpeg({ quality: 95, mozjpeg: true })
            : img.webp({ quality: 95 })
      ).toFile(out);
      derivation = {
        kind: 'enhance',
        params: { sharpen: p.sharpen },
        engine: 'sharp',
        steps: ['normalise', 'sharpen'],
      };
    } else {
      const ffmpeg = await ffmpegPath(ctx.core);
      const hasAudio = source.type === 'audio' || source.has_audio === 1;
      const second = hasAudio
        ? loudnormSecondPass(
            target,
            await measureLoudness(ctx, ffmpeg, source.path, source.duration_sec, target, 0.45),
          )
        : null;
      if (source.type === 'audio') {
        ext = ['wav', 'flac', 'mp3', 'ogg', 'm4a'].includes(extOf(source.path))
          ? extOf(source.path)
          : 'wav';
        out = ctx.tempPath(`out.${ext}`);
        // loudnorm works at 192 kHz internally; resample back to the source rate.
        const rate = source.sample_rate ? ['-ar', String(source.sample_rate)] : [];
        await runFfmpeg(
          ctx,
          ffmpeg,
          ['-i', source.path, '-map', '0:a:0', '-af', second!, ...rate, '-y', out],
          source.duration_sec,
          { range: [0.45, 0.95] },
        );
        derivation = {
          kind: 'enhance',
          params: { targetLufs: p.targetLufs, truePeak: p.truePeak },
          engine: 'ffmpeg',
          filter: second,
        };
      } else {
        ext = extOf(source.path) === 'webm' ? 'webm' : 'mp4';
        out = ctx.tempPath(`out.${ext}`);
        const vf = videoDenoiseFilter('hqdn3d', 0.5);
        const audio = second ? ['-af', `${second},aresample=48000`] : [];
        await runFfmpeg(
          ctx,
          ffmpeg,
          [
            '-i',
            source.path,
            '-map',
            '0:v:0',
            '-map',
            '0:a?',
            '-vf',
            vf,
            ...audio,
            ...videoCodecArgs(ext, 18),
            '-y',
            out,
          ],
          source.duration_sec,
          { range: [hasAudio ? 0.45 : 0, 0.95] },
        );
        derivation = {
          kind: 'enhance',
          params: { targetLufs: p.targetLufs, truePeak: p.truePeak },
          engine: 'ffmpeg',
          videoFilter: vf,
          audioFilter: second,
        };
      }
    }
    ctx.progress(0.96, 'Saving');
    // ffmpeg is done: the next cpu job may start while this output is hashed and thumbnailed.
    ctx.engineDone();
    const assetId = await registerOutput(ctx.core, {
      source,
      provenance: 'enhanced',
      tempFile: out,
      suffix: 'enhanced',
      ext,
      derivation: derivation as { kind: string; params: unknown },
      jobId: ctx.jobId,
      signal: ctx.signal,
    });
    return { assetIds: [assetId] };
  },
});
