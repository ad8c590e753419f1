import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../contract/errors';
import { engineRequest, type EngineTarget } from '../../engines/httpClient';
import type { JobContext } from '../../jobs/types';
import { runComfyPrompt, uploadImage, viewFile } from '../comfy/comfyClient';
import {
  buildComfyGraph,
  comfySamplerScheduler,
  loadWorkflowTemplate,
  type ComfyGraphInput,
} from '../comfy/workflowTemplate';
import type { EngineAdapter, EngineOutput, ItemRequest } from './types';

export function comfyTarget(ctx: JobContext): EngineTarget {
  const e = ctx.lease.endpoint;
  if (!e) throw new AppError('internal', 'A ComfyUI item ran without a server lease');
  return { label: `ComfyUI '${e.name}'`, url: e.url, headers: e.headers };
}

/** The name a server knows a registry model by (its path under that model folder there). */
function nameOn(
  req: ItemRequest,
  endpointId: string,
  label: string,
  which: ItemRequest['model'],
): string {
  const f = which.files.find((x) => x.location === endpointId);
  if (!f)
    throw new AppError(
      'not_found',
      `${which.kind === 'lora' ? 'LoRA' : 'checkpoint'} '${which.name}' is not on ${label} (add it there, then scan the models)`,
    );
  return f.path;
}

/** Wan's text encoder and VAE: the server's own files that name it, since the form picks only the model. */
async function wanCompanions(
  target: EngineTarget,
  signal: AbortSignal,
): Promise<{ clip: string; vae: string }> {
  const list = async (folder: string) =>
    (await engineRequest(target, `/models/${folder}`, { signal, acceptStatus: [404] })).json<
      string[]
    >();
  const encoders = await list('text_encoders').catch(() => [] as string[]);
  const vaes = await list('vae').catch(() => [] as string[]);
  const clip = encoders.find((n) => /umt5/i.test(n));
  const vae = vaes.find((n) => /wan/i.test(n));
  if (!clip || !vae)
    throw new AppError(
      'not_found',
      `${target.label} needs Wan's text encoder (umt5…) in models/text_encoders and its VAE (wan…) in models/vae for video`,
    );
  return { clip, vae };
}

/**
 * One item on one ComfyUI server: the shipped API-format template for the job (txt2img,
 * img2img, Wan video) patched with the item's values and its LoRA chain, the init image
 * uploaded first, live progress and preview frames from the socket, the files from /view.
 */
export const comfyAdapter: EngineAdapter = async (ctx, req) => {
  const target = comfyTarget(ctx);
  const endpointId = ctx.lease.endpoint!.id;
  const p = req.params;
  const video = !!p.video;
  const names = comfySamplerScheduler(p.sampler, p.scheduler);
  const template = loadWorkflowTemplate(video ? 'wan-video' : req.init ? 'img2img' : 'txt2img');
  const input: ComfyGraphInput = {
    prompt: p.prompt,
    negative: p.negative,
    width: p.width,
    height: p.height,
    steps: p.steps,
    cfg: p.cfg,
    seed: p.seed,
    loras: req.loras.map((l) => ({
      name: nameOn(req, endpointId, target.label, l.model),
      weight: l.weight,
    })),
    filenamePrefix: `atelier/${req.orderId.slice(-8)}-${req.seq}`,
    ...names,
  };
  const modelName = nameOn(req, endpointId, target.label, req.model);
  if (video) {
    Object.assign(
      input,
      { unet: modelName, frames: p.video!.frames, fps: p.video!.fps },
      await wanCompanions(target, ctx.signal),
    );
    if (p.video!.flowShift !== undefined) input.flowShift = p.video!.flowShift;
  } else input.checkpoint = modelName;
  if (req.init && p.init) {
    ctx.progress(0, 'Uploading the init image');
    input.initImage = await uploadImage(
      target,
      `atelier-${req.init.id}${path.extname(req.init.path)}`,
      await readFile(req.init.path),
      ctx.signal,
    );
    input.denoise = p.init.strength;
  }
  const { graph, outputNodeIds } = buildComfyGraph(template, input);
  ctx.usage({ model: req.model.name });
  const warnings: string[] = [];
  let steps = p.steps;
  const run = await runComfyPrompt(target, graph, ctx.signal, {
    onProgress: (value, max) => {
      steps = max;
      ctx.progress(0.02 + 0.9 * (value / Math.max(1, max)), `step ${value}/${max}`);
      ctx.metrics({ step: value, total: max });
    },
    onPreview: (image, mime) => ctx.preview(image, mime),
    onLog: (m) => ctx.log('info', m),
    onQueued: () => ctx.progress(0.01, `Queued on ${target.label}`),
  });
  ctx.engineDone();
  if (outputNodeIds.every((n) => run.cachedNodes.includes(n)))
    warnings.push(
      `${target.label} replayed a cached result: an identical request (same seed and settings) ran before, so this is the same image`,
    );
  const outputs: EngineOutput[] = [];
  for (const node of outputNodeIds) {
    for (const [i, f] of (run.outputs[node] ?? []).entries()) {
      const ext = (path.extname(f.filename).slice(1).toLowerCase() || 'png') as EngineOutput['ext'];
      const file = ctx.tempPath(`out-${node}-${i}.${ext === 'jpg' ? 'jpg' : ext}`);
      await writeFile(file, await viewFile(target, f, ctx.signal));
      outputs.push({ file, ext });
    }
  }
  if (!outputs.length)
    throw new AppError(
      'engine_failed',
      `${target.label} finished the prompt without an output file`,
    );
  return {
    outputs,
    actual: { template: template.name, graph },
    returned: { promptId: run.promptId, outputs: run.outputs, cachedNodes: run.cachedNodes, steps },
    warnings,
    providerRequestId: run.promptId,
    engineLabel: target.label,
    sampler: names.sampler ?? null,
    scheduler: names.scheduler ?? null,
  };
};
