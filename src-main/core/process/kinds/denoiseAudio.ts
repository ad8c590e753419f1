import { denoiseAudioParams } from '../../../contract/process';
import { defineJobKind } from '../../jobs/registry';
import type { JobKind } from '../../jobs/types';
import { assetIdField, assetTitle, extOf, ffmpegPath, loadSource, runFfmpeg } from '../kindSupport';
import { registerOutput } from '../registerOutput';

const params = denoiseAudioParams.extend(assetIdField);

/** strength 0..1 → filter settings; 0.5 is each filter's usual setting (afftdn nr=12). */
export function audioDenoiseFilter(method: 'afftdn' | 'anlmdn', strength: number): string {
  if (method === 'afftdn') return `afftdn=nr=${(2 + 20 * strength).toFixed(1)}:nf=-50:tn=1`;
  return `anlmdn=s=${(0.00001 * 10 ** (3 * strength)).toPrecision(3)}`;
}

const keepExt = new Set(['wav', 'flac', 'mp3', 'ogg', 'm4a', 'opus']);

export const denoiseAudioKind: JobKind<typeof params> = defineJobKind({
  kind: 'denoise_audio',
  params,
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 2,
  title: async (p, core) => `Denoise ${await assetTitle(core, p.assetId)} (${p.method})`,
  async run(ctx, p) {
    const source = await loadSource(ctx.core, p.assetId, ['audio'], 'Audio denoise');
    const ffmpeg = await ffmpegPath(ctx.core);
    const ext = keepExt.has(extOf(source.path)) ? extOf(source.path) : 'wav';
    const out = ctx.tempPath(`out.${ext}`);
    const filter = audioDenoiseFilter(p.method, p.strength);
    await runFfmpeg(
      ctx,
      ffmpeg,
      ['-i', source.path, '-map', '0:a:0', '-af', filter, '-y', out],
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
        kind: 'denoise_audio',
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
