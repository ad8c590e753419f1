import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { GenerationParams } from '../../contract/generate';
import { statements } from '../db/statements';
import { sha256OfFile } from '../ingest/hash';
import { defineJobKind } from '../jobs/registry';
import type { JobContext, JobKind, JobOutcome } from '../jobs/types';
import { findModel, requireModel } from '../models/resolveModel';
import { loadSource } from '../process/kindSupport';
import { registerOutput, type OutputGeneration, type OutputLink } from '../process/registerOutput';
import { appVersion } from '../util/version';
import type { EngineAdapter, EngineResult, ItemRequest } from './engines/types';
import { itemRow, orderRow, updateItem } from './orderStore';
import { formatA1111, setPngText } from './pngParameters';
import { noteLoadedModel, preferLoadedModel } from './placement';
import { stageOutput, stagedFor } from './workspace';

const params = z.object({ itemId: z.string().trim().min(1).max(64) }).strict();

/** The item as its job needs it: parameters, the model and LoRAs from the registry, the init image. */
async function loadRequest(ctx: JobContext, itemId: string): Promise<ItemRequest> {
  const item = itemRow(ctx.core, itemId);
  const order = orderRow(ctx.core, item.order_id);
  const p = JSON.parse(item.generation_params) as GenerationParams;
  const base = JSON.parse(order.params) as { modelName?: string };
  const model =
    (order.model_id ? findModel(ctx.core, order.model_id) : null) ??
    requireModel(ctx.core, base.modelName ?? '', 'checkpoint');
  const loras = p.loras.map((l) => ({
    model: requireModel(ctx.core, l.model, 'lora'),
    weight: l.weight,
  }));
  const init = p.init ? await loadSource(ctx.core, p.init.assetId, ['image'], 'img2img') : null;
  return { orderId: order.id, itemId, seq: item.seq, params: p, model, loras, init };
}

/** The A1111 `parameters` every generated PNG carries (see pngParameters.ts). */
function parametersText(req: ItemRequest, r: EngineResult): string {
  const p = req.params;
  const loraHashes: Record<string, string> = {};
  for (const l of req.loras) if (l.model.autov2) loraHashes[l.model.name] = l.model.autov2;
  const loraTags = req.loras.map((l) => `<lora:${l.model.name}:${l.weight}>`).join(' ');
  return formatA1111({
    // A1111 keeps LoRAs in the prompt: tools that read it back (and our own ingest) see them there.
    prompt: loraTags && !p.prompt.includes('<lora:') ? `${p.prompt} ${loraTags}` : p.prompt,
    negative: p.negative,
    steps: p.steps,
    sampler: r.sampler,
    scheduler: r.scheduler,
    cfg: p.cfg,
    seed: p.seed,
    width: p.width,
    height: p.height,
    model: req.model.name,
    modelHash: req.model.autov2,
    denoise: p.init ? p.init.strength : null,
    clipSkip: p.clipSkip ?? null,
    loraHashes,
    version: `Atelier ${appVersion()} · ${r.engineLabel}`,
  });
}

/** What the asset (or the staged image) records about how it was made. */
function generationOf(
  req: ItemRequest,
  r: EngineResult,
  text: string,
  ext: string,
): OutputGeneration {
  const p = req.params;
  return {
    prompt: p.prompt,
    negativePrompt: p.negative || null,
    seed: String(p.seed),
    model: req.model.name,
    modelHash: req.model.autov2,
    rawMetadata: ext === 'png' ? { parameters: text } : null,
    // The same shape ingest reads from any PNG (GenerationInfo), so the Library, Remix
    // and search treat a generated image exactly like an imported one.
    params: {
      tool: r.engineLabel,
      prompt: p.prompt,
      negativePrompt: p.negative || null,
      seed: String(p.seed),
      steps: p.steps,
      sampler: r.sampler,
      cfg: p.cfg,
      width: p.width,
      height: p.height,
      model: req.model.name,
      modelHash: req.model.autov2,
      loras: req.loras.map((l) => ({ name: l.model.name, weight: l.weight })),
      extra: Object.fromEntries(
        Object.entries({
          'Schedule type': r.scheduler,
          'Original prompt': p.originalPrompt ?? null,
          'Denoising strength': p.init ? String(p.init.strength) : null,
          'Clip skip': p.clipSkip ? String(p.clipSkip) : null,
          'Lora hashes': req.loras
            .filter((l) => l.model.autov2)
            .map((l) => `${l.model.name}: ${l.model.autov2}`)
            .join(', '),
          Frames: p.video ? String(p.video.frames) : null,
          FPS: p.video ? String(p.video.fps) : null,
          Engine: r.engineLabel,
        }).filter((e): e is [string, string] => !!e[1]),
      ),
    },
  };
}

/** An asset of this exact content already in the Library (a cached replay, an identical seed). */
function existingAsset(ctx: JobContext, sha256: string): string | null {
  const r = statements(ctx.core.sqlite).all(
    `SELECT id FROM assets WHERE sha256 = ? AND deleted_at IS NULL LIMIT 1`,
    [sha256],
  )[0] as { id: string } | undefined;
  return r?.id ?? null;
}

