import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../contract/errors';
import { readEngineSettings } from '../../engines/engineSettings';
import { resolveFfTool } from '../../engines/ffmpeg';
import { parseSdCppLine } from '../../engines/progressParsers';
import { requirePath } from '../../engines/resolveEngines';
import { resolveSdCpp } from '../../engines/sdcpp';
import type { JobContext } from '../../jobs/types';
import type { EngineAdapter, ItemRequest } from './types';

/** sd.cpp's own log line, `[WARN ] common.cpp:2179 - can not found lora loras/x`, without the source location. */
function logText(line: string): { level: string; text: string } | null {
  const m = /^\[(INFO|WARN|ERROR|DEBUG)\s*\]\s*(?:\S+:\d+\s*-\s*)?(.*)$/.exec(line.trim());
  return m ? { level: m[1]!, text: m[2]!.trim() } : null;
}

/** A warning in words a creator acts on. */
export function sdCppWarning(text: string): string {
  const lora = /can not found lora (.+)$/i.exec(text);
  if (lora) {
    const name = path.basename(lora[1]!.trim());
    return `sd-cli did not find the LoRA “${name}”; the image was made without it`;
  }
  return `sd-cli: ${text}`;
}

/**
 * LoRAs can live in several folders, sd-cli reads one: a folder of links named as the prompt
 * calls them, in the job's temp space, so any layout works and nothing is copied.
 */
function loraFolder(ctx: JobContext, req: ItemRequest): { dir: string; tags: string } | null {
  if (!req.loras.length) return null;
  const dir = path.join(path.dirname(ctx.tempPath('x')), 'loras');
  mkdirSync(dir, { recursive: true });
  const tags: string[] = [];
  req.loras.forEach(({ model, weight }, i) => {
    const file = model.files.find((f) => f.location === 'local');
    if (!file)
      throw new AppError('not_found', `The LoRA “${model.name}” has no file on this computer`);
    // sd.cpp finds `<lora:NAME:w>` as NAME + a weights extension in the folder.
    const ext = path.extname(file.path).toLowerCase() === '.gguf' ? '.gguf' : '.safetensors';
    const name = `lora${i}_${model.name.replace(/[^\w.-]+/g, '_')}`;
    const link = path.join(dir, name + ext);
    if (!existsSync(link)) symlinkSync(file.path, link);
    tags.push(`<lora:${name}:${weight}>`);
  });
  return { dir, tags: tags.join(' ') };
}

export function sdCliArgs(
  req: ItemRequest,
  modelPath: string,
  out: string,
  lora: { dir: string; tags: string } | null,
): string[] {
  const p = req.params;
  const args = ['-m', modelPath, '-p', lora ? `${p.prompt} ${lora.tags}` : p.prompt];
  if (p.negative) args.push('-n', p.negative);
  args.push('-W', String(p.width), '-H', String(p.height), '--steps', String(p.steps));
  args.push('--cfg-scale', String(p.cfg), '-s', String(p.seed));
  if (p.sampler) args.push('--sampling-method', p.sampler);
  if (p.scheduler) args.push('--scheduler', p.scheduler);
  if (p.clipSkip) args.push('--clip-skip', String(p.clipSkip));
  if (req.init && p.init) args.push('-i', req.init.path, '--strength', String(p.init.strength));
  if (lora) args.push('--lora-model-dir', lora.dir);
  if (p.video) {
    args.unshift('-M', 'vid_gen');
    args.push('--video-frames', String(p.video.frames), '--fps', String(p.video.fps));
    if (p.video.flowShift !== undefined) args.push('--flow-shift', String(p.video.flowShift));
  }
  args.push('-o', out);
  return args;
}

/**
 * stable-diffusion.cpp's CLI, one image per run: progress from its `\r` bar, WARN lines (on
 * stdout) kept as the item's warnings — a LoRA it cannot find is only a warning and exit 0 —
 * ERROR lines (stderr) as the failure's words.
 */
export const sdCliAdapter: EngineAdapter = async (ctx, req) => {
  const settings = await readEngineSettings(ctx.core.db);
  const bin = requirePath(resolveSdCpp(settings.sdcppPath), 'stable-diffusion.cpp (sd-cli)');
  const modelFile = req.model.files.find((f) => f.location === 'local');
  if (!modelFile)
    throw new AppError('not_found', `“${req.model.name}” has no file on this computer for sd-cli`);
  const video = !!req.params.video;
  const out = ctx.tempPath(video ? 'out.avi' : 'out.png');
  const lora = loraFolder(ctx, req);
  const args = sdCliArgs(req, modelFile.path, out, lora);
  const warnings: string[] = [];
  const errors: string[] = [];
  ctx.progress(0, 'Loading the model');
  ctx.usage({ engine: 'stable-diffusion.cpp', model: req.model.name });
  const run = await ctx.spawn(bin, args, {
    label: 'sd-cli',
    parser: {
      feed(line) {
        const p = parseSdCppLine(line);
        const m = p && /\|\s*(\d+)\/(\d+) - ([\d.]+)(s\/it|it\/s)/.exec(line);
        if (m) {
          const rate = Number(m[3]);
          ctx.metrics({
            step: Number(m[1]),
            total: Number(m[2]),
            ...(m[4] === 'it/s' ? { itPerSec: rate } : { secPerIt: rate }),
          });
        }
        return p;
      },
    },
    progressRange: [0.02, 0.95],
    tailLines: 40,
    allowFailure: true,
    onLine: (_stream, line) => {
      const l = logText(line);
      if (l?.level === 'WARN') warnings.push(sdCppWarning(l.text));
      if (l?.level === 'ERROR') errors.push(l.text);
    },
  });
  if (run.exitCode !== 0) {
    const why = errors.length ? errors.join('; ') : run.stderrTail.slice(-3).join(' | ');
    const load = errors.some((e) => /init model loader|get sd version|load.*failed/i.test(e));
    throw new AppError(
      'engine_failed',
      load
        ? `sd-cli could not load “${req.model.name}” (${modelFile.path}): ${why}`
        : `sd-cli exited with code ${run.exitCode}: ${why || 'no message'}`,
      { exitCode: run.exitCode, errors },
    );
  }
  if (!existsSync(out))
    throw new AppError('engine_failed', `sd-cli finished without writing ${path.basename(out)}`);
  ctx.engineDone();
  let file = out;
  let ext: 'png' | 'mp4' = 'png';
  if (video) {
    // sd.cpp writes MJPEG AVI unless built with WebM: one H.264 MP4 plays everywhere.
    const ffmpeg = requirePath(resolveFfTool('ffmpeg', settings.ffmpegPath), 'ffmpeg');
    file = ctx.tempPath('out.mp4');
    ext = 'mp4';
    ctx.progress(0.96, 'Encoding the video');
    await ctx.spawn(
      ffmpeg,
      [
        '-v',
        'error',
        '-y',
        '-i',
        out,
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        '-movflags',
        '+faststart',
        file,
      ],
      { label: 'ffmpeg' },
    );
  }
  return {
    outputs: [{ file, ext }],
    actual: {
      program: path.basename(bin),
      argv: args.map((a) => (a === modelFile.path ? path.basename(a) : a)),
    },
    returned: null,
    warnings,
    providerRequestId: null,
    engineLabel: 'stable-diffusion.cpp (sd-cli)',
    sampler: req.params.sampler ?? null,
    scheduler: req.params.scheduler ?? null,
  };
};
