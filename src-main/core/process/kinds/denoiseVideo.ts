import { denoiseVideoParams } from '../../../contract/process';
import { defineJobKind } from '../../jobs/registry';
import type { JobKind } from '../../jobs/types';
import { assetIdField, assetTitle, extOf, ffmpegPath, loadSource, runFfmpeg } from '../kindSupport';
import { registerOutput } from '../registerOutput';

const params = denoiseVideoParams.extend(assetIdField);

/** strength 0.5 gives the documented defaults: hqdn3d=4:3:6:4.5, nlmeans s=3. */
export function videoDenoiseFilter(method: 'hqdn3d' | 'nlmeans', strength: number): string {
  const k = strength * 2;
  if (method === 'hqdn3d')
    return `hqdn3d=${(4 * k).toFixed(2)}:${(3 * k).toFixed(2)}:${(6 * k).toFixed(2)}:${(4.5 * k).toFixed(2)}`;
  return `nlmeans=s=${Math.max(1, 6 * strength).toFixed(2)}:p=7:r=15`;
}

/** Video encoder arguments for a container: H.264 for mp4/mov/mkv, VP9 for webm. */
export function videoCodecArgs(ext: string, crf: number): string[] {
  if (ext === 'webm')
    return [
      '-c:v',
      'libvpx-vp9',
      '-b:v',
      '0',
      '-crf',
      String(crf + 13),
      '-row-mt',
      '1',
      '-c:a',
      'libopus',
    ];
  return [
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-crf',
    String(crf),
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '192k',
    '-movflags',
    '+faststart',
  ];
}

export const denoiseVideoKind: JobKind<typeof params> = defineJobKind({
  kind: 'denoise_video',
  params,
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 2,
  title: async (p, core) => `Denoise ${await assetTitle(core, p.assetId)} (${p.method})`,
  async run(ctx, p) {
    const source = await loadSource(ctx.core, p.assetId, ['video'], 'Video denoise');
    const ffmpeg = await ffmpegPath(ctx.core);
    const ext = extOf(source.path) === 'webm' ? 'webm' : 'mp4';
    const out = ctx.tempPath(`out.${ext}`);
    const filter = videoDenoiseFilter(p.method, p.strength);
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
        filter,
        ...videoCodecArgs(ext, 18),
        '-y',
        out,
      ],
      source.duration_sec,
    );
    // ffmpeg is done: the next cpu job may start while this output is hashed and thumbnailed.
    ctx.engineDone();
    const assetId = await registerOutput(ctx.core, {
      source,
      provenance: 'enhanced',
      tempFile: out,
      suffix: 'denoised',
      ext,
      derivation: {
        kind: 'denoise_video',
        params: { method: p.method, strength: p.strength },
        engine: 'ffmpeg',
        filter,
      },
      jobId: ctx.jobId,
      signal: ctx.signal,
    });
    return { assetIds: [assetId], result: { filter } };
  },
});
