import { existsSync } from 'node:fs';
import { AppError } from '../../contract/errors';
import type { EngineChoice, GenerationEngine } from '../../contract/generate';
import type { Atelier } from '../app/atelier';
import { endpointPoolId, listEndpoints } from '../engines/endpoints';
import { readEngineSettings } from '../engines/engineSettings';
import { resolveSdCpp } from '../engines/sdcpp';
import { runnerOf } from '../jobs/runnerRegistry';
import type { ModelRecord } from '../models/resolveModel';

/** The job kind that runs one item on each engine. */
export const itemKindOf: Record<GenerationEngine, string> = {
  sdcpp: 'generate_sdcpp',
  sdserver: 'generate_sdserver',
  comfyui: 'generate_comfyui',
};

export interface Placement {
  engine: GenerationEngine;
  /** Pinned to one server, or null: any pool of the engine's kind. */
  endpointId: string | null;
  pool: string | null;
  label: string;
}

/** Every engine that can generate, and whether it can now. */
export async function engineChoices(core: Atelier): Promise<EngineChoice[]> {
  const settings = await readEngineSettings(core.db);
  const sd = resolveSdCpp(settings.sdcppPath);
  const out: EngineChoice[] = [
    {
      id: 'sdcpp',
      engine: 'sdcpp',
      label: 'stable-diffusion.cpp on this computer',
      available: !!sd.path && existsSync(sd.path),
      problem: !sd.path
        ? 'sd-cli was not found: set its path in Settings → Engines, or put it on PATH'
        : existsSync(sd.path)
          ? null
          : `sd-cli is not at ${sd.path}`,
    },
  ];
  const pools = runnerOf(core)?.pools() ?? [];
  for (const e of listEndpoints(core)) {
    if (e.kind !== 'comfyui' && e.kind !== 'sdserver') continue;
    const pool = pools.find((p) => p.id === endpointPoolId(e.id));
    out.push({
      id: e.id,
      engine: e.kind,
      label: `${e.kind === 'comfyui' ? 'ComfyUI' : 'sd-server'} '${e.name}'`,
      available: e.enabled && (pool ? pool.online : true),
      problem: !e.enabled
        ? 'disabled in Settings → Engines'
        : pool && !pool.online
          ? (pool.problem ?? 'offline')
          : null,
    });
  }
  return out;
}

function hasFile(model: ModelRecord, location: string): boolean {
  return model.files.some((f) => f.location === location);
}

/**
 * Where an order runs. Asked for an engine kind, any of its servers that has the model (the
 * queue spreads items over them); asked for one server, that one; not asked, the first engine
 * that has the model: ComfyUI servers, then sd-server, then sd-cli here. Each refusal says what
 * is missing, so the creator knows what to fix.
 */
export async function placeOrder(
  core: Atelier,
  wanted: string | undefined,
  model: ModelRecord,
  loras: ModelRecord[],
): Promise<Placement> {
  const choices = await engineChoices(core);
  const servers = listEndpoints(core).filter(
    (e) => e.enabled && (e.kind === 'comfyui' || e.kind === 'sdserver'),
  );
  const serverPlacement = (kind: 'comfyui' | 'sdserver', only?: string): Placement | string => {
    const of = servers.filter((e) => e.kind === kind && (!only || e.id === only));
    if (!of.length)
      return `no ${kind === 'comfyui' ? 'ComfyUI server' : 'sd-server'} is set up in Settings → Engines`;
    const withModel = of.filter((e) => hasFile(model, e.id));
    if (!withModel.length)
      return `“${model.name}” is not on ${of.map((e) => `'${e.name}'`).join(', ')} (scan the models after adding it there)`;
    for (const l of loras) {
      if (kind === 'comfyui' && !withModel.some((e) => hasFile(l, e.id)))
        return `the LoRA “${l.name}” is not on ${withModel.map((e) => `'${e.name}'`).join(', ')}`;
    }
    const usable = withModel.filter((e) =>
      loras.every((l) => kind !== 'comfyui' || hasFile(l, e.id)),
    );
    // Every server of the kind can take it: leave placement to the queue (least used first).
    if (usable.length === of.length && !only)
      return {
        engine: kind,
        endpointId: null,
        pool: null,
        label:
          usable.length === 1
            ? `${kind === 'comfyui' ? 'ComfyUI' : 'sd-server'} '${usable[0]!.name}'`
            : `${usable.length} ${kind === 'comfyui' ? 'ComfyUI servers' : 'sd-servers'}`,
      };
    const first = usable[0]!;
    return {
      engine: kind,
      endpointId: first.id,
      pool: endpointPoolId(first.id),
      label: `${kind === 'comfyui' ? 'ComfyUI' : 'sd-server'} '${first.name}'`,
    };
  };
  const local = (): Placement | string => {
    const c = choices.find((x) => x.id === 'sdcpp')!;
    if (!c.available) return c.problem ?? 'sd-cli is not available';
    if (!hasFile(model, 'local'))
      return `“${model.name}” is not in a model folder on this computer`;
    const away = loras.find((l) => !hasFile(l, 'local'));
    if (away) return `the LoRA “${away.name}” is not in a model folder on this computer`;
    return { engine: 'sdcpp', endpointId: null, pool: null, label: c.label };
  };
  const refuse = (why: string): never => {
    throw new AppError('invalid_input', `Cannot generate with “${model.name}” there: ${why}.`);
  };
  if (wanted === 'sdcpp') {
    const p = local();
    return typeof p === 'string' ? refuse(p) : p;
  }
  if (wanted === 'comfyui' || wanted === 'sdserver') {
    const p = serverPlacement(wanted);
    return typeof p === 'string' ? refuse(p) : p;
  }
  if (wanted) {
    const e = servers.find((s) => s.id === wanted || s.name === wanted);
    if (!e) {
      const any = listEndpoints(core).find((s) => s.id === wanted || s.name === wanted);
      throw new AppError(
        any ? 'invalid_input' : 'not_found',
        any
          ? `'${any.name}' cannot generate${any.enabled ? ' (it is not a ComfyUI server or an sd-server)' : ': it is disabled in Settings → Engines'}.`
          : `No engine “${wanted}”: use sdcpp, comfyui, sdserver or a server from Settings → Engines.`,
      );
    }
    const p = serverPlacement(e.kind as 'comfyui' | 'sdserver', e.id);
    return typeof p === 'string' ? refuse(p) : p;
  }
  const reasons: string[] = [];
  for (const attempt of [
    () => serverPlacement('comfyui'),
    () => serverPlacement('sdserver'),
    local,
  ]) {
    const p = attempt();
    if (typeof p !== 'string') return p;
    reasons.push(p);
  }
  throw new AppError(
    'engine_missing',
    `No engine can generate with “${model.name}”: ${reasons.join('; ')}.`,
  );
}
