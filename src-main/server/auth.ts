import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Atelier } from '../core/app/atelier';
import type { Caller } from '../core/app/caller';
import { sessionFor, startSessionFor, userForApiToken, type SessionStart } from '../core/api/host';
import { isLoopbackAddress } from './hosts';

/**
 * Who is asking, for every served request. Credentials, freshest first:
 * - `?token=` from the URL `atelier serve` printed (first load; only from this machine): the
 *   local owner, traded at once for a session cookie;
 * - `Authorization: Bearer`: a user's API token (`att_…`, scripts), or this start's token (from
 *   this machine only);
 * - the session cookie: a row in `sessions` (hashed token, bound to the browser's User-Agent,
 *   sliding expiry), made by signing in or by the printed URL. Its name carries this server's
 *   port, `atelier_<port>`, because browsers send 127.0.0.1's cookies to every port; over TLS it
 *   is `__Host-atelier_<port>`, Secure. A cookie naming no live session is cleared.
 * A cookie is sent by the browser on its own, so calls it authorises also need the session's
 * CSRF token in `X-Atelier-CSRF`; a bearer token is never ambient and needs none.
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

export const CSRF_HEADER = 'x-atelier-csrf';

export interface Identity {
  caller: Caller;
  via: 'token' | 'bearer' | 'apiToken' | 'session';
  sessionId: string | null;
  /** The session's CSRF token; null for bearer credentials, which need none. */
  csrf: string | null;
}

export type AuthResult = { ok: true; who: Identity } | { ok: false; clearCookie: boolean };

export interface AuthOptions {
  /** The server speaks TLS itself (--tls-cert/--tls-key). */
  tls: boolean;
  /** Honour X-Forwarded-For/-Proto from a reverse proxy on this machine (--trust-proxy). */
  trustProxy: boolean;
}

export class ServeAuth {
  constructor(
    private readonly core: Atelier,
    readonly token: string,
    private readonly port: () => number,
    private readonly options: AuthOptions,
  ) {}

  /** Whether the browser reached us over HTTPS (ours, or a trusted proxy's). */
  secure(req: IncomingMessage): boolean {
    if (this.options.tls) return true;
    return this.proxied(req) && firstHeader(req, 'x-forwarded-proto') === 'https';
  }

  /** The client's address: a trusted proxy's X-Forwarded-For (its last hop), else the peer. */
  clientIp(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? '';
    if (!this.proxied(req)) return peer;
    const hops = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    return hops.at(-1) ?? peer;
  }

  cookieName(req: IncomingMessage): string {
    return cookieNameFor(this.port(), this.secure(req));
  }

  /**
   * Judges a request's credentials, freshest first: the URL's token (first load), a Bearer
   * header (scripts), then the session cookie.
   */
  check(req: IncomingMessage, url: URL): AuthResult {
    // The per-start token is the host's own: it never works from another machine, where it
    // would have crossed the network (in plain HTTP, unless TLS is on).
    const local = isLoopbackAddress(this.clientIp(req));
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null)
      return local && safeEqual(queryToken, this.token)
        ? { ok: true, who: this.owner('token') }
        : { ok: false, clearCookie: false };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const presented = auth.slice(7).trim();
      const user = userForApiToken(this.core, presented);
      if (user)
        return { ok: true, who: { caller: user, via: 'apiToken', sessionId: null, csrf: null } };
      return local && safeEqual(presented, this.token)
        ? { ok: true, who: this.owner('bearer') }
        : { ok: false, clearCookie: false };
    }
    const value = parseCookies(req.headers.cookie)[this.cookieName(req)];
    if (!value) return { ok: false, clearCookie: false };
    const hit = sessionFor(this.core, value, req.headers['user-agent'] ?? '');
    if (!hit) return { ok: false, clearCookie: true };
    return {
      ok: true,
      who: { caller: hit.caller, via: 'session', sessionId: hit.sessionId, csrf: hit.csrf },
    };
  }

  /** A cookie-authorised state-changing call must carry the session's CSRF token. */
  csrfOk(req: IncomingMessage, who: Identity): boolean {
    if (who.csrf === null) return true;
    const sent = req.headers[CSRF_HEADER];
    return typeof sent === 'string' && safeEqual(sent, who.csrf);
  }

  /** The printed URL's token traded for the local owner's session: its Set-Cookie header. */
  async ownerSession(req: IncomingMessage): Promise<{ cookie: string; session: SessionStart }> {
    const session = await startSessionFor(this.core, this.core.localOwner, this.client(req));
    return { cookie: this.setCookie(req, session), session };
  }

  setCookie(req: IncomingMessage, session: SessionStart): string {
    // Max-Age matches the session's sliding month; the server is the judge of expiry anyway.
    const maxAge = Math.max(0, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000));
    return `${this.cookieName(req)}=${session.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${this.secure(req) ? '; Secure' : ''}`;
  }

  clearCookie(req: IncomingMessage): string {
    return `${this.cookieName(req)}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${this.secure(req) ? '; Secure' : ''}`;
  }

  client(req: IncomingMessage): { ip: string; userAgent: string } {
    return { ip: this.clientIp(req), userAgent: req.headers['user-agent'] ?? '' };
  }

  private owner(via: 'token' | 'bearer'): Identity {
    return { caller: this.core.localOwner, via, sessionId: null, csrf: null };
  }

  /** Forwarded headers count only with --trust-proxy and from a proxy on this machine. */
  private proxied(req: IncomingMessage): boolean {
    return this.options.trustProxy && isLoopbackAddress(req.socket.remoteAddress ?? '');
  }
}

function firstHeader(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return String(Array.isArray(v) ? v[0] : (v ?? ''))
    .split(',')[0]!
    .trim()
    .toLowerCase();
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
