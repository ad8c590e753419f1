import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/contract/errors';
import { engineRequest, isUnreachable } from '../../../src-main/core/engines/httpClient';
import { openTestCore, type TestCore } from '../../helpers/core';
import { ReplayServer } from '../../helpers/replayHttp';

const recorded = (name: string) => path.resolve(__dirname, '../../fixtures/engines/http', name);

let t: TestCore | undefined;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  await t?.close();
  t = undefined;
});

async function countingServer(
  handler: (n: number, res: ServerResponse) => void,
): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(++n, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => n };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('engine servers in Settings → Engines', () => {
  it('adds a server with a clean address, keeps its password out of every answer, and refuses duplicates', async () => {
    t = await openTestCore();
    const e = await t.call('engines.addEndpoint', {
      kind: 'comfyui',
      name: 'studio-pc',
      url: 'studio-pc.local/',
      auth: { type: 'basic', user: 'ada', password: 's3cret-pw' },
    });
    expect(e).toMatchObject({
      url: 'http://studio-pc.local:8188',
      auth: 'basic',
      slots: 2,
      enabled: true,
      poolId: `endpoint:${e.id}`,
    });
    const status = await t.call('engines.status', {});
    expect(JSON.stringify(status)).not.toContain('s3cret-pw');
    expect(status.endpoints).toHaveLength(1);
    const dup = await t.api.invoke('engines.addEndpoint', {
      kind: 'comfyui',
      name: 'again',
      url: 'http://studio-pc.local:8188',
    });
    expect(dup.ok || dup.error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/studio-pc/),
    });
    for (const url of ['http://ada:pw@host:8188', 'ftp://host', 'http://host:8188/?x=1', '::::']) {
      const bad = await t.api.invoke('engines.addEndpoint', { kind: 'comfyui', name: 'x', url });
      expect(bad.ok || bad.error.code).toBe('invalid_input');
    }
    const updated = await t.call('engines.updateEndpoint', { id: e.id, slots: 3, enabled: false });
    expect(updated).toMatchObject({ slots: 3, enabled: false, auth: 'basic' });
    expect(await t.call('engines.removeEndpoint', { id: e.id })).toEqual({ removed: true });
    expect((await t.api.invoke('engines.removeEndpoint', { id: e.id })).ok).toBe(false);
  });

  it('Test connection reads what a real ComfyUI and sd-server answered, and says when a server is something else', async () => {
    t = await openTestCore();
    const comfy = await new ReplayServer({
      'GET /system_stats': recorded('comfyui-system_stats.response'),
    }).start();
    const sd = await new ReplayServer({
      'GET /sdcpp/v1/capabilities': recorded('sdserver-capabilities.response'),
      'GET /v1/models': recorded('sdserver-openai-models.response'),
    }).start();
    stops.push(
      () => comfy.stop(),
      () => sd.stop(),
    );
    expect(await t.call('engines.testEndpoint', { kind: 'comfyui', url: comfy.url })).toMatchObject(
      {
        ok: true,
        version: '0.3.64',
        detail: 'CPU only',
        problem: null,
      },
    );
    expect(await t.call('engines.testEndpoint', { kind: 'sdserver', url: sd.url })).toMatchObject({
      ok: true,
      detail: 'tiny-sd1.safetensors · img_gen',
    });
    // sd-server also speaks the OpenAI model list.
    expect(await t.call('engines.testEndpoint', { kind: 'llm', url: sd.url })).toMatchObject({
      ok: true,
      detail: 'sd-cpp-local',
    });
    const wrong = await t.call('engines.testEndpoint', { kind: 'comfyui', url: sd.url });
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong.problem).toMatch(/refused GET \/system_stats \(HTTP 404\)/);
    const port = await freePort();
    const down = await t.call('engines.testEndpoint', {
      kind: 'comfyui',
      url: `127.0.0.1:${port}`,
    });
    expect(down.problem).toMatch(/ComfyUI cannot be reached \(ECONNREFUSED\)/);
    // A saved server's result is kept for the Engines page.
    const saved = await t.call('engines.addEndpoint', {
      kind: 'comfyui',
      name: 'box',
      url: comfy.url,
    });
    await t.call('engines.testEndpoint', { id: saved.id });
    const status = await t.call('engines.status', {});
    expect(status.endpoints[0]!.health).toMatchObject({ ok: true, version: '0.3.64' });
  });

  it('sends credentials to the server, and says to check them on 401', async () => {
    t = await openTestCore();
    let seenAuth = '';
    const origin = createServer((req, res) => {
      seenAuth = req.headers.authorization ?? '';
      res.statusCode = 401;
      res.end('{"error":"bad token"}');
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise((r) => origin.close(() => r())));
    const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    const h = await t.call('engines.testEndpoint', {
      kind: 'llm',
      url,
      auth: { type: 'bearer', token: 'tok-123' },
    });
    expect(seenAuth).toBe('Bearer tok-123');
    expect(h.problem).toMatch(/HTTP 401\): bad token\. Check the sign-in/);
  });
});

describe('the engine HTTP client', () => {
  it('never retries an answer: a 4xx or 5xx is final, with the engine’s own words', async () => {
    const s400 = await countingServer((_n, res) => {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          error: { type: 'prompt_outputs_failed_validation', message: "ckpt_name: 'x' not in []" },
        }),
      );
    });
    const err = await engineRequest({ label: "ComfyUI 'box'", url: s400.url }, '/prompt', {
      json: {},
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('engine_failed');
    expect(err.message).toBe(
      `ComfyUI 'box' refused POST /prompt (HTTP 400): ckpt_name: 'x' not in []`,
    );
    expect(s400.hits()).toBe(1);
    const s500 = await countingServer((_n, res) => {
      res.statusCode = 500;
      res.end('Traceback: out of memory');
    });
    await expect(engineRequest({ label: 'x', url: s500.url }, '/a')).rejects.toThrow(
      /HTTP 500\): Traceback/,
    );
    expect(s500.hits()).toBe(1);
  });

  it('retries a refused connection with backoff, even a POST, and says unreachable in the end', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const err = await engineRequest({ label: 'gone', url: `http://127.0.0.1:${port}` }, '/prompt', {
      json: {},
      attempts: 3,
    }).catch((e) => e);
    expect(isUnreachable(err)).toBe(true);
    expect(err.message).toBe('gone cannot be reached (ECONNREFUSED)');
    // 250 + 500 ms of backoff between three attempts.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
  });

  it('a GET whose connection breaks is tried again; a POST is not (it may have arrived)', async () => {
    const flaky = await countingServer((n, res) => {
      if (n === 1) res.socket?.destroy();
      else res.end('{"ok":true}');
    });
    const r = await engineRequest({ label: 'x', url: flaky.url }, '/system_stats');
    expect(r.json()).toEqual({ ok: true });
    expect(flaky.hits()).toBe(2);
    const once = await countingServer((_n, res) => res.socket?.destroy());
    const err = await engineRequest({ label: 'x', url: once.url }, '/prompt', { json: {} }).catch(
      (e) => e,
    );
    expect(isUnreachable(err)).toBe(true);
    expect(once.hits()).toBe(1);
  });

  it('times out, and cancels at once', async () => {
    const slow = await countingServer(() => undefined);
    await expect(
      engineRequest({ label: 'slow', url: slow.url }, '/x', { timeoutMs: 200, attempts: 1 }),
    ).rejects.toThrow('slow gave no answer within 0.2 s');
    const ac = new AbortController();
    const p = engineRequest({ label: 'slow', url: slow.url }, '/x', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });
});
