import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may use this server. `atelier serve` prints a URL with a per-start token; a browser's
 * first request trades it for a session:
 * - the cookie carries a random session id, never the token, and its name carries this
 *   server's port (`atelier_<port>`): browsers send 127.0.0.1's cookies to every port, so a
 *   web server on another port must not receive a credential it could replay as the token;
 * - sessions live here, in memory, bound to the browser that made them (its User-Agent) and
 *   gone when the server stops, so a cookie from an earlier start is simply unknown;
 * - the freshest credential wins: a `?token=` or a Bearer header is judged before any cookie
 *   (a stale cookie from a restart must not turn the printed URL into a 401), and a cookie
 *   that names no session is cleared.
 */

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Cookies as sent; a value that is not valid %-encoding is kept as it is, never thrown on. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || k in out) continue;
    const raw = part.slice(i + 1).trim();
    try {
      out[k] = decodeURIComponent(raw);
    } catch {
      out[k] = raw;
    }
  }
  return out;
}

export function cookieNameFor(port: number, secure: boolean): string {
  // __Host- binds a cookie to this exact origin (no Domain, Path=/, Secure): only over TLS.
  return secure ? `__Host-atelier_${port}` : `atelier_${port}`;
}

interface Session {
  userAgent: string;
  createdAt: number;
  lastSeen: number;
}

export type AuthResult =
  | { ok: true; via: 'token' | 'bearer' | 'session'; sessionId: string | null }
  | { ok: false; clearCookie: boolean };

export class ServeAuth {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly token: string,
    private readonly port: () => number,
    private readonly secure = false,
    /** A session unused this long is forgotten. */
    private readonly idleMs = 30 * 24 * 3600 * 1000,
  ) {}

  get cookieName(): string {
    return cookieNameFor(this.port(), this.secure);
  }

  /**
   * Judges a request's credentials, freshest first: the URL's token (first load), a Bearer
   * header (scripts), then the session cookie.
   */
  check(req: IncomingMessage, url: URL): AuthResult {
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null)
      return safeEqual(queryToken, this.token)
        ? { ok: true, via: 'token', sessionId: null }
        : { ok: false, clearCookie: false };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer '))
      return safeEqual(auth.slice(7).trim(), this.token)
        ? { ok: true, via: 'bearer', sessionId: null }
        : { ok: false, clearCookie: false };
    const id = parseCookies(req.headers.cookie)[this.cookieName];
    if (!id) return { ok: false, clearCookie: false };
    const s = this.sessions.get(id);
    const now = Date.now();
    if (!s || s.userAgent !== (req.headers['user-agent'] ?? '') || now - s.lastSeen > this.idleMs) {
      if (s) this.sessions.delete(id);
      return { ok: false, clearCookie: true };
    }
    s.lastSeen = now;
    return { ok: true, via: 'session', sessionId: id };
  }

  /** A new session for the browser that just showed the token; its Set-Cookie header. */
  startSession(req: IncomingMessage): string {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    this.sessions.set(id, {
      userAgent: req.headers['user-agent'] ?? '',
      createdAt: now,
      lastSeen: now,
    });
    return `${this.cookieName}=${id}; HttpOnly; SameSite=Strict; Path=/${this.secure ? '; Secure' : ''}`;
  }

  clearCookie(): string {
    return `${this.cookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${this.secure ? '; Secure' : ''}`;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
}

/**
 * DNS rebinding guard: a page on evil.example that resolves to 127.0.0.1 would send its own
 * Host header. Only the names this server was reached by legitimately are accepted.
 */
export function hostAllowed(req: IncomingMessage, boundHost: string, port: number): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return allowedHosts(boundHost, port).has(host) || boundHost === '0.0.0.0' || boundHost === '::';
}

function allowedHosts(boundHost: string, port: number): Set<string> {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(boundHost))
    allowed.add(`${boundHost.toLowerCase()}:${port}`);
  return allowed;
}

/**
 * Whether a request's Origin (sent by browsers on every cross-origin fetch, every POST and
 * every WebSocket) is this server's own. A page served from another port of 127.0.0.1 is
 * another origin: it may not call the api nor open the event stream.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
}
