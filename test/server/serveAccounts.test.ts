import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addUser, updateUser } from '../../src-main/core/accounts/users';
import { startServer, type RunningServer, type ServeOptions } from '../../src-main/server/server';
import { openTestCore, type TestCore } from '../helpers/core';

// Accounts in served mode: sign-in, sessions, CSRF, roles, API tokens, rate limits, TLS, and the
// rule that a server reachable from the network needs an account to sign in with.
let t: TestCore;
let server: RunningServer | undefined;
let rendererDir: string;
const UA = 'test-browser/1';

beforeEach(async () => {
  t = await openTestCore({ host: 'serve' });
  rendererDir = path.join(t.root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Atelier test</title>');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await t.close();
});

async function serve(extra: Partial<ServeOptions> = {}): Promise<RunningServer> {
  server = await startServer({ core: t.core, rendererDir, port: 0, ...extra });
  return server;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of every method
  json: { ok: boolean; value?: any; error?: { code: string; message: string } };
}

function raw(
  p: string,
  {
    method = 'GET',
    headers = {},
    body,
    tls = false,
  }: { method?: string; headers?: Record<string, string>; body?: unknown; tls?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const lib = tls ? https : http;
    const req = lib.request(
      {
        host: '127.0.0.1',
        port: server!.port,
        path: p,
        method,
        headers: { 'User-Agent': UA, 'Content-Type': 'application/json', ...headers },
        ...(tls ? { ca: readFileSync(path.join(__dirname, '../fixtures/tls/cert.pem')) } : {}),
      },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          let parsed: Reply['json'] = { ok: false };
          try {
            parsed = JSON.parse(data);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const cookieOf = (r: Reply) => String(r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;

async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  const r = await raw('/auth/sign-in', { method: 'POST', body: { email, password }, headers });
  return { reply: r, cookie: cookieOf(r), csrf: r.json.value?.csrf as string };
}

const call = (
  method: string,
  input: unknown,
  s: { cookie: string; csrf: string } | { bearer: string },
) =>
  raw(`/api/${method}`, {
    method: 'POST',
    body: input,
    headers:
      'bearer' in s
        ? { Authorization: `Bearer ${s.bearer}` }
        : { Cookie: s.cookie, 'X-Atelier-CSRF': s.csrf },
  });

const PASSWORD = 'correct horse battery';

async function addMember(email = 'mia@studio.test') {
  return addUser(t.core, t.core.localOwner, { email, role: 'member', password: PASSWORD });
}

describe('serve: accounts', () => {
  it('refuses to listen beyond this machine until someone can sign in, and says how', async () => {
    await expect(serve({ host: '0.0.0.0' })).rejects.toThrow(/atelier users add .* --role owner/);
    await addUser(t.core, t.core.localOwner, {
      email: 'owner@studio.test',
      role: 'owner',
      password: PASSWORD,
    });
    const s = await serve({ host: '0.0.0.0' });
    expect(s.openUrl).toContain('?token=');
    expect(new URL(s.openUrl).hostname).toBe('127.0.0.1');
  });

  it('signs in with email and password: an HttpOnly, SameSite=Strict cookie named for the port, and a CSRF token', async () => {
    await addMember();
    await serve();
    const bad = await signIn('mia@studio.test', 'wrong password!');
    expect(bad.reply.status).toBe(401);
    expect(bad.reply.json.error?.message).toBe('Wrong email or password.');
    const unknown = await signIn('nobody@studio.test', PASSWORD);
    expect(unknown.reply.json.error?.message).toBe('Wrong email or password.');

    const ok = await signIn('MIA@studio.test', PASSWORD);
    expect(ok.reply.status).toBe(200);
    const setCookie = String(ok.reply.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^atelier_${server!.port}=ats_`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(ok.reply.json.value).toMatchObject({ signedIn: true, user: { role: 'member' } });

    const session = await raw('/auth/session', { headers: { Cookie: ok.cookie } });
    expect(session.json.value).toMatchObject({
      signedIn: true,
      csrf: ok.csrf,
      user: { name: 'mia', role: 'member' },
    });
    // Stored hashed: the cookie's value is nowhere in the database.
    const rows = t.core.sqlite.prepare('SELECT token_hash, csrf_token FROM sessions').all();
    expect(JSON.stringify(rows)).not.toContain(ok.cookie.split('=')[1]);

    expect((await call('library.query', {}, ok)).status).toBe(200);
    expect((await call('library.query', {}, { ...ok, csrf: 'forged' })).status).toBe(403);
    const me = await call('auth.me', {}, ok);
    expect(me.json.value).toMatchObject({ role: 'member', host: 'serve' });
  });

  it('members curate and see the library; engines, users, settings and host paths are for managers', async () => {
    await addMember();
    await serve();
    const m = await signIn('mia@studio.test', PASSWORD);
    for (const [method, input] of [
      ['engines.update', { realesrganPath: '/tmp/evil.sh' }],
      ['settings.update', { ownerName: 'x' }],
      ['users.list', {}],
      ['watchFolders.add', { path: '/tmp' }],
      ['ingest.importFiles', { paths: ['/etc/passwd'] }],
      ['trash.empty', {}],
    ] as const) {
      const r = await call(method, input, m);
      expect(r.status, method).toBe(401);
      expect(r.json.error?.message).toMatch(/only the studio's owner or an admin/);
    }
    expect((await call('library.query', { limit: 10 }, m)).status).toBe(200);
    expect((await call('packs.list', {}, m)).status).toBe(200);
    // The owner (the printed URL) may, and what an admin changes is audited, secrets left out.
    expect((await call('users.list', {}, { bearer: server!.token })).status).toBe(200);
    const owner = { bearer: server!.token };
    expect((await call('settings.update', { ownerName: 'Ada Studio' }, owner)).status).toBe(200);
    const log = await call('audit.list', { limit: 5 }, owner);
    expect(log.json.value[0]).toMatchObject({
      action: 'settings.update',
      details: { ownerName: 'Ada Studio' },
      ip: '127.0.0.1',
    });
  });

  it('limits sign-in attempts per account: the sixth try in 15 minutes is refused even with the right password', async () => {
    await addMember();
    await serve();
    for (let i = 0; i < 5; i++)
      expect((await signIn('mia@studio.test', `wrong-${i}-password`)).reply.status).toBe(401);
    const limited = await signIn('mia@studio.test', PASSWORD);
    expect(limited.reply.status).toBe(429);
    expect(Number(limited.reply.headers['retry-after'])).toBeGreaterThan(60);
    const audit = t.core.sqlite
      .prepare("SELECT action FROM audit_log WHERE action LIKE 'signIn%' ORDER BY id")
      .all() as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual([
      ...Array(5).fill('signIn.failed'),
      'signIn.limited',
    ]);
  });

  it('refuses a sign-in posted from another origin (login CSRF)', async () => {
    await addMember();
    await serve();
    const r = await signIn('mia@studio.test', PASSWORD, { Origin: 'http://127.0.0.1:9' });
    expect(r.reply.status).toBe(403);
    expect(r.reply.headers['set-cookie']).toBeUndefined();
  });

  it('disabling an account ends its sessions and its event streams at once; sign-out ends one session', async () => {
    const mia = await addMember();
    await serve();
    const m = await signIn('mia@studio.test', PASSWORD);
    const ws = new WebSocket(`ws://127.0.0.1:${server!.port}/events`, {
      headers: { Cookie: m.cookie, 'User-Agent': UA, Origin: `http://127.0.0.1:${server!.port}` },
    });
    await new Promise((resolve) => ws.on('open', resolve));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await updateUser(t.core, t.core.localOwner, mia.id, { disabled: true });
    expect(await closed).toBe(4001);
    expect((await call('library.query', {}, m)).status).toBe(401);
    const again = await signIn('mia@studio.test', PASSWORD);
    expect(again.reply.json.error?.message).toBe('This account is disabled.');

    await updateUser(t.core, t.core.localOwner, mia.id, { disabled: false });
    const s = await signIn('mia@studio.test', PASSWORD);
    const out = await raw('/auth/sign-out', {
      method: 'POST',
      headers: { Cookie: s.cookie, 'X-Atelier-CSRF': s.csrf },
    });
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await call('library.query', {}, s)).status).toBe(401);
  });

  it('API tokens: made per user, act with that user’s role, stop when revoked', async () => {
    const mia = await addMember();
    await serve();
    const owner = { bearer: server!.token };
    const made = await call('tokens.create', { name: 'ci', user: mia.email! }, owner);
    expect(made.status).toBe(200);
    const token = made.json.value.token as string;
    expect(token).toMatch(/^att_/);
    const asMia = { bearer: token };
    expect((await call('auth.me', {}, asMia)).json.value).toMatchObject({ role: 'member' });
    expect((await call('engines.update', {}, asMia)).status).toBe(401);
    const listed = await call('tokens.list', {}, owner);
    expect(listed.json.value).toEqual([expect.objectContaining({ name: 'ci', userId: mia.id })]);
    expect(JSON.stringify(listed.json.value)).not.toContain(token);
    expect((await call('tokens.revoke', { id: 'ci' }, owner)).status).toBe(200);
    expect((await call('auth.me', {}, asMia)).status).toBe(401);
  });

  it('the per-start token works only from this machine; a trusted proxy’s client is not this machine', async () => {
    await addMember();
    await serve({ trustProxy: true });
    const viaProxy = { 'X-Forwarded-For': '203.0.113.5', 'X-Forwarded-Proto': 'https' };
    const r = await raw('/api/system.status', {
      method: 'POST',
      body: {},
      headers: { ...viaProxy, Authorization: `Bearer ${server!.token}` },
    });
    expect(r.status).toBe(401);
    expect((await raw(`/?token=${server!.token}`, { headers: viaProxy })).status).toBe(401);
    // Signing in through the proxy works, and the browser was on HTTPS: the cookie is Secure.
    const s = await signIn('mia@studio.test', PASSWORD, viaProxy);
    expect(String(s.reply.headers['set-cookie'])).toMatch(
      new RegExp(`^__Host-atelier_${server!.port}=.*; Secure`),
    );
    const ip = t.core.sqlite.prepare('SELECT ip FROM sessions').get() as { ip: string };
    expect(ip.ip).toBe('203.0.113.5');
  });

  it('serves HTTPS with --tls-cert/--tls-key, with a __Host- Secure cookie', async () => {
    await addMember();
    const tlsDir = path.join(__dirname, '../fixtures/tls');
    await serve({
      tls: {
        cert: readFileSync(path.join(tlsDir, 'cert.pem')),
        key: readFileSync(path.join(tlsDir, 'key.pem')),
      },
    });
    expect(server!.url).toMatch(/^https:\/\//);
    const r = await raw('/auth/sign-in', {
      method: 'POST',
      tls: true,
      body: { email: 'mia@studio.test', password: PASSWORD },
    });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(
      new RegExp(
        `^__Host-atelier_${server!.port}=ats_[^;]+; HttpOnly; SameSite=Strict; Path=/;.*Secure`,
      ),
    );
  });

  it('accepts the names given with --allow-host (a reverse proxy’s), and no others', async () => {
    await serve({ allowHosts: ['studio.example.com'] });
    const ok = await raw('/auth/session', { headers: { Host: 'studio.example.com' } });
    expect(ok.status).toBe(200);
    const other = await raw('/auth/session', { headers: { Host: 'evil.example' } });
    expect(other.status).toBe(421);
  });
});
