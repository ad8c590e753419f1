import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../src-main/contract';
import {
  enhancedParams,
  NO_CHAT_ENDPOINT,
  type AssistantDelta,
} from '../../../src-main/contract/assistant';
import { cleanAnswer } from '../../../src-main/core/generate/assistant/clean';
import { SseReader } from '../../../src-main/core/generate/assistant/sse';
import { ChatFake, tokensOf } from '../../fakes/chatFake';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore;
let fake: ChatFake;

beforeEach(async () => {
  t = await openTestCore();
  fake = await new ChatFake({ models: ['qwen2.5-1.5b-instruct', 'llama3.2:3b'] }).start();
});
afterEach(async () => {
  await fake.stop();
  await t.close();
});

const TAGS = 'builtin-detailed-tags';
const NATURAL = 'builtin-natural-language';

async function addServer(name = 'studio llama', url = fake.url, extra: object = {}) {
  return t.call('engines.addEndpoint', { kind: 'llm', name, url, ...extra });
}

/** The api's error for a call that must fail. */
async function failure<M extends Parameters<TestCore['call']>[0]>(
  method: M,
  input: MethodInput<M>,
) {
  const r = await t.api.invoke(method, input);
  if (r.ok) throw new Error(`${method} succeeded: ${JSON.stringify(r.value)}`);
  return r.error;
}

function collectDeltas(requestId: string): { texts: string[]; at: number[] } {
  const out = { texts: [] as string[], at: [] as number[] };
  t.core.events.on('assistant.delta', (d: AssistantDelta) => {
    if (d.requestId !== requestId) return;
    out.texts.push(d.text);
    out.at.push(performance.now());
  });
  return out;
}

describe('without a chat server', () => {
  it('says how to add one, and Enhance refuses with the same words', async () => {
    expect(await t.call('assistant.status', {})).toEqual({
      available: false,
      endpoints: [],
      problem: NO_CHAT_ENDPOINT,
    });
    expect(NO_CHAT_ENDPOINT).toBe(
      'No chat endpoint: add an OpenAI-compatible server (llama-server, Ollama, LM Studio) in Settings → Engines as an LLM server',
    );
    const e = await failure('assistant.enhance', { prompt: 'a fox', templateId: TAGS });
    expect(e).toMatchObject({ code: 'unavailable', message: NO_CHAT_ENDPOINT });
  });

  it('a server that is turned off is named, and so is a server of another kind', async () => {
    const off = await addServer('attic llama', fake.url, { enabled: false });
    const s = await t.call('assistant.status', {});
    expect(s.available).toBe(false);
    expect(s.problem).toBe(
      "The LLM server 'attic llama' is turned off: turn it on in Settings → Engines",
    );
    expect(
      await failure('assistant.enhance', { prompt: 'a fox', templateId: TAGS, endpointId: off.id }),
    ).toMatchObject({ code: 'unavailable', message: expect.stringContaining('is turned off') });
    const comfy = await t.call('engines.addEndpoint', {
      kind: 'comfyui',
      name: 'gpu box',
      url: 'http://127.0.0.1:9',
    });
    expect(
      await failure('assistant.enhance', {
        prompt: 'a fox',
        templateId: TAGS,
        endpointId: comfy.id,
      }),
    ).toMatchObject({
      code: 'invalid_input',
      message:
        "ComfyUI 'gpu box' is not an LLM server: Enhance needs an OpenAI-compatible chat server",
    });
  });
});

describe('shipped templates', () => {
  it('are listed first, read-only, and tell the model to answer with the prompt only and keep the syntax', async () => {
    const list = await t.call('promptTemplates.list', {});
    expect(list.map((x) => [x.id, x.name, x.system])).toEqual([
      ['builtin-detailed-tags', 'Detailed (SD 1.5 tags)', true],
      ['builtin-natural-language', 'Natural language (Flux/SDXL)', true],
      ['builtin-short', 'Short and punchy', true],
    ]);
    for (const tpl of list) {
      expect(tpl.systemPrompt).toContain('Answer with the prompt only');
      expect(tpl.systemPrompt).toContain('<lora:name:0.8>');
      expect(tpl.systemPrompt).toContain('[red, blue]');
      expect(tpl.systemPrompt).toContain('__season__');
      expect(tpl.systemPrompt).toContain('{target}');
      expect(tpl.maxTokens).toBeGreaterThan(0);
    }
    expect(list[0]).toMatchObject({ targetModel: 'sd15', maxTokens: 200, temperature: 0.7 });
  });
});

