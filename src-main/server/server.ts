import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Atelier } from '../core/app/atelier';
import type { Caller } from '../core/app/caller';
import { visibleTo } from '../core/app/audience';
import { appLog } from '../core/log/appLog';
import { createApi, type Api } from '../core/api/dispatch';
import { openMedia } from '../core/api/host';
import type { ErrorCode } from '../contract/errors';
import { hostAllowed, newToken, originAllowed, ServeAuth } from './auth';
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
}

export interface RunningServer {
  url: string;
  /** The URL to open: carries the token once; the server swaps it for an HttpOnly cookie. */
  openUrl: string;
  port: number;
  token: string;
  api: Api;
  close(): Promise<void>;
}

const statusFor: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  unavailable: 503,
  engine_missing: 424,
  engine_failed: 502,
  io_error: 500,
  disk_full: 507,
  rate_limited: 429,
  cancelled: 409,
  internal: 500,
};

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(data);
}

/** A %-encoded path part, or null when it is not valid %-encoding (answered 400, never 500). */
function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

function badPath(res: ServerResponse): void {
  json(res, 400, {
    ok: false,
    error: { code: 'invalid_input', message: 'The path is not valid URL encoding' },
  });
}

const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in JSON text, in one pass (strings skipped). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** The soft limit on open files (Linux: /proc/self/limits); 1024 where it cannot be read. */
function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const n = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(n) && n > 0 ? n : 1024;
  } catch {
    return 1024;
  }
}

function unauthorized(res: ServerResponse): void {
  json(res, 401, {
    ok: false,
    error: {
      code: 'unauthorized',
      message: 'Missing or wrong token: open the URL that `atelier serve` printed.',
    },
  });
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw Object.assign(new Error(`Request body over ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Serve mode: the same api as the desktop app, over `POST /api/<method>`, events over a
 * WebSocket at /events, media by asset id at /media/<id>/<variant>, and the built renderer.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { core, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const api = createApi(core);
  /** Each WebSocket with who is on the other end: events reach it through the audience rules. */
  const sockets = new Map<WebSocket, Caller & { ip: string }>();
  // Connections are bounded by what the process may open: 226 WebSockets under a 256-file
  // limit once stopped the api. Each client gets a few, all of them together a share.
  const fdLimit = openFileLimit();
  const maxSockets = Math.max(8, Math.min(256, Math.floor(fdLimit / 4)));
  const maxSocketsPerClient = Math.max(2, Math.min(16, Math.floor(maxSockets / 4)));
  let port = options.port ?? 0;
  // The cookie is named for the port, known once listening (before any request arrives).
  const auth = new ServeAuth(token, () => port);

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const offEvents = core.events.onAny((event, payload) => {
    if (sockets.size === 0) return;
    let msg: string | null = null;
    for (const [ws, caller] of sockets) {
      if (ws.readyState !== ws.OPEN || !visibleTo(caller, event)) continue;
      ws.send((msg ??= JSON.stringify({ event, payload })));
    }
  });

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err) => {
      appLog.error('serve', 'request failed', err);
      if (!res.headersSent)
        json(res, 500, { ok: false, error: { code: 'internal', message: String(err) } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req, host, port)) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain' })
        .end('Misdirected request: unexpected Host header');
      return;
    }
    const who = auth.check(req, url);
    if (!who.ok) {
      // A cookie naming no session (a restart, a session gone) is cleared, so the next visit
      // starts clean from the printed URL.
      if (who.clearCookie) res.setHeader('Set-Cookie', auth.clearCookie());
      if (url.pathname.startsWith('/api/')) return unauthorized(res);
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>Atelier</title><body style="font-family:system-ui;padding:3rem">' +
          '<h1>Atelier needs its access token</h1><p>Open the full URL that <code>atelier serve</code> printed in the terminal (it ends in <code>?token=…</code>).</p>',
      );
      return;
    }
    // The token in the URL is swapped for a session cookie and removed from the address bar.
    if (who.via === 'token' && req.method === 'GET') {
      url.searchParams.delete('token');
      // Never `//host`: a path of several slashes would make the Location another site.
      const location = `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
      res.writeHead(302, { 'Set-Cookie': auth.startSession(req), Location: location });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST' }).end();
        return;
      }
      if (!originAllowed(req)) {
        return json(res, 403, {
          ok: false,
          error: { code: 'unauthorized', message: 'Cross-origin request refused' },
        });
      }
      const method = decodePart(url.pathname.slice('/api/'.length));
      if (method === null) return badPath(res);
      let input: unknown = {};
      try {
        const body = await readBody(req, maxBody);
        const text = body.toString('utf8');
        // No api input nests deeper than a few levels; 10 MB of nested arrays took ~10 s.
        if (nestingDepth(text) > MAX_JSON_DEPTH)
          throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), {
            status: 400,
          });
        input = body.length ? (JSON.parse(text) as unknown) : {};
      } catch (err) {
        const status = (err as { status?: number }).status ?? 400;
        return json(res, status, {
          ok: false,
          error: { code: 'invalid_input', message: `Bad request body: ${(err as Error).message}` },
        });
      }
      // Until accounts exist, whoever holds this start's token is the library's owner.
      const result = await api.invoke(method, input, {
        host: 'serve',
        caller: core.localOwner,
        remote: {
          ip: req.socket.remoteAddress ?? '',
          userAgent: req.headers['user-agent']?.slice(0, 300),
        },
      });
      return json(res, result.ok ? 200 : statusFor[result.error.code], result);
    }
    if (url.pathname.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
      const [, , assetId = '', variant = 'file'] = url.pathname.split('/');
      try {
        const id = decodePart(assetId);
        const v = decodePart(variant);
        if (id === null || v === null) return badPath(res);
        return await sendFile(req, res, await openMedia(core, id, v));
      } catch (err) {
        const code = (err as { code?: ErrorCode }).code ?? 'internal';
        res
          .writeHead(statusFor[code] ?? 500, { 'Content-Type': 'text/plain' })
          .end((err as Error).message);
        return;
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(rendererDir, req, res, url.pathname);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/events' || !hostAllowed(req, host, port))
      return refuse('401 Unauthorized');
    // A page on another origin (another port of 127.0.0.1 included) may not read the events,
    // and a browser (a session cookie) always says where it comes from.
    const who = auth.check(req, url);
    if (!originAllowed(req) || (who.ok && who.via === 'session' && !req.headers.origin))
      return refuse('403 Forbidden');
    if (!who.ok) return refuse('401 Unauthorized');
    const ip = req.socket.remoteAddress ?? '';
    let fromThisClient = 0;
    for (const s of sockets.values()) if (s.ip === ip) fromThisClient++;
    if (sockets.size >= maxSockets || fromThisClient >= maxSocketsPerClient)
      return refuse('429 Too Many Requests');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, { ...core.localOwner, ip });
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      ws.send(JSON.stringify({ event: 'hello', payload: { at: new Date().toISOString() } }));
    });
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
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}/`;

  let closed = false;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    port,
    token,
    api,
    async close() {
      if (closed) return;
      closed = true;
      offEvents();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
