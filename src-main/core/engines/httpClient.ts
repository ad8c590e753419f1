import { AppError } from '../../contract/errors';
import { appLog, redact } from '../log/appLog';

/**
 * The one HTTP client for engine servers (ComfyUI, sd-server, an OpenAI-compatible LLM server).
 * - A time limit per attempt, and cancel through the caller's AbortSignal.
 * - Retries with backoff only when the server could not be reached (refused, reset, timed out
 *   before any answer): the request never arrived, so sending it again is safe. An answer of
 *   any status is final: a 4xx is our mistake, a 5xx the engine's, and a retried POST could
 *   queue the same work twice.
 * - Errors are `engine_failed`, with the engine's own words (its JSON `error`, or its body's
 *   first line) in the message, and `details.reason` "unreachable" or "status".
 */

export interface EngineTarget {
  /** "ComfyUI 'studio-pc'": the start of every error message. */
  label: string;
  url: string;
  headers?: Record<string, string>;
}

export interface EngineRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON with its Content-Type; a Buffer/FormData is sent as it is. */
  json?: unknown;
  body?: Buffer | FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Attempts when the server cannot be reached; default 3 (1 = no retry). */
  attempts?: number;
  /** Statuses the caller handles itself (e.g. 409 from sd-server's cancel). */
  acceptStatus?: number[];
}

export interface EngineResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  json<T = unknown>(): T;
  text(): string;
}

/** The request never reached the server: safe to send again, whatever the method. */
const neverConnected = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** The connection broke: a GET is safe to repeat, a POST may have arrived. */
const connectionBroke = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The innermost message behind fetch's "fetch failed" TypeError ("bad port", "other side closed"). */
function causeMessage(err: unknown): string {
  let e = err as { message?: unknown; cause?: unknown } | undefined;
  let message = String(e?.message ?? err);
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.message === 'string' && e.message) message = e.message;
    e = e.cause as typeof e;
  }
  return message;
}

/** The errno-like code behind fetch's "fetch failed" TypeError, if any. */
function causeCode(err: unknown): string | null {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return null;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** What the engine said, from a JSON error body ({error: "…"} or {error: {message}}) or text. */
export function engineWords(body: Buffer, max = 300): string {
  const text = body.toString('utf8').trim();
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error ?? j.message ?? j.detail;
    if (typeof e === 'string') return e.slice(0, max);
    if (e && typeof e === 'object') {
      const m =
        (e as { message?: unknown; type?: unknown }).message ?? (e as { type?: unknown }).type;
      if (typeof m === 'string') return m.slice(0, max);
    }
  } catch {
    // Not JSON: the first line of the text.
  }
  return (text.split('\n')[0] ?? '').slice(0, max);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new AppError('cancelled', 'Cancelled'));
      },
      { once: true },
    );
  });

export async function engineRequest(
  target: EngineTarget,
  path: string,
  request: EngineRequest = {},
): Promise<EngineResponse> {
  const method = request.method ?? (request.json !== undefined || request.body ? 'POST' : 'GET');
  const url = joinUrl(target.url, path);
  const attempts = Math.max(1, request.attempts ?? 3);
  const headers: Record<string, string> = { ...target.headers, ...request.headers };
  let body: string | Buffer | FormData | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.body) body = request.body;
  // sd-server waits 5 s for a body that never comes on a body-less POST without a length.
  else if (method !== 'GET') headers['content-length'] = '0';
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (request.signal?.aborted) throw new AppError('cancelled', `${target.label}: cancelled`);
    const timeout = AbortSignal.timeout(request.timeoutMs ?? 30_000);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body as RequestInit['body'], signal });
    } catch (err) {
      if (request.signal?.aborted) throw new AppError('cancelled', `${target.label}: cancelled`);
      const code = causeCode(err);
      const timedOut = timeout.aborted;
      lastError = timedOut
        ? `gave no answer within ${Math.round((request.timeoutMs ?? 30_000) / 100) / 10} s`
        : code
          ? `cannot be reached (${code})`
          : `cannot be reached (${causeMessage(err)})`;
      const unsent = code !== null && neverConnected.has(code);
      const retryable =
        unsent || (method === 'GET' && (timedOut || code === null || connectionBroke.has(code)));
      appLog.warn(
        'engine',
        `${method} ${redact(url)}: ${lastError} (attempt ${attempt} of ${attempts})`,
      );
      if (!retryable) break;
      if (attempt < attempts) await sleep(Math.min(4000, 250 * 2 ** (attempt - 1)), request.signal);
      continue;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const response: EngineResponse = {
      status: res.status,
      headers: res.headers,
      body: bytes,
      text: () => bytes.toString('utf8'),
      json: <T>() => {
        try {
          return JSON.parse(bytes.toString('utf8')) as T;
        } catch {
          throw new AppError(
            'engine_failed',
            `${target.label} answered ${method} ${path} with something that is not JSON: ${engineWords(bytes, 120)}`,
            { reason: 'status', status: res.status },
          );
        }
      },
    };
    if (res.ok || request.acceptStatus?.includes(res.status)) return response;
    const words = engineWords(bytes);
    appLog.warn('engine', `${method} ${redact(url)} → ${res.status}: ${words}`);
    throw new AppError(
      'engine_failed',
      `${target.label} refused ${method} ${path} (HTTP ${res.status})${words ? `: ${words}` : ''}`,
      { reason: 'status', status: res.status, body: words },
    );
  }
  throw new AppError('engine_failed', `${target.label} ${lastError}`, {
    reason: 'unreachable',
    url: redact(url),
  });
}

/** Whether an error means the server could not be reached (fail over), not that it refused. */
export function isUnreachable(err: unknown): boolean {
  return (
    err instanceof AppError &&
    err.code === 'engine_failed' &&
    (err.details as { reason?: string } | undefined)?.reason === 'unreachable'
  );
}
