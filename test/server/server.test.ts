import path from 'node:path';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { thumbPath } from '../../src-main/core/thumbs/paths';
import { asset, insertAssets } from '../core/browse/helpers';
import { openTestCore, type TestCore } from '../helpers/core';

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

const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${p.slice(1)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('serve mode', () => {
  it('binds 127.0.0.1 and answers 401 without the token (the page itself only shows sign-in)', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await post('/api/system.status', {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await fetch(`${server.url}media/x/thumb`)).status).toBe(401);
    expect((await fetch(`${server.url}?token=wrong`)).status).toBe(401);
    const session = await (await fetch(`${server.url}auth/session`)).json();
    expect(session).toMatchObject({ ok: true, value: { signedIn: false, accounts: false } });
    expect((await post('/api/system.status', {}, { Authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
  });

  it('swaps the URL token for an HttpOnly cookie that then authorises the api', async () => {
    const first = await fetch(server.openUrl, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const jar = { Cookie: cookie.split(';')[0]! };
    // A cookie alone is what a cross-site request would carry: the page's CSRF token is needed.
    expect((await post('/api/system.status', {}, jar)).status).toBe(403);
    const me = (await (await fetch(`${server.url}auth/session`, { headers: jar })).json()) as {
      value: { csrf: string; user: { role: string } };
    };
    expect(me.value.user.role).toBe('owner');
    const res = await post('/api/system.status', {}, { ...jar, 'X-Atelier-CSRF': me.value.csrf });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, value: { app: 'Atelier', host: 'serve' } });
    const page = await fetch(server.url, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('maps error codes to HTTP statuses and keeps the error envelope', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    const unknown = await post('/api/no.such', {}, auth);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const bad = await post('/api/settings.update', { theme: 7 }, auth);
    expect(bad.status).toBe(400);
    const notJson = await fetch(`${server.url}api/system.status`, {
      method: 'POST',
      headers: auth,
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses a foreign Host header (DNS rebinding) and a cross-origin api call', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      http.get(
        { host: '127.0.0.1', port: server.port, path: '/', headers: { Host: 'evil.example' } },
        (res) => resolve(res.statusCode ?? 0),
      );
    });
    expect(status).toBe(421);
    const res = await post(
      '/api/system.status',
      {},
      { Authorization: `Bearer ${server.token}`, Origin: 'http://evil.example' },
    );
    expect(res.status).toBe(403);
  });

  it('pushes events over the WebSocket only to authorised clients', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    const messages: Array<{ event: string; payload: unknown }> = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => {
        messages.push(JSON.parse(String(m)));
        if (messages.length === 1) resolve();
      });
      ws.on('error', reject);
    });
    const got = new Promise<{ event: string; payload: unknown }>((resolve) =>
      ws.on('message', (m) => resolve(JSON.parse(String(m)))),
    );
    await post(
      '/api/settings.update',
      { ownerName: 'Ada' },
      { Authorization: `Bearer ${server.token}` },
    );
    expect(await got).toMatchObject({ event: 'settings.changed', payload: { ownerName: 'Ada' } });
    ws.close();
  });

  it('serves media by asset id only', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    expect((await fetch(`${server.url}media/no-such-asset/file`, { headers: auth })).status).toBe(
      404,
    );
    expect(
      (await fetch(`${server.url}media/x/..%2F..%2Fetc%2Fpasswd`, { headers: auth })).status,
    ).toBe(400);
  });

  it('revalidates media by ETag: a picture the browser holds costs a 304, a changed one is sent again', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    const key = 'ab'.repeat(32);
    const thumb = thumbPath(t.core.layout, key, 'thumb-small');
    mkdirSync(path.dirname(thumb), { recursive: true });
    writeFileSync(thumb, Buffer.alloc(300, 1));
    const file = path.join(t.root, 'clip.wav');
    writeFileSync(file, Buffer.alloc(1000, 2));
    const a = asset(
      {
        filename: 'clip.wav',
        path: file,
        thumb_key: key,
        size_bytes: 1000,
        mtime_ms: Math.floor(statSync(file).mtimeMs),
      },
      0,
    );
    insertAssets(t.core.sqlite, [a]);
    const url = `${server.url}media/${a.id}/thumb-small`;

    const first = await fetch(url, { headers: auth });
    expect(first.status).toBe(200);
    expect((await first.arrayBuffer()).byteLength).toBe(300);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.headers.get('cache-control')).toContain('max-age');

    const again = await fetch(url, { headers: { ...auth, 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await again.arrayBuffer()).byteLength).toBe(0);

    writeFileSync(thumb, Buffer.alloc(500, 3));
    const changed = await fetch(url, { headers: { ...auth, 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect((await changed.arrayBuffer()).byteLength).toBe(500);
    expect(changed.headers.get('etag')).not.toBe(etag);

    // Ranges: honoured for the version the client names in If-Range, the whole file otherwise.
    const fileUrl = `${server.url}media/${a.id}/file`;
    const fileTag = (await fetch(fileUrl, { headers: auth, method: 'HEAD' })).headers.get('etag')!;
    const part = await fetch(fileUrl, {
      headers: { ...auth, Range: 'bytes=0-99', 'If-Range': fileTag },
    });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const stale = await fetch(fileUrl, {
      headers: { ...auth, Range: 'bytes=0-99', 'If-Range': '"0-0"' },
    });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(1000);
  });
});
