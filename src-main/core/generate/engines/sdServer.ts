import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../contract/errors';
import { engineRequest, type EngineTarget } from '../../engines/httpClient';
import type { JobContext } from '../../jobs/types';
import { matchKey } from '../../models/modelNames';
import type { EngineAdapter, ItemRequest } from './types';

/** What `/sdcpp/v1/capabilities` says, as far as we use it. */
export interface SdServerCapabilities {
  model?: { name?: string; path?: string; stem?: string };
  samplers?: string[];
  schedulers?: string[];
  loras?: { name: string; path: string }[];
  limits?: {
    max_queue_size?: number;
    min_width?: number;
    max_width?: number;
    min_height?: number;
    max_height?: number;
  };
  features?: Record<string, boolean>;
  supported_modes?: string[];
}

interface SdServerJob {
  id: string;
  status: 'queued' | 'generating' | 'completed' | 'failed' | 'cancelled';
  queue_position?: number;
  error?: { code?: string; message?: string } | null;
  result?: { images?: { b64_json: string; index?: number }[]; output_format?: string } | null;
}

export function sdServerTarget(ctx: JobContext): EngineTarget {
  const e = ctx.lease.endpoint;
  if (!e) throw new AppError('internal', 'An sd-server item ran without a server lease');
  return { label: `sd-server '${e.name}'`, url: e.url, headers: e.headers };
}

export async function sdServerCapabilities(
  target: EngineTarget,
  signal?: AbortSignal,
): Promise<SdServerCapabilities> {
  const res = await engineRequest(target, '/sdcpp/v1/capabilities', { signal, timeoutMs: 10_000 });
  return res.json<SdServerCapabilities>();
}

/** The JSON body of `POST /sdcpp/v1/img_gen`; LoRAs go in `lora`, never in the prompt there. */
export async function sdServerBody(
  req: ItemRequest,
  caps: SdServerCapabilities,
  label: string,
): Promise<Record<string, unknown>> {
  const p = req.params;
  const sample: Record<string, unknown> = {
    sample_steps: p.steps,
    guidance: { txt_cfg: p.cfg },
  };
  if (p.sampler) {
    if (caps.samplers && !caps.samplers.includes(p.sampler))
      throw new AppError(
        'invalid_input',
        `${label} has no sampler “${p.sampler}”; it offers ${caps.samplers.join(', ')}`,
      );
    sample.sample_method = p.sampler;
  }
  if (p.scheduler) {
    if (caps.schedulers && !caps.schedulers.includes(p.scheduler))
      throw new AppError(
        'invalid_input',
        `${label} has no scheduler “${p.scheduler}”; it offers ${caps.schedulers.join(', ')}`,
      );
    sample.scheduler = p.scheduler;
  }
  const body: Record<string, unknown> = {
    prompt: p.prompt,
    negative_prompt: p.negative,
    width: p.width,
    height: p.height,
    seed: p.seed,
    sample_params: sample,
  };
  if (p.clipSkip) body.clip_skip = p.clipSkip;
  if (req.loras.length) {
    body.lora = req.loras.map(({ model, weight }) => {
      const found = caps.loras?.find(
        (l) => matchKey(l.name) === model.matchKey || matchKey(l.path) === model.matchKey,
      );
      if (!found)
        throw new AppError('not_found', `${label} has no LoRA “${model.name}” in its LoRA folder`);
      return { path: found.path, multiplier: weight };
    });
  }
  if (req.init && p.init) {
    body.init_image = (await readFile(req.init.path)).toString('base64');
    body.strength = p.init.strength;
  }
  return body;
}

/** Waits between polls; a cancel cuts it short. Its abort listener goes when the wait ends. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * sd-server's async jobs: submit (202), poll until completed, failed or cancelled. On cancel a
 * queued job is cancelled there (200); a generating one cannot be interrupted (409): we say so
 * and stop waiting — the server finishes it and its image is simply not collected.
 */
