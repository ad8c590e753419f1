import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { AppError } from '../../../contract/errors';
import { engineRequest, type EngineTarget } from '../../engines/httpClient';

/**
 * One prompt on one ComfyUI server, the way its own frontend does it: open `/ws?clientId=` first
 * (so no event is missed), `POST /prompt` with that client id, follow the prompt's events until
 * `executing {node: null}`, then read `/history/{id}` and fetch each file with `/view`.
 */

export interface ComfyFile {
  filename: string;
  subfolder: string;
  type: string;
}

export interface ComfyRunEvents {
  onProgress?(value: number, max: number, node: string | null): void;
  onExecuting?(node: string): void;
  onPreview?(image: Buffer, mime: 'image/jpeg' | 'image/png'): void;
  onCached?(nodes: string[]): void;
  onLog?(message: string): void;
  /** The server accepted the prompt (it is in its queue). */
  onQueued?(promptId: string): void;
}

export interface ComfyRunResult {
  promptId: string;
  /** Output files per node, from `/history`. */
  outputs: Record<string, ComfyFile[]>;
  /** Nodes ComfyUI did not run because an identical request ran before. */
  cachedNodes: string[];
  durationMs: number;
}

interface NodeError {
  errors?: {
    type?: string;
    message?: string;
    details?: string;
    extra_info?: { input_name?: string };
  }[];
  class_type?: string;
}

/**
 * ComfyUI's 400 in a creator's words: "checkpoint 'x' is not on 'studio-pc'" rather than a
 * dump of node_errors.
 */
export function describeNodeErrors(
  label: string,
  body: {
    error?: { type?: string; message?: string; details?: string };
    node_errors?: Record<string, NodeError>;
  },
): string {
  const parts: string[] = [];
  for (const [nodeId, ne] of Object.entries(body.node_errors ?? {})) {
    for (const e of ne.errors ?? []) {
      const details = e.details ?? '';
      const notIn = /^(\w+): '([^']*)' not in/.exec(details);
      if (e.type === 'value_not_in_list' && notIn) {
        const [, input, value] = notIn;
        const what =
          input === 'ckpt_name'
            ? 'checkpoint'
            : input === 'lora_name'
              ? 'LoRA'
              : input === 'vae_name'
                ? 'VAE'
                : input === 'unet_name'
                  ? 'diffusion model'
                  : input === 'model_name'
                    ? 'upscale model'
                    : input === 'image'
                      ? 'input image'
                      : input;
        parts.push(`${what} '${value}' is not on ${label}`);
      } else {
        parts.push(
          `node ${nodeId} (${ne.class_type ?? '?'}): ${e.message ?? e.type ?? 'invalid'}${details ? ` — ${details}` : ''}`,
        );
      }
    }
  }
  if (parts.length) return parts.join('; ');
  const err = body.error;
  if (err?.type === 'prompt_no_outputs')
    return `${label} refused the workflow: it has no output node`;
  return `${label} refused the workflow: ${err?.message ?? 'invalid prompt'}${err?.details ? ` (${err.details})` : ''}`;
}

function wsUrl(base: string, clientId: string): string {
  const u = new URL(base.endsWith('/') ? base : `${base}/`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return new URL(`ws?clientId=${encodeURIComponent(clientId)}`, u).toString();
}

const unreachable = (label: string, why: string) =>
  new AppError('engine_failed', `${label} ${why}`, { reason: 'unreachable' });

/** Opens the event socket; resolves once it is open. */
function openSocket(
  target: EngineTarget,
  clientId: string,
  signal: AbortSignal,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(target.url, clientId), {
      headers: target.headers,
      handshakeTimeout: 10_000,
    });
    const fail = (err: Error) => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(
        signal.aborted
          ? new AppError('cancelled', `${target.label}: cancelled`)
          : unreachable(target.label, `cannot be reached (${err.message})`),
      );
    };
    ws.once('open', () => {
      ws.off('error', fail);
      resolve(ws);
    });
    ws.once('error', fail);
    signal.addEventListener('abort', () => fail(new Error('cancelled')), { once: true });
  });
}

export async function uploadImage(
  target: EngineTarget,
  name: string,
  data: Buffer,
  signal?: AbortSignal,
): Promise<string> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(data)]), name);
  form.append('overwrite', 'true');
  const res = await engineRequest(target, '/upload/image', { body: form, signal, attempts: 2 });
  const out = res.json<{ name: string; subfolder?: string }>();
  return out.subfolder ? `${out.subfolder}/${out.name}` : out.name;
}

export async function viewFile(
  target: EngineTarget,
  f: ComfyFile,
  signal?: AbortSignal,
): Promise<Buffer> {
  const q = new URLSearchParams({ filename: f.filename, subfolder: f.subfolder, type: f.type });
  const res = await engineRequest(target, `/view?${q.toString()}`, { signal, timeoutMs: 120_000 });
  return res.body;
}

/** Takes a prompt off the server: out of its queue if it waits, interrupted if it runs. */
export async function cancelPrompt(target: EngineTarget, promptId: string): Promise<void> {
  await engineRequest(target, '/queue', {
    json: { delete: [promptId] },
    attempts: 1,
    timeoutMs: 5000,
  }).catch(() => {});
  await engineRequest(target, '/interrupt', {
    json: { prompt_id: promptId },
    attempts: 1,
    timeoutMs: 5000,
  }).catch(() => {});
}

