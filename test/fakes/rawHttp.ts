// A small HTTP/1.1 server on node:net for the engine fakes. node:http decides header order, adds
// `Connection: keep-alive`/`Keep-Alive` on its own and cannot stall on a body-less POST; the real
// engines (cpp-httplib in sd-server, aiohttp in ComfyUI) differ on exactly those points, and a
// fake that is to be byte-for-byte has to write every header itself. Each fake builds complete
// responses; this class parses requests (keep-alive and pipelining included), writes responses
// in order, hands WebSocket upgrades over, and can drop everything at once like a dead server.
import net, { type AddressInfo, type Socket } from 'node:net';

export interface HttpRequest {
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  path: string;
  query: URLSearchParams;
  version: string;
  /** Header lines in the order received, names as sent. */
  rawHeaders: Array<[string, string]>;
  /** First value of a header, by case-insensitive name. */
  header(name: string): string | undefined;
  body: Buffer;
  socket: Socket;
}

export interface HttpResponse {
  status: number;
  reason: string;
  /** Header lines in the order to write them (the server adds nothing). */
  headers: Array<[string, string]>;
  body?: Buffer | string;
  /** Close the connection once written. */
  close?: boolean;
}

/** What a handler may answer: a response, or `upgrade` to take the socket over. */
export type Answer = HttpResponse | { upgrade: (req: HttpRequest, head: Buffer) => void };

export interface RawHttpOptions {
  /**
   * A POST/PUT/PATCH/DELETE with neither Content-Length nor chunked encoding: `none` = no body
   * (aiohttp); a number = read until the client half-closes or that many ms pass, then answer
   * (cpp-httplib waits its 5 s read timeout).
   */
  lengthlessBodyWaitMs?: number;
  /** Close a keep-alive connection idle this long (cpp-httplib: 5 s); none by default. */
  idleTimeoutMs?: number;
}

export class RawHttpServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly handle: (req: HttpRequest) => Answer | Promise<Answer>,
    private readonly options: RawHttpOptions = {},
  ) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.server = net.createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Stops listening and drops every connection (in-flight requests get no answer). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private serve(socket: Socket): void {
    let idle: NodeJS.Timeout | null = null;
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (idle) clearTimeout(idle);
    });
    socket.on('error', () => socket.destroy());
    let buf: Buffer = Buffer.alloc(0);
    let ended = false;
    let busy = false;
    let taken = false;
    let wake: (() => void) | null = null;
    const armIdle = () => {
      if (idle) clearTimeout(idle);
      if (this.options.idleTimeoutMs !== undefined && !taken) {
        idle = setTimeout(() => socket.destroy(), this.options.idleTimeoutMs);
      }
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (idle) clearTimeout(idle);
      wake?.();
      void pump();
    };
    socket.on('data', onData);
    socket.on('end', () => {
      ended = true;
      wake?.();
      void pump();
    });
    // Waits for more bytes (or EOF) for at most `ms`.
    const more = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        function done() {
          clearTimeout(t);
          wake = null;
          resolve();
        }
        wake = done;
      });

    const pump = async (): Promise<void> => {
      if (busy || taken) return;
      busy = true;
      try {
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) break;
          const head = buf.subarray(0, end).toString('latin1').split('\r\n');
          const [method = '', target = '/', version = 'HTTP/1.1'] = (head[0] ?? '').split(' ');
          const rawHeaders = head.slice(1).map((l): [string, string] => {
            const c = l.indexOf(':');
            return [l.slice(0, c), l.slice(c + 1).trim()];
          });
          const header = (name: string) =>
            rawHeaders.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
          let rest: Buffer = buf.subarray(end + 4);
          let body: Buffer = Buffer.alloc(0);
          const length = header('content-length');
          const chunked = /chunked/i.test(header('transfer-encoding') ?? '');
          const upgrade = /websocket/i.test(header('upgrade') ?? '');
          if (length !== undefined) {
            const n = Number(length);
            while (rest.length < n && !ended && !socket.destroyed) {
              await more(60_000);
              rest = buf.subarray(end + 4);
            }
            if (rest.length < n) return;
            body = rest.subarray(0, n);
            rest = rest.subarray(n);
          } else if (chunked) {
            for (;;) {
              const decoded = dechunk(rest);
              if (decoded) {
                body = decoded.body;
                rest = rest.subarray(decoded.used);
                break;
              }
              if (ended || socket.destroyed) return;
              await more(60_000);
              rest = buf.subarray(end + 4);
            }
          } else if (
            !upgrade &&
            this.options.lengthlessBodyWaitMs !== undefined &&
            ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)
          ) {
            const until = Date.now() + this.options.lengthlessBodyWaitMs;
            while (!ended && !socket.destroyed && Date.now() < until)
              await more(until - Date.now());
            body = buf.subarray(end + 4);
            rest = Buffer.alloc(0);
          }
          buf = rest;
          const url = new URL(target, 'http://fake');
          const req: HttpRequest = {
            method,
            target,
            path: url.pathname,
            query: url.searchParams,
            version,
            rawHeaders,
            header,
            body,
            socket,
          };
          const answer = await this.handle(req);
          if (socket.destroyed) return;
          if ('upgrade' in answer) {
            taken = true;
            socket.off('data', onData);
            const headBytes = buf;
            buf = Buffer.alloc(0);
            answer.upgrade(req, headBytes);
            return;
          }
          const lines = [
            `HTTP/1.1 ${answer.status} ${answer.reason}`,
            ...answer.headers.map(([k, v]) => `${k}: ${v}`),
          ];
          const bodyBytes = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
          socket.write(
            Buffer.concat([
              Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'),
              method === 'HEAD' ? Buffer.alloc(0) : bodyBytes,
            ]),
          );
          if (answer.close) {
            socket.end();
            return;
          }
          armIdle();
        }
        if (ended) socket.end();
      } finally {
        busy = false;
      }
    };
    armIdle();
  }
}

/** A complete chunked body at the start of `b`, or null while more bytes are needed. */
function dechunk(b: Buffer): { body: Buffer; used: number } | null {
  const parts: Buffer[] = [];
  let p = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', p);
    if (eol < 0) return null;
    const n = parseInt(b.subarray(p, eol).toString('latin1'), 16);
    if (Number.isNaN(n)) return null;
    if (n === 0) {
      const endOfTrailers = b.indexOf('\r\n\r\n', eol - 2 < p ? p : eol - 2);
      if (endOfTrailers < 0) return null;
      return { body: Buffer.concat(parts), used: endOfTrailers + 4 };
    }
    if (b.length < eol + 2 + n + 2) return null;
    parts.push(b.subarray(eol + 2, eol + 2 + n));
    p = eol + 2 + n + 2;
  }
}

/** Reason phrases both engines use. */
export const REASONS: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};