describe('status with a server', () => {
  it('lists the enabled LLM servers; a probe asks each for its models', async () => {
    const e = await addServer();
    expect(await t.call('assistant.status', {})).toEqual({
      available: true,
      endpoints: [{ id: e.id, name: 'studio llama' }],
      problem: null,
    });
    expect(fake.requests).toEqual([]); // without a probe, nothing is asked
    expect(await t.call('assistant.status', { probe: true })).toEqual({
      available: true,
      endpoints: [
        {
          id: e.id,
          name: 'studio llama',
          model: 'qwen2.5-1.5b-instruct',
          models: ['qwen2.5-1.5b-instruct', 'llama3.2:3b'],
        },
      ],
      problem: null,
    });
    await fake.stop();
    const down = await t.call('assistant.status', { probe: true });
    expect(down.available).toBe(false);
    expect(down.endpoints[0]!.problem).toMatch(/^LLM server 'studio llama' cannot be reached/);
    expect(down.problem).toMatch(
      /^No LLM server is ready: LLM server 'studio llama' cannot be reached/,
    );
  });
});

describe('enhance', () => {
  it('without streaming: sends the template, the prompt and the server’s first model; keeps both prompts', async () => {
    const e = await addServer();
    fake.reply =
      'a majestic red fox, thick winter fur, snowy pine forest, golden hour, highly detailed';
    const r = await t.call('assistant.enhance', {
      prompt: 'a red fox in the snow',
      templateId: TAGS,
      stream: false,
      requestId: 'form-1',
    });
    expect(r).toMatchObject({
      original: 'a red fox in the snow',
      enhanced: fake.reply,
      templateId: TAGS,
      endpointId: e.id,
      model: 'qwen2.5-1.5b-instruct',
      requestId: 'form-1',
      truncated: false,
      warnings: [],
      tokens: { prompt: expect.any(Number), completion: tokensOf(fake.reply as string).length },
    });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);

    expect(fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /v1/models',
      'POST /v1/chat/completions',
    ]);
    const [tpl] = await t.call('promptTemplates.list', {});
    const sent = fake.chats[0]!;
    expect(sent).toEqual({
      model: 'qwen2.5-1.5b-instruct',
      messages: [
        {
          role: 'system',
          content: tpl!.systemPrompt.replaceAll('{target}', 'Stable Diffusion 1.5'),
        },
        { role: 'user', content: 'a red fox in the snow' },
      ],
      max_tokens: 200,
      temperature: 0.7,
      stream: false,
    });
    expect(enhancedParams(r.original, r.enhanced)).toEqual({
      prompt: fake.reply,
      originalPrompt: 'a red fox in the snow',
    });

    // The model list is remembered for a while: the next Enhance is one round trip.
    await t.call('assistant.enhance', { prompt: 'a cat', templateId: NATURAL, stream: false });
    expect(fake.requests.map((q) => q.path)).toEqual([
      '/v1/models',
      '/v1/chat/completions',
      '/v1/chat/completions',
    ]);
    expect(fake.chats[1]!.messages![0]!.content).toContain('You rewrite image prompts for Flux.');
    expect(fake.chats[1]!.max_tokens).toBe(300);
  });

  it('streaming: deltas arrive in order while the model writes, and join to the result', async () => {
    await addServer();
    fake.reply =
      'a majestic red fox, <lora:foxy:0.8>, thick winter fur, [dawn, dusk] light, __season__ forest';
    fake.chunkDelayMs = 15;
    const deltas = collectDeltas('stream-1');
    const r = await t.call('assistant.enhance', {
      prompt: 'a red fox <lora:foxy:0.8>, [dawn, dusk], __season__',
      templateId: TAGS,
      model: 'llama3.2:3b',
      requestId: 'stream-1',
    });
    const done = performance.now();
    const tokens = tokensOf(fake.reply);
    expect(deltas.texts).toEqual(tokens);
    expect(deltas.texts.join('')).toBe(r.enhanced);
    expect(r).toMatchObject({
      model: 'llama3.2:3b',
      truncated: false,
      warnings: [],
      tokens: { completion: tokens.length },
    });
    // As they came, not all at the end: the first one long before the answer was complete.
    expect(done - deltas.at[0]!).toBeGreaterThan(fake.chunkDelayMs * (tokens.length - 3));
    // The caller's model was used, so the server was not asked for its list.
    expect(fake.requests.map((q) => q.path)).toEqual(['/v1/chat/completions']);
    expect(fake.chats[0]).toMatchObject({
      model: 'llama3.2:3b',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 200,
    });
    expect(fake.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it('without a requestId, one is made up and returned with the deltas under it', async () => {
    await addServer();
    const seen: AssistantDelta[] = [];
    t.core.events.on('assistant.delta', (d) => seen.push(d));
    const r = await t.call('assistant.enhance', { prompt: 'a fox', templateId: TAGS });
    expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(seen.map((d) => d.requestId))).toEqual(new Set([r.requestId]));
    expect(seen.map((d) => d.text).join('')).toBe('a red fox in the snow');
  });

  it('cleans what small models wrap around the prompt; the deltas stay raw', async () => {
    await addServer();
    const cases: Array<[reply: string, expected: string]> = [
      ['"a fox in the snow, golden hour"', 'a fox in the snow, golden hour'],
      ['Prompt: “a fox in the snow”', 'a fox in the snow'],
      ['```\nEnhanced prompt: "a fox, snow"\n```', 'a fox, snow'],
      [
        'Sure! Here is the enhanced prompt:\n\na fox in the snow, soft light\n\nNote: I added lighting.',
        'a fox in the snow, soft light',
      ],
      ['<think>The user wants a fox.</think>\n\na fox, snow', 'a fox, snow'],
    ];
    for (const [i, [reply, expected]] of cases.entries()) {
      fake.reply = reply;
      const deltas = collectDeltas(`clean-${i}`);
      const r = await t.call('assistant.enhance', {
        prompt: 'a fox',
        templateId: TAGS,
        requestId: `clean-${i}`,
      });
      expect(r.enhanced).toBe(expected);
      expect(deltas.texts.join('')).toBe(reply);
    }
  });

  it('puts back a LoRA tag the model dropped, and says what it lost or cut', async () => {
    await addServer();
    fake.reply = 'a red fox in deep snow, soft morning light';
    const r = await t.call('assistant.enhance', {
      prompt: 'a red fox <lora:foxy:0.8> in __season__',
      templateId: TAGS,
      stream: false,
    });
    expect(r.enhanced).toBe('a red fox in deep snow, soft morning light <lora:foxy:0.8>');
    expect(r.warnings).toEqual([
      'The model left out <lora:foxy:0.8>: put back at the end of the prompt',
      'The model left out the wildcard __season__: the prompt no longer varies there',
    ]);

    const short = await t.call('promptTemplates.set', {
      name: 'Tiny',
      systemPrompt: 'Rewrite the prompt. Answer with the prompt only.',
      maxTokens: 16,
    });
    fake.reply = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const cut = await t.call('assistant.enhance', { prompt: 'a fox', templateId: short.id });
    expect(cut.truncated).toBe(true);
    expect(cut.enhanced.split(' ')).toHaveLength(16);
    expect(cut.warnings[0]).toBe(
      "The answer stopped at the template's limit of 16 tokens: it may end mid-sentence",
    );
  });

  it('sends the server’s sign-in on both paths', async () => {
    await fake.stop();
    fake = await new ChatFake({ apiKey: 'sk-local-123' }).start();
    await addServer('locked', fake.url, { auth: { type: 'bearer', token: 'sk-local-123' } });
    for (const stream of [false, true]) {
      const r = await t.call('assistant.enhance', { prompt: 'a fox', templateId: TAGS, stream });
      expect(r.enhanced).toBe('a red fox in the snow');
    }
    expect(fake.requests.every((q) => q.headers.authorization === 'Bearer sk-local-123')).toBe(
      true,
    );
  });
});

