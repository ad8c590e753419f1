import { z } from 'zod';
import { AppError } from '../../../contract/errors';
import { engineRequest, engineWords, joinUrl, type EngineTarget } from '../../engines/httpClient';
import { appLog, redact } from '../../log/appLog';
import { SseReader } from './sse';

/**
 * The OpenAI chat completions protocol as llama.cpp's llama-server, Ollama and LM Studio speak
 * it: `GET /v1/models` → `{data: [{id}]}`; `POST /v1/chat/completions` with `{model, messages,
 * max_tokens, temperature, stream}` → `{choices: [{message: {content}, finish_reason}], usage}`,
 * or, streamed, `data: {"choices":[{"delta":{"content":"…"}}]}` events and `data: [DONE]`.
 * Answers are validated here, at the edge: a server that says something else is reported as
 * such, never half-read.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
}

export interface ChatAnswer {
  content: string;
  /** 'stop', 'length' (the token limit), or null when the server did not say. */
  finishReason: string | null;
  usage?: { prompt: number; completion: number };
  /** Thinking models (reasoning_content) may spend the whole limit thinking: a hint for errors. */
  reasoned: boolean;
}

export interface ChatOptions {
  /** The whole exchange; a model on a CPU writes a few tokens a second. Default 180 s. */
  timeoutMs?: number;
  /** Attempts when the server cannot be reached (non-streaming only); default 2. */
  attempts?: number;
}

const CHAT_PATH = '/v1/chat/completions';
const DEFAULT_TIMEOUT_MS = 180_000;

const usageSchema = z
  .object({ prompt_tokens: z.number(), completion_tokens: z.number() })
  .nullish()
  .catch(null);

const modelsSchema = z.object({
  data: z.array(z.object({ id: z.string() })),
});

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          reasoning_content: z.string().nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema,
});

const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({ content: z.string().nullish(), reasoning_content: z.string().nullish() })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: usageSchema,
});

const toUsage = (u: z.output<typeof usageSchema>) =>
  u ? { prompt: u.prompt_tokens, completion: u.completion_tokens } : undefined;

function body(request: ChatRequest, stream: boolean): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages,
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    stream,
    // Without it llama-server, Ollama and OpenAI leave the token counts out of a stream.
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
}

function notTheProtocol(target: EngineTarget, what: string, error: z.ZodError): AppError {
  const issue = error.issues[0];
  return new AppError(
    'engine_failed',
    `${target.label} answered ${what} in a shape that is not the OpenAI chat API (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'})`,
    { reason: 'protocol' },
  );
}

/** The models the server lists, in its order (llama-server: the one it loaded). */
export async function listModels(
  target: EngineTarget,
  options: { timeoutMs?: number; attempts?: number } = {},
): Promise<string[]> {
  const res = await engineRequest(target, '/v1/models', {
    timeoutMs: options.timeoutMs ?? 10_000,
    attempts: options.attempts ?? 2,
  });
  const parsed = modelsSchema.safeParse(res.json());
  if (!parsed.success) throw notTheProtocol(target, 'GET /v1/models', parsed.error);
  return parsed.data.data.map((m) => m.id).filter(Boolean);
}

/** One answer, whole: through the shared engine client. */
export async function completeChat(
  target: EngineTarget,
  request: ChatRequest,
  options: ChatOptions = {},
): Promise<ChatAnswer> {
  const res = await engineRequest(target, CHAT_PATH, {
    json: body(request, false),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    attempts: options.attempts ?? 2,
  });
  return readCompletion(target, res.json());
}

function readCompletion(target: EngineTarget, json: unknown): ChatAnswer {
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) throw notTheProtocol(target, `POST ${CHAT_PATH}`, parsed.error);
  const choice = parsed.data.choices[0]!;
  return {
    content: choice.message.content ?? '',
    finishReason: choice.finish_reason ?? null,
    usage: toUsage(parsed.data.usage),
    reasoned: Boolean(choice.message.reasoning_content),
  };
}