/**
 * Runs one order item through an engine and lands each output in the Library: provenance
 * ai_generated, its prompt, seed, model (linked by id, so the non-commercial check is exact),
 * LoRAs, init image and order item linked, and A1111 `parameters` written into PNGs. An item
 * that already landed its outputs (a crash after registering) returns them instead of making
 * new ones: nothing generated is made twice or lost.
 */
async function runItem(
  ctx: JobContext,
  itemId: string,
  adapter: EngineAdapter,
): Promise<JobOutcome> {
  const done = itemRow(ctx.core, itemId);
  const landed = JSON.parse(done.asset_ids ?? '[]') as string[];
  if (landed.length) return { assetIds: landed, result: { itemId, reused: true } };
  const staged = stagedFor(ctx.core, itemId);
  if (staged.length) return { result: { itemId, workspaceItemIds: staged, reused: true } };
  const req = await loadRequest(ctx, itemId);
  updateItem(ctx.core, itemId, { endpointId: ctx.lease.endpoint?.id ?? null });
  ctx.core.events.emit('orders.changed', { orderId: req.orderId, itemId });
  const order = orderRow(ctx.core, req.orderId);
  const r = await adapter(ctx, req);
  if (ctx.lease.endpoint) noteLoadedModel(ctx.core, ctx.lease.endpoint.id, req.model.id);
  ctx.engineDone();
  ctx.progress(0.96, 'Saving');
  const p = req.params;
  const links: OutputLink[] = [
    { role: 'model', kind: 'model', id: req.model.id },
    ...req.loras.map((l) => ({
      role: 'lora' as const,
      kind: 'model' as const,
      id: l.model.id,
      details: { weight: l.weight },
    })),
    ...(req.init
      ? [
          {
            role: 'init' as const,
            kind: 'asset' as const,
            id: req.init.id,
            details: { strength: p.init?.strength },
          },
        ]
      : []),
    { role: 'made_by', kind: 'order_item', id: itemId },
  ];
  const assetIds: string[] = [];
  const workspaceIds: string[] = [];
  const warnings = [...r.warnings];
  const text = parametersText(req, r);
  for (const [i, out] of r.outputs.entries()) {
    if (out.ext === 'png')
      await writeFile(out.file, setPngText(await readFile(out.file), { parameters: text }));
    if (order.destination === 'workspace' && order.workspace_session_id) {
      workspaceIds.push(
        await stageOutput(ctx.core, {
          sessionId: order.workspace_session_id,
          orderItemId: itemId,
          tempFile: out.file,
          ext: out.ext,
          baseName: `gen-${req.orderId.slice(-6)}-${String(req.seq).padStart(4, '0')}${r.outputs.length > 1 ? `-${i + 1}` : ''}`,
          generation: generationOf(req, r, text, out.ext),
          links,
          modelId: req.model.id,
        }),
      );
      continue;
    }
    const same = existingAsset(ctx, (await sha256OfFile(out.file)).sha256);
    if (same) {
      assetIds.push(same);
      warnings.push('The image is identical to one already in the Library; it was not added twice');
      continue;
    }
    assetIds.push(
      await registerOutput(ctx.core, {
        source: null,
        tempFile: out.file,
        suffix: r.outputs.length > 1 ? `${p.seed}-${i + 1}` : String(p.seed),
        ext: out.ext,
        baseName: `gen-${req.orderId.slice(-6)}-${String(req.seq).padStart(4, '0')}`,
        provenance: 'ai_generated',
        links,
        generation: generationOf(req, r, text, out.ext),
        derivation: {
          kind: 'generate',
          params: p,
          engine: r.engineLabel,
          orderId: req.orderId,
          itemId,
        },
        jobId: ctx.jobId,
        signal: ctx.signal,
        projectId: order.project_id,
      }),
    );
  }
  updateItem(ctx.core, itemId, {
    actual: r.actual,
    returned: r.returned,
    providerRequestId: r.providerRequestId,
    warnings,
    assetIds,
  });
  for (const w of warnings) ctx.log('warn', w);
  ctx.core.events.emit('orders.changed', { orderId: req.orderId, itemId });
  return {
    assetIds,
    result: {
      orderId: req.orderId,
      itemId,
      warnings,
      ...(workspaceIds.length ? { workspaceItemIds: workspaceIds } : {}),
    },
  };
}

/** A job kind per engine (each has its own pools); the work is the same. */
export function generateKind(
  kind: string,
  pools: readonly string[],
  adapter: EngineAdapter,
): JobKind<typeof params> {
  return defineJobKind({
    kind,
    params,
    pools,
    restart: 'rerun',
    maxAttempts: 2,
    title: (p, core) => {
      const r = statements(core.sqlite).all(
        `SELECT o.title, i.seq FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.id = ?`,
        [p.itemId],
      )[0] as { title: string; seq: number } | undefined;
      return r ? `${r.title} #${r.seq}` : 'Generate';
    },
    run: (ctx, p) => runItem(ctx, p.itemId, adapter),
    choosePool: (core, p, free) => preferLoadedModel(core, p, free),
  });
}