describe('enhance errors', () => {
  it('a server error carries the server’s own words, streamed or not', async () => {
    await addServer();
    fake.failure = { kind: 'status', status: 500, message: 'failed to load model' };
    for (const stream of [false, true]) {
      const e = await failure('assistant.enhance', {
        prompt: 'a fox',
        templateId: TAGS,
        model: 'm',
        stream,
      });
      expect(e).toMatchObject({
        code: 'engine_failed',
        message:
          "LLM server 'studio llama' refused POST /v1/chat/completions (HTTP 500): failed to load model",
        details: { reason: 'status', status: 500 },
      });
    }
  });

  it('a connection dropped mid-stream, or an error reported in the stream', async () => {
    await addServer();
    fake.reply = 'one two three four five six';
    fake.failure = { kind: 'drop', afterChunks: 3 };
    const deltas = collectDeltas('drop');
    const e = await failure('assistant.enhance', {
      prompt: 'a fox',
      templateId: TAGS,
      requestId: 'drop',
    });
    expect(e.code).toBe('engine_failed');
    expect(e.message).toMatch(
      /^LLM server 'studio llama' closed the connection in the middle of the answer \(.+, after 13 characters\)$/,
    );
    expect(e.details).toEqual({ reason: 'dropped' });
    expect(deltas.texts).toEqual(['one', ' two', ' three']);

    fake.failure = { kind: 'streamError', afterChunks: 2, message: 'the context is full' };
    expect(await failure('assistant.enhance', { prompt: 'a fox', templateId: TAGS })).toMatchObject(
      {
        code: 'engine_failed',
        message:
          "LLM server 'studio llama' failed in the middle of the answer: the context is full",
      },
    );
  });

  it('an unreachable server: engine_failed naming the server, the address only redacted in details', async () => {
    await addServer();
    const url = fake.url;
    await fake.stop();
    for (const input of [
      { prompt: 'a fox', templateId: TAGS }, // asks /v1/models first, through the engine client
      { prompt: 'a fox', templateId: TAGS, model: 'm' }, // straight to the stream
      { prompt: 'a fox', templateId: TAGS, model: 'm', stream: false },
    ]) {
      const e = await failure('assistant.enhance', input);
      expect(e.code).toBe('engine_failed');
      expect(e.message).toBe("LLM server 'studio llama' cannot be reached (ECONNREFUSED)");
      expect(e.message).not.toContain(url);
      expect(e.details).toMatchObject({
        reason: 'unreachable',
        url: expect.stringContaining('/v1/'),
      });
    }
  });

  it('an empty answer: "the model returned nothing", with the reason when it ran out of tokens', async () => {
    await addServer();
    for (const reply of ['', '   ', '""', '```\n```']) {
      fake.reply = reply;
      const e = await failure('assistant.enhance', {
        prompt: 'a fox',
        templateId: TAGS,
        model: 'm',
      });
      expect(e).toMatchObject({
        code: 'engine_failed',
        message: "LLM server 'studio llama' (m): the model returned nothing",
      });
    }
    // A thinking model that spent the whole limit thinking.
    await fake.stop();
    fake = await new ChatFake({ reasoning: 'Let me think about foxes. '.repeat(10) }).start();
    const e2 = await addServer('thinker');
    const tiny = await t.call('promptTemplates.set', {
      name: 'Tiny',
      systemPrompt: 'Rewrite the prompt. Answer with the prompt only.',
      maxTokens: 16,
    });
    for (const stream of [false, true]) {
      const e = await failure('assistant.enhance', {
        prompt: 'a fox',
        templateId: tiny.id,
        endpointId: e2.id,
        stream,
      });
      expect(e.message).toBe(
        "LLM server 'thinker' (qwen2.5-1.5b-instruct-q4_k_m.gguf): the model returned nothing (it spent the template's 16 tokens thinking: raise the limit or use a model that does not think)",
      );
    }
  });

  it('a server without models, a missing template, and prompts that are too long or blank', async () => {
    await addServer();
    fake.models = [];
    expect(await failure('assistant.enhance', { prompt: 'a fox', templateId: TAGS })).toMatchObject(
      {
        code: 'engine_failed',
        message: expect.stringContaining("LLM server 'studio llama' lists no models"),
      },
    );
    expect(
      await failure('assistant.enhance', { prompt: 'a fox', templateId: 'nope', model: 'm' }),
    ).toMatchObject({ code: 'not_found', message: 'No prompt template nope' });
    expect(
      (await failure('assistant.enhance', { prompt: 'x'.repeat(8001), templateId: TAGS })).message,
    ).toContain('A prompt may be at most 8,000 characters');
    expect(
      (await failure('assistant.enhance', { prompt: '  \n ', templateId: TAGS })).message,
    ).toContain('Write a prompt to enhance first');
  });
});