/** The errno-like code behind fetch's "fetch failed" TypeError (httpClient keeps its own private). */
function causeCode(err: unknown): string | null {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return null;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * One answer, streamed: `onDelta` gets each piece of content as it arrives. This is the one
 * place that calls fetch itself instead of `engineRequest`: the shared client reads a body whole
 * before it returns, and the point of streaming is to show the words while they are written.
 * Its error style is kept: `engine_failed`, the server's own words, `details.reason`
 * "unreachable" / "status" (and "dropped" when the connection broke mid-answer), the address
 * only redacted in details. Not retried: an interactive click is cheaper to repeat than to wait
 * through backoff for.
 */
export async function streamChat(
  target: EngineTarget,
  request: ChatRequest,
  onDelta: (text: string) => void,
  options: ChatOptions = {},
): Promise<ChatAnswer> {
  const url = joinUrl(target.url, CHAT_PATH);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        ...target.headers,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify(body(request, true)),
      signal: timeout,
    });
  } catch (err) {
    const code = causeCode(err);
    const why = timeout.aborted
      ? `gave no answer within ${seconds(timeoutMs)}`
      : `cannot be reached (${code ?? (err as Error).message})`;
    appLog.warn('engine', `POST ${redact(url)}: ${why}`);
    throw new AppError('engine_failed', `${target.label} ${why}`, {
      reason: 'unreachable',
      url: redact(url),
    });
  }
  if (!res.ok) {
    const words = engineWords(Buffer.from(await res.arrayBuffer().catch(() => new ArrayBuffer(0))));
    appLog.warn('engine', `POST ${redact(url)} → ${res.status}: ${words}`);
    throw new AppError(
      'engine_failed',
      `${target.label} refused POST ${CHAT_PATH} (HTTP ${res.status})${words ? `: ${words}` : ''}`,
      { reason: 'status', status: res.status, body: words },
    );
  }
  // A server that ignores `stream` answers with the whole completion as JSON: take it so.
  if (!/text\/event-stream/i.test(res.headers.get('content-type') ?? '')) {
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError(
        'engine_failed',
        `${target.label} answered POST ${CHAT_PATH} with something that is neither a stream nor JSON: ${engineWords(Buffer.from(text), 120)}`,
        { reason: 'protocol' },
      );
    }
    const answer = readCompletion(target, json);
    if (answer.content) onDelta(answer.content);
    return answer;
  }
  return readStream(target, res, timeout, timeoutMs, onDelta);
}

async function readStream(
  target: EngineTarget,
  res: Response,
  timeout: AbortSignal,
  timeoutMs: number,
  onDelta: (text: string) => void,
): Promise<ChatAnswer> {
  const sse = new SseReader();
  let content = '';
  let finishReason: string | null = null;
  let usage: ChatAnswer['usage'];
  let reasoned = false;
  let done = false;

  const take = (events: ReturnType<SseReader['push']>) => {
    for (const e of events) {
      if (done) return;
      if (e.data.trim() === '[DONE]') {
        done = true;
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(e.data);
      } catch {
        throw new AppError(
          'engine_failed',
          `${target.label} sent a stream event that is not JSON: ${e.data.slice(0, 120)}`,
          { reason: 'protocol' },
        );
      }
      // llama-server reports a failure after the headers went out as an event of its own:
      // `data: {"error": {…}}`, or `error: {…}` in older builds.
      if (e.event === 'error' || (typeof json === 'object' && json !== null && 'error' in json)) {
        const words = engineWords(Buffer.from(e.data));
        throw new AppError(
          'engine_failed',
          `${target.label} failed in the middle of the answer${words ? `: ${words}` : ''}`,
          { reason: 'status', body: words },
        );
      }
      const chunk = chunkSchema.safeParse(json);
      if (!chunk.success) throw notTheProtocol(target, 'a stream event', chunk.error);
      for (const choice of chunk.data.choices.slice(0, 1)) {
        const piece = choice.delta?.content;
        if (piece) {
          content += piece;
          onDelta(piece);
        }
        if (choice.delta?.reasoning_content) reasoned = true;
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      usage = toUsage(chunk.data.usage) ?? usage;
    }
  };

  // Node's fetch types its body loosely; the bytes are bytes.
  const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      take(sse.push(value));
      if (done) break;
    }
    if (!done) take(sse.end());
  } catch (err) {
    if (err instanceof AppError) throw err;
    const why = timeout.aborted
      ? `did not finish its answer within ${seconds(timeoutMs)}`
      : `closed the connection in the middle of the answer (${causeCode(err) ?? (err as Error).message}, after ${content.length} characters)`;
    throw new AppError('engine_failed', `${target.label} ${why}`, { reason: 'dropped' });
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  // An orderly end without [DONE] or a finish_reason is a server that stopped writing mid-way.
  if (!done && finishReason === null)
    throw new AppError(
      'engine_failed',
      `${target.label} ended the answer before it was finished (after ${content.length} characters)`,
      { reason: 'dropped' },
    );
  return { content, finishReason, usage, reasoned };
}
