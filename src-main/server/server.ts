import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Atelier } from '../core/app/atelier';
import { appLog } from '../core/log/appLog';
import { createApi, type Api } from '../core/api/dispatch';
import {
  contentDisposition,
  countSignInAccounts,
  openExportFile,
  openMedia,
} from '../core/api/host';
import { AppError, type ErrorCode } from '../contract/errors';
import { newToken, originAllowed, ServeAuth, type AuthResult } from './auth';
import { handleAuthRoute } from './authRoutes';
import { EventStream } from './eventStream';
import { HostAllowList, isLoopbackHost } from './hosts';
import { decodePart, errorJson, openFileLimit, readJsonBody, statusFor, json } from './httpUtil';
import { sendFile } from './mediaResponse';
import { serveStatic } from './staticFiles';

export interface ServeOptions {
  core: Atelier;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed token for tests; a random one per start otherwise. */
  token?: string;
  maxBodyBytes?: number;
  /** PEM certificate and key: the server speaks HTTPS and its cookie is `__Host-`, Secure. */
  tls?: { cert: Buffer; key: Buffer };
  /** Honour X-Forwarded-For/-Proto from a reverse proxy on this machine. */
  trustProxy?: boolean;
  /** Extra names the server is reached by (a reverse proxy's public name). */
  allowHosts?: string[];
}

export interface RunningServer {
  url: string;
  /**
   * The URL to open on this machine: carries the token once; it becomes a session cookie. Bound
   * to one network address only, there is no loopback to use it from: the plain URL.
   */
  openUrl: string;
  port: number;
  token: string;
  api: Api;
  close(): Promise<void>;
}

function unauthorized(res: ServerResponse, accounts: boolean): void {
  errorJson(
    res,
    401,
    'unauthorized',
    accounts
      ? 'Sign in first (or send an API token as `Authorization: Bearer …`).'
      : 'Missing or wrong token: open the URL that `atelier serve` printed.',
  );
}

