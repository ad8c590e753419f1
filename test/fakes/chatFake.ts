// A stand-in for an OpenAI-compatible chat server, in the shapes llama.cpp's llama-server writes
// (tools/server: server-task.cpp to_json_oaicompat_chat / _chat_stream, server-common.cpp
// format_oai_sse and format_error_response; Ollama and LM Studio answer the same routes in the
// same shapes, with fewer extra fields).
//
// GET  /v1/models            → {"object":"list","data":[{"id","object":"model","created","owned_by","meta"}]}
// POST /v1/chat/completions  → stream false: {"choices":[{"finish_reason","index","message":{"role","content"}}],
//                              "created","model","system_fingerprint","object":"chat.completion",
//                              "usage":{"completion_tokens","prompt_tokens","total_tokens"},"id","timings"}
//                            → stream true: Content-Type text/event-stream, each event `data: {json}` and a
//                              blank line: a first chunk with delta {"role":"assistant","content":null},
//                              one chunk per token with delta {"content":"…"}, a last chunk with the
//                              finish_reason and delta {}, then (with stream_options.include_usage) a
//                              chunk with "choices":[] and "usage", then `data: [DONE]`.
// Errors: {"error":{"code","message","type"}} with that status, as llama-server's res_error.
//
// Synthesized: the "tokens" (the reply split before each run of spaces, so they join back to it
// exactly), the counts and timings, ids. The reply is cut at max_tokens with finish_reason
// "length", as the real server stops.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatFakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined for a GET, the raw text when it was not JSON). */
  body: unknown;
}

export interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  max_tokens?: number;
  temperature?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

export type ChatFakeFailure =
  /** Answer every chat request with this status and llama-server's error JSON. */
  | { kind: 'status'; status: number; message: string; type?: string }
  /** Destroy the connection after this many content chunks (0: before any answer at all). */
  | { kind: 'drop'; afterChunks: number }
  /** After this many content chunks, report a failure in the stream, as llama-server does. */
  | { kind: 'streamError'; afterChunks: number; message: string };

export interface ChatFakeOptions {
  /** What /v1/models lists; the first is the default. */
  models?: string[];
  /** The assistant's answer: text, or made from the request. */
  reply?: string | ((body: ChatBody) => string);
  /** Wait this long before each streamed chunk. */
  chunkDelayMs?: number;
  /** Require `Authorization: Bearer <apiKey>` (llama-server --api-key). */
  apiKey?: string;
  /**
   * Think before answering, as llama-server does with --reasoning-format: `reasoning_content`
   * (a message field, or deltas) that spends max_tokens before the answer does.
   */
  reasoning?: string;
}

const FINGERPRINT = 'b6097-9515c613';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomId = () =>
  Array.from({ length: 32 }, () =>
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.charAt(
      Math.floor(Math.random() * 62),
    ),
  ).join('');