/**
 * Runs one API-format graph to its end. Errors: a 400 is `invalid_input` with ComfyUI's
 * node_errors in words; `execution_error` is `engine_failed` with its exception; a server that
 * stops answering or drops the socket mid-prompt is `unreachable` (the queue fails over).
 */
export async function runComfyPrompt(
  target: EngineTarget,
  graph: Record<string, unknown>,
  signal: AbortSignal,
  events: ComfyRunEvents = {},
  extraData?: Record<string, unknown>,
): Promise<ComfyRunResult> {
  const clientId = `atelier-${randomUUID()}`;
  const started = performance.now();
  const ws = await openSocket(target, clientId, signal);
  let promptId: string | null = null;
  const early: { type: string; data: Record<string, unknown> }[] = [];
  const cachedNodes: string[] = [];
  let settle: ((err: Error | null) => void) | null = null;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err) => {
      settle = null;
      if (err) reject(err);
      else resolve();
    };
  });
  // Settled early (cancel, a dropped socket) while /prompt is still in flight: not unhandled.
  finished.catch(() => {});
  const handle = (msg: { type: string; data: Record<string, unknown> }) => {
    const d = msg.data ?? {};
    if (d.prompt_id !== promptId) return;
    switch (msg.type) {
      case 'execution_cached':
        cachedNodes.push(...((d.nodes as string[]) ?? []));
        if ((d.nodes as string[])?.length) events.onCached?.(d.nodes as string[]);
        break;
      case 'progress':
        events.onProgress?.(Number(d.value), Number(d.max), (d.node as string) ?? null);
        break;
      case 'executing':
        if (d.node === null) settle?.(null);
        else if (typeof d.node === 'string') events.onExecuting?.(d.node);
        break;
      case 'execution_error':
        settle?.(
          new AppError(
            'engine_failed',
            `${target.label}: ${typeof d.node_type === 'string' ? d.node_type : 'a node'} failed — ${typeof d.exception_message === 'string' ? d.exception_message.trim() : 'no message'}`,
            { reason: 'execution', nodeId: d.node_id, exceptionType: d.exception_type },
          ),
        );
        break;
      case 'execution_interrupted':
        settle?.(new AppError('cancelled', `${target.label} interrupted the prompt`));
        break;
    }
  };
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    if (isBinary) {
      // 4-byte big-endian event type (1 = preview), 4-byte format (1 JPEG, 2 PNG), then the image.
      if (raw.length > 8 && raw.readUInt32BE(0) === 1)
        events.onPreview?.(raw.subarray(8), raw.readUInt32BE(4) === 2 ? 'image/png' : 'image/jpeg');
      return;
    }
    let msg: { type: string; data: Record<string, unknown> };
    try {
      msg = JSON.parse(raw.toString('utf8')) as typeof msg;
    } catch {
      return;
    }
    if (promptId === null) early.push(msg);
    else handle(msg);
  });
  ws.on('close', () =>
    settle?.(unreachable(target.label, 'closed its connection in the middle of the prompt')),
  );
  ws.on('error', (err) =>
    settle?.(unreachable(target.label, `dropped the connection (${err.message})`)),
  );
  const onAbort = () => {
    if (promptId) void cancelPrompt(target, promptId);
    settle?.(new AppError('cancelled', `${target.label}: cancelled`));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await engineRequest(target, '/prompt', {
      json: { prompt: graph, client_id: clientId, ...(extraData ? { extra_data: extraData } : {}) },
      signal,
      attempts: 1,
      acceptStatus: [400],
    });
    if (res.status === 400) {
      let body: Parameters<typeof describeNodeErrors>[1] = {};
      try {
        body = res.json();
      } catch {}
      throw new AppError('invalid_input', describeNodeErrors(target.label, body), {
        nodeErrors: body.node_errors ?? null,
      });
    }
    promptId = res.json<{ prompt_id: string }>().prompt_id;
    events.onLog?.(`${target.label} queued the prompt as ${promptId}`);
    events.onQueued?.(promptId);
    for (const m of early.splice(0)) handle(m);
    await finished;
    const history = (
      await engineRequest(target, `/history/${encodeURIComponent(promptId)}`, {
        signal,
        timeoutMs: 30_000,
      })
    ).json<Record<string, { outputs?: Record<string, Record<string, unknown>> }>>();
    const outputs: Record<string, ComfyFile[]> = {};
    for (const [node, out] of Object.entries(history[promptId]?.outputs ?? {})) {
      const files: ComfyFile[] = [];
      for (const key of ['images', 'gifs', 'videos', 'animated']) {
        const list = out[key];
        if (!Array.isArray(list)) continue;
        for (const f of list)
          if (f && typeof f === 'object' && 'filename' in f) files.push(f as ComfyFile);
      }
      if (files.length) outputs[node] = files;
    }
    return { promptId, outputs, cachedNodes, durationMs: performance.now() - started };
  } finally {
    signal.removeEventListener('abort', onAbort);
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.close();
  }
}