/**
 * Serve mode: the same api as the desktop app, over `POST /api/<method>`, events over a
 * WebSocket at /events, media by asset id at /media/<id>/<variant>, sign-in at /auth/*, and the
 * built renderer (public: it holds no data, and shows the sign-in page until there is a session).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { core, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  // Beyond this machine, the per-start token does not work (it would cross the network): people
  // sign in with their accounts, so there must be one.
  if (!isLoopbackHost(host) && (await countSignInAccounts(core)) === 0)
    throw new AppError(
      'invalid_input',
      `Refusing to listen on ${host} with no account to sign in with. Add one first:\n` +
        `  atelier users add you@example.com --role owner\n` +
        `(or serve on 127.0.0.1, this machine only, with the printed URL).`,
    );
  const api = createApi(core);
  const fdLimit = openFileLimit();
  const maxSockets = Math.max(8, Math.min(256, Math.floor(fdLimit / 4)));
  const events = new EventStream(core, maxSockets, Math.max(2, Math.min(16, maxSockets / 4)));
  let port = options.port ?? 0;
  // The cookie is named for the port, known once listening (before any request arrives).
  const auth = new ServeAuth(core, token, () => port, {
    tls: !!options.tls,
    trustProxy: !!options.trustProxy,
  });
  const hosts = new HostAllowList(host, options.allowHosts);
  const offAccounts = core.events.on('accounts.changed', (p) => {
    if (p.signedOut) events.dropUser(p.userId);
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((err) => {
      appLog.error('serve', 'request failed', err);
      if (!res.headersSent) errorJson(res, 500, 'internal', 'Internal error: see the log');
      else res.destroy();
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : http.createServer(onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hosts.allows(req, port)) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain' })
        .end('Misdirected request: unexpected Host header');
      return;
    }
    const who = auth.check(req, url);
    // A cookie naming no session (a restart, a session ended) is cleared on any answer, so the
    // next visit starts clean.
    if (!who.ok && who.clearCookie) res.setHeader('Set-Cookie', auth.clearCookie(req));
    if (url.pathname.startsWith('/auth/'))
      return handleAuthRoute(core, auth, who, req, res, url.pathname);
    // The printed URL's token becomes a session cookie and leaves the address bar.
    if (who.ok && who.who.via === 'token' && req.method === 'GET') {
      url.searchParams.delete('token');
      // Never `//host`: a path of several slashes would make the Location another site.
      const location = `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
      const { cookie } = await auth.ownerSession(req);
      res.writeHead(302, { 'Set-Cookie': cookie, Location: location });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url, who);
    if (url.pathname.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!who.ok) return unauthorized(res, true);
      return handleMedia(req, res, url);
    }
    if (url.pathname.startsWith('/exports/') && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!who.ok) return unauthorized(res, true);
      return handleExportDownload(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (url.searchParams.has('token')) {
      // A wrong or foreign token: the page would only show the sign-in form with it in the bar.
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>Atelier</title><body style="font-family:system-ui;padding:3rem">' +
          '<h1>That access link is not valid</h1><p>Open the full URL that <code>atelier serve</code> printed in the terminal on this computer, or sign in with your account.</p>',
      );
      return;
    }
    serveStatic(rendererDir, req, res, url.pathname);
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    who: AuthResult,
  ): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    if (!originAllowed(req))
      return errorJson(res, 403, 'unauthorized', 'Cross-origin request refused');
    if (!who.ok) return unauthorized(res, (await countSignInAccounts(core)) > 0);
    if (!auth.csrfOk(req, who.who))
      return errorJson(res, 403, 'unauthorized', 'Missing or wrong CSRF token: reload the page.');
    const method = decodePart(url.pathname.slice('/api/'.length));
    if (method === null)
      return errorJson(res, 400, 'invalid_input', 'The path is not valid URL encoding');
    const body = await readJsonBody(req, res, maxBody);
    if (!body) return;
    const result = await api.invoke(method, body.value, {
      host: 'serve',
      caller: who.who.caller,
      remote: { ip: auth.clientIp(req), userAgent: req.headers['user-agent']?.slice(0, 300) },
    });
    if (result.ok) return json(res, 200, result);
    const retry = (result.error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    return json(
      res,
      statusFor[result.error.code],
      result,
      retry ? { 'Retry-After': String(Math.ceil(retry / 1000)) } : {},
    );
  }

  async function handleMedia(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, , assetId = '', variant = 'file'] = url.pathname.split('/');
    const id = decodePart(assetId);
    const v = decodePart(variant);
    if (id === null || v === null)
      return errorJson(res, 400, 'invalid_input', 'The path is not valid URL encoding');
    try {
      return await sendFile(req, res, await openMedia(core, id, v));
    } catch (err) {
      const code = (err as { code?: ErrorCode }).code ?? 'internal';
      res
        .writeHead(statusFor[code] ?? 500, { 'Content-Type': 'text/plain' })
        .end((err as Error).message);
    }
  }

  /** A pack export's ZIP or listing image as a download: /exports/<exportId>/<file index>. */
  async function handleExportDownload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const [, , exportId = '', index = ''] = url.pathname.split('/');
    const id = decodePart(exportId);
    if (id === null || !/^\d{1,4}$/.test(index))
      return errorJson(res, 400, 'invalid_input', 'Use /exports/<exportId>/<file number>');
    try {
      const file = await openExportFile(core, id, Number(index));
      return await sendFile(req, res, file, {
        'Content-Disposition': contentDisposition(file.filename),
        'Cache-Control': 'private, no-store',
      });
    } catch (err) {
      const code = (err as { code?: ErrorCode }).code ?? 'internal';
      res
        .writeHead(statusFor[code] ?? 500, { 'Content-Type': 'text/plain' })
        .end((err as Error).message);
    }
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/events' || !hosts.allows(req, port)) return refuse('401 Unauthorized');
    // A page on another origin (another port of 127.0.0.1 included) may not read the events,
    // and a browser (a session cookie) always says where it comes from.
    const who = auth.check(req, url);
    if (!originAllowed(req) || (who.ok && who.who.via === 'session' && !req.headers.origin))
      return refuse('403 Forbidden');
    if (!who.ok) return refuse('401 Unauthorized');
    const client = who.who.sessionId ?? `${who.who.via}:${who.who.caller.userId ?? ''}`;
    if (!events.hasRoomFor(client)) return refuse('429 Too Many Requests');
    events.accept(req, socket, head, who.who.caller, client);
  });

  // Past this many sockets new connections are refused, leaving descriptors for the database,
  // the log and engines.
  server.maxConnections = Math.max(64, Math.floor(fdLimit * 0.75));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `${scheme}://${shownHost}:${port}/`;
  // The token works only from this machine: over loopback, which a wildcard bind includes.
  const reachableLocally = isLoopbackHost(host) || host === '0.0.0.0' || host === '::';
  const loopbackUrl = `${scheme}://${isLoopbackHost(host) ? shownHost : '127.0.0.1'}:${port}/`;

  let closed = false;
  return {
    url,
    openUrl: reachableLocally ? `${loopbackUrl}?token=${token}` : url,
    port,
    token,
    api,
    async close() {
      if (closed) return;
      closed = true;
      offAccounts();
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