/** The reply as "tokens": each starts with the spaces before it, so they join back exactly. */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export class ChatFake {
  readonly requests: ChatFakeRequest[] = [];
  models: string[];
  reply: string | ((body: ChatBody) => string);
  chunkDelayMs: number;
  failure: ChatFakeFailure | null = null;
  private server: Server | null = null;
  port = 0;

  constructor(private readonly opts: ChatFakeOptions = {}) {
    this.models = opts.models ?? ['qwen2.5-1.5b-instruct-q4_k_m.gguf'];
    this.reply = opts.reply ?? 'a red fox in the snow';
    this.chunkDelayMs = opts.chunkDelayMs ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The bodies of the chat requests, in order. */
  get chats(): ChatBody[] {
    return this.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .map((r) => r.body as ChatBody);
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (raw += d));
      req.on('end', () => {
        void this.route(req, res, raw).catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every open connection, like a server that died. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }

  private async route(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    if (this.opts.apiKey && req.headers.authorization !== `Bearer ${this.opts.apiKey}`)
      return this.error(res, 401, 'Invalid API Key', 'authentication_error');
    if (req.method === 'GET' && path === '/v1/models') return this.listModels(res);
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (typeof body !== 'object' || body === null)
        return this.error(
          res,
          400,
          'Failed to parse the request body as JSON',
          'invalid_request_error',
        );
      return this.chat(res, body as ChatBody);
    }
    return this.error(res, 404, 'File Not Found', 'not_found_error');
  }

  private send(res: ServerResponse, status: number, json: unknown): void {
    const text = JSON.stringify(json);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private error(res: ServerResponse, code: number, message: string, type: string): void {
    this.send(res, code, { error: { code, message, type } });
  }

  private listModels(res: ServerResponse): void {
    const created = Math.floor(Date.now() / 1000);
    this.send(res, 200, {
      object: 'list',
      data: this.models.map((id) => ({
        id,
        object: 'model',
        created,
        owned_by: 'llamacpp',
        meta: {
          vocab_type: 2,
          n_vocab: 151936,
          n_ctx_train: 32768,
          n_embd: 1536,
          n_params: 1543714304,
          size: 1117320736,
        },
      })),
    });
  }

  private async chat(res: ServerResponse, body: ChatBody): Promise<void> {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      return this.error(res, 400, "'messages' is required", 'invalid_request_error');
    const f = this.failure;
    if (f?.kind === 'status') return this.error(res, f.status, f.message, f.type ?? 'server_error');
    if (f?.kind === 'drop' && (f.afterChunks === 0 || !body.stream)) {
      res.socket?.destroy();
      return;
    }

    const text = typeof this.reply === 'function' ? this.reply(body) : this.reply;
    const all = tokensOf(text);
    const limit =
      typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : Infinity;
    // Thinking spends the same budget as the answer, first.
    const allThought = tokensOf(this.opts.reasoning ?? '');
    const thought = allThought.slice(0, limit);
    const tokens = all.slice(0, Math.max(0, limit - thought.length));
    const finish =
      tokens.length < all.length || thought.length < allThought.length ? 'length' : 'stop';
    const model = body.model || this.models[0]!;
    const promptTokens =
      body.messages.reduce((n, m) => n + tokensOf(String(m.content)).length, 0) + 10;
    const completionTokens = thought.length + tokens.length;
    const usage = {
      completion_tokens: completionTokens,
      prompt_tokens: promptTokens,
      total_tokens: completionTokens + promptTokens,
    };
    const timings = {
      cache_n: 0,
      prompt_n: promptTokens,
      prompt_ms: 21.4,
      prompt_per_token_ms: 21.4 / promptTokens,
      prompt_per_second: (promptTokens * 1000) / 21.4,
      predicted_n: completionTokens,
      predicted_ms: 12.5 * completionTokens,
      predicted_per_token_ms: 12.5,
      predicted_per_second: 80,
    };
    const id = `chatcmpl-${randomId()}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      const message: Record<string, unknown> = { role: 'assistant', content: tokens.join('') };
      if (thought.length) message.reasoning_content = thought.join('');
      return this.send(res, 200, {
        choices: [{ finish_reason: finish, index: 0, message }],
        created,
        model,
        system_fingerprint: FINGERPRINT,
        object: 'chat.completion',
        usage,
        id,
        timings,
      });
    }

    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    // Each event is flushed before the next, as a server writing tokens does: a connection cut
    // after N chunks has delivered those N.
    const write = (text: string) =>
      new Promise<void>((resolve) => {
        if (res.destroyed) resolve();
        else res.write(text, () => resolve());
      });
    const event = (json: unknown) => write(`data: ${JSON.stringify(json)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
      choices: [{ finish_reason: finishReason, index: 0, delta }],
      created,
      id,
      model,
      system_fingerprint: FINGERPRINT,
      object: 'chat.completion.chunk',
    });
    await event(chunk({ role: 'assistant', content: null }, null));
    for (const piece of thought) await event(chunk({ reasoning_content: piece }, null));
    for (let i = 0; i < tokens.length; i++) {
      if (f?.kind === 'drop' && i === f.afterChunks) {
        res.socket?.destroy();
        return;
      }
      if (f?.kind === 'streamError' && i === f.afterChunks) {
        await event({ error: { code: 500, message: f.message, type: 'server_error' } });
        res.end();
        return;
      }
      if (this.chunkDelayMs) await sleep(this.chunkDelayMs);
      if (res.destroyed) return;
      await event(chunk({ content: tokens[i] }, null));
    }
    const includeUsage = body.stream_options?.include_usage === true;
    await event({ ...chunk({}, finish), ...(includeUsage ? {} : { timings }) });
    if (includeUsage)
      await event({
        choices: [],
        created,
        id,
        model,
        system_fingerprint: FINGERPRINT,
        object: 'chat.completion.chunk',
        usage,
        timings,
      });
    await write('data: [DONE]\n\n');
    res.end();
  }
}