export const sdServerAdapter: EngineAdapter = async (ctx, req) => {
  const target = sdServerTarget(ctx);
  const caps = await sdServerCapabilities(target, ctx.signal);
  const loaded = caps.model?.stem ?? caps.model?.name ?? '';
  if (loaded && matchKey(loaded) !== req.model.matchKey)
    throw new AppError(
      'invalid_input',
      `${target.label} has “${loaded}” loaded, not “${req.model.name}” (sd-server serves the one model it was started with)`,
    );
  if (req.params.video)
    throw new AppError('invalid_input', `${target.label}: video goes through sd-cli or ComfyUI`);
  const body = await sdServerBody(req, caps, target.label);
  ctx.usage({ model: req.model.name });
  ctx.progress(0, 'Sending to sd-server');
  const submitted = await engineRequest(target, '/sdcpp/v1/img_gen', {
    json: body,
    signal: ctx.signal,
    attempts: 1,
    acceptStatus: [429],
  });
  if (submitted.status === 429)
    throw new AppError(
      'engine_failed',
      `${target.label} is full (its queue holds ${caps.limits?.max_queue_size ?? 'its maximum of'} jobs); the item will be tried again`,
      { reason: 'busy' },
    );
  const job = submitted.json<SdServerJob>();
  const jobPath = `/sdcpp/v1/jobs/${encodeURIComponent(job.id)}`;
  ctx.log('info', `${target.label} took the job as ${job.id}`);
  let last = job;
  // Set from the abort listener; an object so the loop below sees the change.
  const cancel: { status: Promise<number | null> | null } = { status: null };
  const onAbort = () => {
    cancel.status = engineRequest(target, `${jobPath}/cancel`, {
      method: 'POST',
      attempts: 1,
      acceptStatus: [404, 409],
      timeoutMs: 3000,
    })
      .then((r) => r.status)
      .catch(() => null);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  try {
    for (;;) {
      if (last.status === 'completed' || last.status === 'failed' || last.status === 'cancelled')
        break;
      await sleep(last.status === 'queued' ? 500 : 250, ctx.signal);
      if (cancel.status) {
        // A queued job is cancelled there; a generating one cannot be (409): say so, stop waiting.
        if ((await cancel.status) === 409)
          ctx.log(
            'warn',
            `${target.label} cannot interrupt a job that is already generating; Atelier stopped waiting for it (the server finishes it and its image is not kept)`,
          );
        throw new AppError('cancelled', `${target.label}: cancelled`);
      }
      last = (
        await engineRequest(target, jobPath, { signal: ctx.signal, timeoutMs: 15_000 })
      ).json<SdServerJob>();
      if (last.status === 'queued')
        ctx.progress(
          0.02,
          `Waiting in ${target.label}'s queue${last.queue_position ? ` (position ${last.queue_position})` : ''}`,
        );
      else if (last.status === 'generating') {
        // sd-server reports no steps: an honest "generating" with time elapsed, no made-up percentage.
        ctx.progress(0.05, `Generating · ${Math.round((performance.now() - started) / 1000)} s`);
      }
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (last.status === 'cancelled')
    throw new AppError(
      'cancelled',
      `${target.label} cancelled the job${last.error?.message ? `: ${last.error.message}` : ''}`,
    );
  if (last.status === 'failed')
    throw new AppError(
      'engine_failed',
      `${target.label} failed: ${last.error?.message ?? last.error?.code ?? 'no reason given'}`,
    );
  const images = last.result?.images ?? [];
  if (!images.length)
    throw new AppError('engine_failed', `${target.label} completed the job without an image`);
  ctx.engineDone();
  const ext: 'jpg' | 'png' = last.result?.output_format === 'jpeg' ? 'jpg' : 'png';
  const outputs = [];
  for (const [i, img] of images.entries()) {
    const file = ctx.tempPath(`out-${i}.${ext}`);
    await writeFile(file, Buffer.from(img.b64_json, 'base64'));
    outputs.push({ file, ext });
  }
  const { init_image: _omit, ...sent } = body;
  return {
    outputs,
    actual: { request: sent, endpoint: path.posix.join('/sdcpp/v1/img_gen') },
    returned: {
      id: last.id,
      status: last.status,
      outputFormat: last.result?.output_format ?? null,
    },
    warnings: [],
    providerRequestId: job.id,
    engineLabel: target.label,
    sampler: req.params.sampler ?? null,
    scheduler: req.params.scheduler ?? null,
  };
};
