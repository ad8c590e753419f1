import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../../contract/errors';
import { upscaleParams } from '../../../contract/process';
import { readEngineSettings } from '../../engines/engineSettings';
import { probeVulkan } from '../../engines/probeEngines';
import { parseRealEsrganLine, type ProgressParser } from '../../engines/progressParsers';
import { listModels, resolveRealEsrgan } from '../../engines/realesrgan';
import { formatSeconds, tileEta } from '../../engines/tileEta';
import type { VulkanInfo } from '../../../contract/engines';
import type { JobMetrics } from '../../../contract/jobs';
import type { JobContext } from '../../jobs/types';
import { defineJobKind } from '../../jobs/registry';
import type { JobKind } from '../../jobs/types';
import { assetIdField, assetTitle, loadSource } from '../kindSupport';
import { registerOutput } from '../registerOutput';

const params = upscaleParams.extend(assetIdField);

/**
 * Real-ESRGAN's `NN.NN%` lines as progress, the tile count and an ETA measured from the tiles
 * done (none before the first one finishes), and what it runs on when that is the CPU. The
 * metrics go out from `onProgress`, after the job's progress has moved: sent from the parser
 * they would reach the Jobs page with the previous fraction.
 */
export function realEsrganProgress(
  ctx: Pick<JobContext, 'metrics'>,
  device: string | null,
  now: () => number = () => performance.now(),
): { parser: ProgressParser; onProgress: () => void } {
  const eta = tileEta();
  const where = device ? ` on the CPU (${device})` : '';
  let pending: JobMetrics | null = null;
  return {
    parser: {
      feed(line) {
        const p = parseRealEsrganLine(line);
        if (!p) return null;
        const e = eta.update(p.fraction, now());
        pending =
          e.tiles !== null || e.etaSec !== null
            ? {
                ...(e.tiles !== null ? { step: e.tilesDone!, total: e.tiles } : {}),
                ...(e.secPerTile !== null ? { secPerIt: Math.round(e.secPerTile * 10) / 10 } : {}),
                ...(e.etaSec !== null ? { etaSec: e.etaSec } : {}),
              }
            : null;
        const message =
          e.tiles !== null
            ? `Tile ${Math.min(e.tiles, e.tilesDone! + 1)} of ${e.tiles}${e.secPerTile !== null ? `, ${formatSeconds(e.secPerTile)} each` : ''}${where}`
            : `Upscaling the first tile${where}`;
        return { fraction: p.fraction, message };
      },
    },
    onProgress() {
      if (pending) ctx.metrics(pending);
      pending = null;
    },
  };
}

/** The software renderer's short name for messages ("llvmpipe"), or null on a real GPU. */
function softwareDevice(vulkan: VulkanInfo | null): string | null {
  if (!vulkan?.software) return null;
  const first = vulkan.devices[0] ?? '';
  return /llvmpipe|lavapipe/i.test(first)
    ? 'llvmpipe'
    : /swiftshader/i.test(first)
      ? 'SwiftShader'
      : 'software Vulkan';
}

/**
 * Real-ESRGAN through the ncnn-vulkan CLI (a separate program: upscayl-bin is AGPL-3.0). The x4
 * models only do 4×, so 2× and 3× are 4× followed by a lanczos downscale. Without a Vulkan
 * device, `auto` falls back to a plain lanczos resize and says so in the derivation.
 */