describe('template CRUD', () => {
  it('creates and changes templates; shipped ones refuse edits and deletes; names are unique without case', async () => {
    const changed: string[] = [];
    t.core.events.on('promptTemplates.changed', ({ id }) => changed.push(id));
    const mine = await t.call('promptTemplates.set', {
      name: 'Cinematic SDXL',
      systemPrompt: 'Rewrite the prompt as a film still. Answer with the prompt only.',
      targetModel: 'sdxl',
    });
    expect(mine).toMatchObject({
      name: 'Cinematic SDXL',
      maxTokens: 300,
      temperature: 0.7,
      targetModel: 'sdxl',
      system: false,
    });
    const edited = await t.call('promptTemplates.set', {
      id: mine.id,
      name: 'Cinematic (SDXL)',
      systemPrompt: mine.systemPrompt,
      targetModel: 'sdxl',
      maxTokens: 120,
      temperature: 0.4,
    });
    expect(edited).toMatchObject({
      id: mine.id,
      name: 'Cinematic (SDXL)',
      maxTokens: 120,
      temperature: 0.4,
    });
    expect((await t.call('promptTemplates.list', {})).map((x) => x.name)).toEqual([
      'Detailed (SD 1.5 tags)',
      'Natural language (Flux/SDXL)',
      'Short and punchy',
      'Cinematic (SDXL)',
    ]);

    // Without {target}, the family is still named at the end of the system prompt.
    await addServer();
    await t.call('assistant.enhance', { prompt: 'a fox', templateId: mine.id, model: 'm' });
    expect(fake.chats[0]!.messages![0]!.content).toBe(
      'Rewrite the prompt as a film still. Answer with the prompt only.\n\nThe prompt is for Stable Diffusion XL (SDXL).',
    );
    expect(fake.chats[0]).toMatchObject({ max_tokens: 120, temperature: 0.4 });

    expect(
      await failure('promptTemplates.set', {
        name: 'short AND punchy',
        systemPrompt: 'Something else entirely.',
      }),
    ).toMatchObject({
      code: 'conflict',
      message: 'There is already a prompt template named “Short and punchy”',
    });
    expect(
      await failure('promptTemplates.set', {
        id: 'builtin-short',
        name: 'Short and punchy',
        systemPrompt: 'Be brief, answer with the prompt only.',
      }),
    ).toMatchObject({
      code: 'conflict',
      message:
        '“Short and punchy” ships with Atelier and is read-only: save a copy under another name',
    });
    expect(await failure('promptTemplates.delete', { id: 'builtin-short' })).toMatchObject({
      code: 'conflict',
      message: '“Short and punchy” ships with Atelier and cannot be deleted',
    });
    expect(
      await failure('promptTemplates.set', {
        id: 'nope',
        name: 'X',
        systemPrompt: 'A sentence here.',
      }),
    ).toMatchObject({ code: 'not_found' });
    expect(
      (
        await failure('promptTemplates.set', {
          name: 'X',
          systemPrompt: 'short',
          maxTokens: 100_000,
        })
      ).code,
    ).toBe('invalid_input');

    expect(await t.call('promptTemplates.delete', { id: mine.id })).toEqual({ deleted: true });
    expect(await t.call('promptTemplates.delete', { id: mine.id })).toEqual({ deleted: false });
    expect(changed).toEqual([mine.id, mine.id, mine.id]);
  });
});

