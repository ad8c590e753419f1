import {
  NO_CHAT_ENDPOINT,
  type AssistantEndpointInfo,
  type AssistantStatus,
} from '../../../contract/assistant';
import { AppError } from '../../../contract/errors';
import type { Atelier } from '../../app/atelier';
import {
  endpointKindLabels,
  getEndpoint,
  listEndpoints,
  type EndpointWithSecrets,
} from '../../engines/endpoints';
import type { EngineTarget } from '../../engines/httpClient';
import { listModels } from './chatClient';

/**
 * Which chat server Enhance asks, and which model on it. The servers are the engine servers of
 * kind 'llm' from Settings → Engines, first by name; the model is the caller's choice or the
 * server's first (llama-server lists the one it loaded; Ollama and LM Studio list them all).
 */

export function targetOf(e: EndpointWithSecrets): EngineTarget {
  return { label: `${endpointKindLabels.llm} '${e.name}'`, url: e.url, headers: e.headers };
}

/** The chosen server, or the first enabled one; refuses with what to do instead. */
export function chooseServer(core: Atelier, endpointId?: string): EndpointWithSecrets {
  if (endpointId) {
    const e = getEndpoint(core, endpointId);
    if (e.kind !== 'llm')
      throw new AppError(
        'invalid_input',
        `${endpointKindLabels[e.kind]} '${e.name}' is not an LLM server: Enhance needs an OpenAI-compatible chat server`,
      );
    if (!e.enabled)
      throw new AppError(
        'unavailable',
        `${endpointKindLabels.llm} '${e.name}' is turned off: turn it on in Settings → Engines`,
      );
    return e;
  }
  const first = listEndpoints(core).find((e) => e.kind === 'llm' && e.enabled);
  if (!first) throw new AppError('unavailable', problemWithout(core));
  return first;
}

/** What to do when no enabled LLM server exists: add one, or turn one on. */
function problemWithout(core: Atelier): string {
  const off = listEndpoints(core).filter((e) => e.kind === 'llm');
  if (!off.length) return NO_CHAT_ENDPOINT;
  const names = off.map((e) => `'${e.name}'`).join(', ');
  return off.length === 1
    ? `The LLM server ${names} is turned off: turn it on in Settings → Engines`
    : `The LLM servers ${names} are turned off: turn one on in Settings → Engines`;
}

/**
 * Model lists, briefly remembered per server (and its address), so that every Enhance does not
 * cost a second round trip; kept in memory only, like the health checks.
 */
const MODELS_TTL_MS = 60_000;
interface KnownModels {
  url: string;
  models: string[];
  at: number;
}
const modelCache = new WeakMap<Atelier, Map<string, KnownModels>>();

function remembered(core: Atelier, e: EndpointWithSecrets, maxAgeMs: number): string[] | null {
  const hit = modelCache.get(core)?.get(e.id);
  return maxAgeMs > 0 && hit && hit.url === e.url && Date.now() - hit.at <= maxAgeMs
    ? hit.models
    : null;
}

export async function serverModels(
  core: Atelier,
  e: EndpointWithSecrets,
  options: { maxAgeMs?: number; timeoutMs?: number; attempts?: number } = {},
): Promise<string[]> {
  const hit = remembered(core, e, options.maxAgeMs ?? MODELS_TTL_MS);
  if (hit) return hit;
  const models = await listModels(targetOf(e), options);
  let m = modelCache.get(core);
  if (!m) modelCache.set(core, (m = new Map<string, KnownModels>()));
  m.set(e.id, { url: e.url, models, at: Date.now() });
  return models;
}

/** The caller's model, or the server's first; a server that lists none cannot be guessed for. */
export async function chooseModel(
  core: Atelier,
  e: EndpointWithSecrets,
  model?: string,
): Promise<string> {
  if (model) return model;
  let models: string[];
  try {
    models = await serverModels(core, e);
  } catch (err) {
    // Reachable but without a model list (a proxy that only routes the chat path): say so.
    if (err instanceof AppError && (err.details as { reason?: string })?.reason === 'status')
      throw new AppError(
        'engine_failed',
        `${err.message}. Name the chat model to use, as the server knows it`,
        err.details,
      );
    throw err;
  }
  const first = models[0];
  if (!first)
    throw new AppError(
      'engine_failed',
      `${targetOf(e).label} lists no models: load one in the server (llama-server -m, ollama pull, LM Studio's model picker)`,
      { reason: 'no_model' },
    );
  return first;
}

/**
 * Whether Enhance can work now. Without `probe` it answers from the settings alone (and the
 * models it already knows); with it, each enabled server is asked for its models, briefly.
 */
export async function assistantStatus(core: Atelier, probe: boolean): Promise<AssistantStatus> {
  const servers = listEndpoints(core).filter((e) => e.kind === 'llm' && e.enabled);
  if (!servers.length) return { available: false, endpoints: [], problem: problemWithout(core) };
  const endpoints = await Promise.all(
    servers.map(async (e): Promise<AssistantEndpointInfo> => {
      const info: AssistantEndpointInfo = { id: e.id, name: e.name };
      let models = remembered(core, e, MODELS_TTL_MS);
      if (probe) {
        try {
          models = await serverModels(core, e, { maxAgeMs: 0, timeoutMs: 3000, attempts: 1 });
          if (!models.length) info.problem = `${targetOf(e).label} lists no models`;
        } catch (err) {
          info.problem = (err as Error).message;
        }
      }
      if (models?.length) Object.assign(info, { model: models[0], models });
      return info;
    }),
  );
  const available = endpoints.some((e) => !e.problem);
  return {
    available,
    endpoints,
    problem: available
      ? null
      : `No LLM server is ready: ${endpoints.map((e) => e.problem).join('; ')}`,
  };
}