export const upscaleKind: JobKind<typeof params> = defineJobKind({
  kind: 'upscale',
  params,
  pools: ['gpu'],
  restart: 'rerun',
  maxAttempts: 2,
  title: async (p, core) => `Upscale ${await assetTitle(core, p.assetId)} ×${p.scale}`,
  async run(ctx, p) {
    const source = await loadSource(ctx.core, p.assetId, ['image'], 'Upscale');
    const meta = await sharp(source.path)
      .metadata()
      .catch((err: Error) => {
        throw new AppError('io_error', `${source.filename} cannot be decoded: ${err.message}`);
      });
    const w = meta.width ?? 0;
    const h = meta.height ?? 0;
    const outW = w * p.scale;
    const outH = h * p.scale;
    const settings = await readEngineSettings(ctx.core.db);
    const esr = resolveRealEsrgan(settings.realesrganPath, settings.realesrganModelsDir);
    let engine: 'realesrgan' | 'lanczos' | 'lanczos-fallback' =
      p.engine === 'lanczos' ? 'lanczos' : 'realesrgan';
    let fallbackReason: string | null = null;
    let vulkan: VulkanInfo | null = null;
    if (engine === 'realesrgan') {
      const problem = !esr.path
        ? 'Real-ESRGAN was not found'
        : !existsSync(esr.path)
          ? `Real-ESRGAN is not at ${esr.path}`
          : !listModels(esr.modelsDir).includes(p.model)
            ? `the model ${p.model} is not in ${esr.modelsDir ?? 'the models folder'}`
            : (vulkan = await probeVulkan(esr.path, esr.modelsDir)).found
              ? null
              : 'no Vulkan device was found';
      if (problem) {
        if (p.engine === 'ai') {
          throw new AppError(
            'engine_missing',
            `Cannot upscale with AI: ${problem}. Set it up in Settings → Engines, or choose the lanczos resize.`,
          );
        }
        engine = 'lanczos-fallback';
        fallbackReason = problem;
        ctx.log('warn', `Using a lanczos resize instead of Real-ESRGAN: ${problem}`);
      }
    }
    ctx.usage(
      engine === 'realesrgan'
        ? { engine: 'Real-ESRGAN', model: p.model }
        : { engine: 'lanczos (sharp)', model: 'lanczos' },
    );
    const out = ctx.tempPath(`out.${p.format}`);
    const encode = (img: Sharp) =>
      p.format === 'png'
        ? img.png()
        : p.format === 'jpg'
          ? img.jpeg({ quality: 95, mozjpeg: true })
          : img.webp({ quality: 95 });
    const cpuDevice = engine === 'realesrgan' ? softwareDevice(vulkan) : null;
    if (engine === 'realesrgan') {
      const x4 = ctx.tempPath('x4.png');
      if (cpuDevice)
        ctx.log(
          'warn',
          `No GPU: Real-ESRGAN runs on the CPU through ${cpuDevice} (${vulkan!.devices.join(', ')}); expect minutes per image. The fast model or a lanczos resize are quicker.`,
        );
      ctx.progress(
        0,
        cpuDevice
          ? `Real-ESRGAN loading on the CPU (${cpuDevice}, no GPU)`
          : 'Real-ESRGAN starting',
      );
      const args = [
        '-i',
        source.path,
        '-o',
        x4,
        '-n',
        p.model,
        '-m',
        esr.modelsDir!,
        '-s',
        '4',
        '-f',
        'png',
      ];
      if (p.tileSize) args.push('-t', String(p.tileSize));
      if (p.gpuIndex !== undefined) args.push('-g', String(p.gpuIndex));
      await ctx.spawn(esr.path!, args, {
        label: 'Real-ESRGAN',
        ...realEsrganProgress(ctx, cpuDevice),
        progressRange: [0, 0.9],
      });
      ctx.metrics({ etaSec: 0 });
      // It reports decode/encode failures yet exits 0: only a decodable file of the right size counts.
      if (!existsSync(x4))
        throw new AppError('internal', 'Real-ESRGAN finished without writing an image');
      const m4 = await sharp(x4)
        .metadata()
        .catch(() => null);
      if (!m4 || m4.width !== w * 4 || m4.height !== h * 4) {
        throw new AppError(
          'internal',
          `Real-ESRGAN wrote an unexpected image (${m4?.width ?? '?'}×${m4?.height ?? '?'}, expected ${w * 4}×${h * 4})`,
        );
      }
      // The GPU is free: the next upscale may start while this one is encoded and registered.
      ctx.engineDone();
      if (p.scale === 4 && p.format === 'png') {
        // Already the file wanted: the engine's own PNG, not a second encode of it.
        await rename(x4, out);
      } else {
        ctx.progress(0.92, p.scale === 4 ? 'Encoding' : `Resizing to ×${p.scale}`);
        await encode(
          p.scale === 4 ? sharp(x4) : sharp(x4).resize(outW, outH, { kernel: 'lanczos3' }),
        ).toFile(out);
      }
    } else {
      ctx.progress(0.1, engine === 'lanczos' ? 'Lanczos resize' : 'Lanczos resize (no AI engine)');
      await encode(sharp(source.path).resize(outW, outH, { kernel: 'lanczos3' })).toFile(out);
    }
    ctx.progress(0.96, 'Saving');
    const assetId = await registerOutput(ctx.core, {
      source,
      provenance: 'enhanced',
      tempFile: out,
      suffix: `x${p.scale}`,
      ext: p.format,
      derivation: {
        kind: 'upscale',
        params: { model: p.model, scale: p.scale, tileSize: p.tileSize, format: p.format },
        engine,
        ...(engine === 'realesrgan'
          ? {
              model: p.model,
              program: path.basename(esr.path!),
              device: vulkan?.devices[0] ?? null,
              ...(cpuDevice ? { softwareVulkan: true } : {}),
            }
          : {}),
        ...(fallbackReason ? { fallbackReason } : {}),
      },
      jobId: ctx.jobId,
      isUpscaled: true,
      signal: ctx.signal,
    });
    return {
      assetIds: [assetId],
      result: {
        engine,
        width: outW,
        height: outH,
        ...(engine === 'realesrgan' ? { model: p.model, softwareVulkan: cpuDevice !== null } : {}),
        ...(fallbackReason ? { fallbackReason } : {}),
      },
    };
  },
});