describe('the fake speaks llama-server’s wire format', () => {
  it('SSE: data lines and blank lines, the role chunk, content chunks, finish, usage, [DONE]', async () => {
    fake.reply = 'a red fox';
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'x',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const events = text.split('\n\n');
    expect(events.pop()).toBe('');
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => {
      expect(e).toMatch(/^data: \{/);
      return JSON.parse(e.slice(6)) as {
        choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
        object: string;
        usage?: unknown;
      };
    });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: null });
    expect(chunks.slice(1, 4).map((c) => c.choices[0]!.delta.content)).toEqual([
      'a',
      ' red',
      ' fox',
    ]);
    expect(chunks[4]!.choices[0]).toEqual({ finish_reason: 'stop', index: 0, delta: {} });
    expect(chunks[5]).toMatchObject({
      choices: [],
      usage: {
        completion_tokens: 3,
        prompt_tokens: expect.any(Number),
        total_tokens: expect.any(Number),
      },
    });

    const whole = (await (
      await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
      })
    ).json()) as Record<string, unknown>;
    expect(whole).toMatchObject({
      object: 'chat.completion',
      choices: [
        { finish_reason: 'stop', index: 0, message: { role: 'assistant', content: 'a red fox' } },
      ],
      usage: { completion_tokens: 3 },
    });
    fake.failure = {
      kind: 'status',
      status: 503,
      message: 'Loading model',
      type: 'unavailable_error',
    };
    const err = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(err.status).toBe(503);
    expect(await err.json()).toEqual({
      error: { code: 503, message: 'Loading model', type: 'unavailable_error' },
    });
  });
});

