import http from 'node:http';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseCookies } from '../../src-main/server/auth';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { openTestCore, type TestCore } from '../helpers/core';

// Security audit: High 3 (the serve token reached every port on 127.0.0.1; /events had no
// Origin check), Medium 7 (a stale cookie beat the printed URL), Medium 8 (one foreign cookie,
// or a bad %-escape in a path, answered 500), Low (an open redirect through `//host`).
let t: TestCore;
let server: RunningServer;

beforeEach(async () => {
  t = await openTestCore({ host: 'serve' });
  const rendererDir = path.join(t.root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Atelier test</title>');
  server = await startServer({ core: t.core, rendererDir, port: 0 });
});
afterEach(async () => {
  await server.close();
  await t.close();
});

/** A raw request, so headers (Origin, Cookie, several slashes) go exactly as written. */
function raw(
  pathAndQuery: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathAndQuery,
        method,
        headers: { 'User-Agent': 'test-browser/1', ...headers },
      },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function session(ua = 'test-browser/1'): Promise<string> {
  const r = await raw(`/?token=${server.token}`, { 'User-Agent': ua });
  expect(r.status).toBe(302);
  return String(r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
}

/** The CSRF token the page gets for its session. */
async function csrfFor(cookie: string, ua = 'test-browser/1'): Promise<string> {
  const r = await raw('/auth/session', { Cookie: cookie, 'User-Agent': ua });
  return (JSON.parse(r.body) as { value: { csrf: string } }).value.csrf;
}

function openEvents(headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('serve: sessions, not the token, in cookies', () => {
  it('the cookie is a per-instance session id, never the token, and works only for the browser it was made for', async () => {
    const cookie = await session();
    const [name, value] = cookie.split('=');
    expect(name).toBe(`atelier_${server.port}`);
    expect(value).not.toContain(server.token);
    expect(value!.length).toBeGreaterThanOrEqual(40);
    const csrf = await csrfFor(cookie);
    expect(
      (
        await raw(
          '/api/system.status',
          { Cookie: cookie, 'Content-Type': 'application/json', 'X-Atelier-CSRF': csrf },
          'POST',
          '{}',
        )
      ).status,
    ).toBe(200);
    // Replayed from another program (another User-Agent): refused, and told to drop it.
    const replay = await raw(
      '/api/system.status',
      { Cookie: cookie, 'User-Agent': 'curl/8', 'X-Atelier-CSRF': csrf },
      'POST',
      '{}',
    );
    expect(replay.status).toBe(401);
    expect(String(replay.headers['set-cookie'])).toMatch(
      new RegExp(`atelier_${server.port}=;.*Max-Age=0`),
    );
  });

  it('a page on another port of 127.0.0.1 cannot open the event stream, even with the cookie', async () => {
    const cookie = await session();
    const ua = { 'User-Agent': 'test-browser/1' };
    expect(await openEvents({ ...ua, Cookie: cookie, Origin: 'http://127.0.0.1:9999' })).toBe(403);
    expect(await openEvents({ ...ua, Cookie: cookie })).toBe(403); // a browser always sends Origin
    expect(
      await openEvents({ ...ua, Cookie: cookie, Origin: `http://127.0.0.1:${server.port}` }),
    ).toBe('open');
    expect(await openEvents({ Authorization: `Bearer ${server.token}` })).toBe('open'); // scripts
    expect(
      await openEvents({ Authorization: `Bearer ${server.token}`, Origin: 'http://localhost:1' }),
    ).toBe(403);
    const cross = await raw(
      '/api/system.status',
      { Cookie: cookie, Origin: 'http://127.0.0.1:9999', 'Content-Type': 'application/json' },
      'POST',
      '{}',
    );
    expect(cross.status).toBe(403);
  });

  it('after a restart the printed URL and the Bearer header win over a stale cookie, which is cleared', async () => {
    const stale = `atelier_${server.port}=left-over-from-yesterday`;
    const first = await raw(`/?token=${server.token}`, { Cookie: stale });
    expect(first.status).toBe(302);
    expect(String(first.headers['set-cookie'])).toMatch(
      new RegExp(`atelier_${server.port}=[A-Za-z0-9_-]{40,}`),
    );
    const bearer = await raw(
      '/api/system.status',
      {
        Cookie: stale,
        Authorization: `Bearer ${server.token}`,
        'Content-Type': 'application/json',
      },
      'POST',
      '{}',
    );
    expect(bearer.status).toBe(200);
    const alone = await raw('/', { Cookie: stale });
    expect(alone.status).toBe(200); // the page, which shows sign-in
    expect(String(alone.headers['set-cookie'])).toMatch(/Max-Age=0/);
    const api = await raw('/api/system.status', { Cookie: stale }, 'POST', '{}');
    expect(api.status).toBe(401);
  });

  it('a foreign cookie or a bad escape in a path is a 400 or ignored, never a 500', async () => {
    expect(parseCookies('prefs=50%; a=%E0%A4%A; b=ok')).toEqual({
      prefs: '50%',
      a: '%E0%A4%A',
      b: 'ok',
    });
    const bearer = { Authorization: `Bearer ${server.token}` };
    const withForeign = await raw(
      '/api/system.status',
      { ...bearer, Cookie: 'prefs=50%', 'Content-Type': 'application/json' },
      'POST',
      '{}',
    );
    expect(withForeign.status).toBe(200);
    const badMethod = await raw('/api/%E0%A4%A', bearer, 'POST', '{}');
    expect(badMethod.status).toBe(400);
    expect(JSON.parse(badMethod.body)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect((await raw('/media/%E0%A4%A/thumb', bearer)).status).toBe(400);
  });

  it('never redirects to another site through a path of several slashes', async () => {
    const r = await raw(`/.//evil.example/?token=${server.token}`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/evil.example/');
    const r2 = await raw(`//evil.example/x?token=${server.token}&keep=1`);
    expect(r2.headers.location?.startsWith('//')).toBe(false);
  });
});

describe('serve: media by asset id', () => {
  it('never serves what a swapped symbolic link points to, nor a file changed behind its back', async () => {
    const { symlinkSync, statSync: st, rmSync: rm } = await import('node:fs');
    const { asset, insertAssets } = await import('../core/browse/helpers');
    const file = path.join(t.root, 'cat.png');
    writeFileSync(file, Buffer.alloc(2000, 7));
    const a = asset(
      { filename: 'cat.png', path: file, size_bytes: 2000, mtime_ms: Math.floor(st(file).mtimeMs) },
      0,
    );
    insertAssets(t.core.sqlite, [a]);
    const bearer = { Authorization: `Bearer ${server.token}` };
    const ok = await raw(`/media/${a.id}/file`, bearer);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    // Swapped for a link to a system file: refused.
    rm(file);
    symlinkSync('/etc/passwd', file);
    const swapped = await raw(`/media/${a.id}/file`, bearer);
    expect(swapped.status).toBeGreaterThanOrEqual(400);
    expect(swapped.body).not.toMatch(/root:/);
    // Rewritten behind the Library's back (another size): not served until it is rescanned.
    rm(file);
    writeFileSync(file, Buffer.alloc(10, 1));
    const changed = await raw(`/media/${a.id}/file`, bearer);
    expect(changed.status).toBe(409);
  });
});

describe('serve: limits', () => {
  it('caps the event streams one client may hold, so sockets cannot exhaust the server', async () => {
    const bearer = { Authorization: `Bearer ${server.token}` };
    const open: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const r = await new Promise<WebSocket | number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: bearer });
        ws.on('open', () => resolve(ws));
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
      if (typeof r === 'number') {
        expect(r).toBe(429);
        refused++;
      } else open.push(r);
    }
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(open.length).toBeLessThanOrEqual(16);
    expect(refused).toBe(40 - open.length);
    // The api still answers.
    const status = await raw(
      '/api/system.status',
      { ...bearer, 'Content-Type': 'application/json' },
      'POST',
      '{}',
    );
    expect(status.status).toBe(200);
    for (const ws of open) ws.close();
  });
});

describe('serve: request bodies', () => {
  it('refuses JSON nested absurdly deep at once (400), whatever its size', async () => {
    const bearer = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
    const deep = '['.repeat(2_000_000) + ']'.repeat(2_000_000);
    const t0 = performance.now();
    const r = await raw('/api/system.status', bearer, 'POST', deep);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({
      error: { message: expect.stringMatching(/nested deeper/) },
    });
    expect(performance.now() - t0).toBeLessThan(2000);
    // Brackets inside strings do not count.
    const fine = await raw(
      '/api/settings.update',
      bearer,
      'POST',
      JSON.stringify({ ownerName: '[[[[['.repeat(8) }),
    );
    expect(fine.status).toBe(200);
  });
});