describe('pure parts', () => {
  it('the SSE reader copes with any split: mid-line, mid-CRLF, mid-character', () => {
    const wire = Buffer.from(
      ': keep-alive\r\n\r\ndata: {"t":"héllo 🦊"}\r\n\r\nevent: ping\ndata: a\ndata: b\n\nerror: {"message":"x"}\n\ndata: [DONE]\n\n',
    );
    const expected = [
      { event: 'message', data: '{"t":"héllo 🦊"}' },
      { event: 'ping', data: 'a\nb' },
      { event: 'error', data: '{"message":"x"}' },
      { event: 'message', data: '[DONE]' },
    ];
    for (let cut = 1; cut < wire.length; cut++) {
      const r = new SseReader();
      const got = [...r.push(wire.subarray(0, cut)), ...r.push(wire.subarray(cut)), ...r.end()];
      expect(got).toEqual(expected);
    }
    const bytes = new SseReader();
    const one = [...wire].flatMap((b) => bytes.push(Uint8Array.of(b)));
    expect(one).toEqual(expected);
    // An event the connection cut before its blank line is not an event.
    const cutOff = new SseReader();
    expect([...cutOff.push(Buffer.from('data: {"a":1}\n')), ...cutOff.end()]).toEqual([]);
  });

  it('cleaning keeps the words and only removes wrapping', () => {
    const clean = (raw: string, original = 'x') => cleanAnswer(raw, original, 8000).text;
    expect(clean('"a cat" and "a dog" on a sofa')).toBe('"a cat" and "a dog" on a sofa');
    expect(clean("'a cat on a sofa'")).toBe('a cat on a sofa');
    expect(clean('«a cat»')).toBe('a cat');
    expect(clean('```text\na cat,\nsoft light\n```\nThis prompt adds light.')).toBe(
      'a cat,\nsoft light',
    );
    expect(clean('```a cat```')).toBe('a cat');
    expect(clean('**Prompt:** a cat, (sofa:1.2)')).toBe('a cat, (sofa:1.2)');
    expect(clean('Here is a more detailed version:\n"a cat"')).toBe('a cat');
    expect(clean('a cat\n\nThis prompt focuses on the cat.')).toBe('a cat');
    expect(clean('a cat\n\na dog on the stairs')).toBe('a cat\na dog on the stairs');
    expect(clean('<think>hmm')).toBe('');
    expect(clean('reasoning first</think>a cat')).toBe('a cat');
    const long = cleanAnswer(`${'word, '.repeat(2000)}end`, 'x <lora:a:1>', 8000);
    expect(long.text.length).toBeLessThanOrEqual(8000);
    expect(long.text.endsWith('word <lora:a:1>')).toBe(true);
    expect(long.warnings[0]).toBe('The answer was longer than 8,000 characters: it was cut');
  });
});
