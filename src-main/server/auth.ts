import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const cookieName = 'atelier_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k) out[k] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** A request carries the token as the HttpOnly cookie, a Bearer header (scripts) or ?token= (first load). */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const cookie = parseCookies(req.headers.cookie)[cookieName];
  if (cookie) return cookie;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('token');
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const given = requestToken(req, url);
  return !!given && safeEqual(given, token);
}

/**
 * DNS rebinding guard: a page on evil.example that resolves to 127.0.0.1 would send its own
 * Host header. Only the names this server was reached by legitimately are accepted.
 */
export function hostAllowed(req: IncomingMessage, boundHost: string, port: number): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (boundHost !== '127.0.0.1' && boundHost !== 'localhost' && boundHost !== '::1') {
    if (boundHost === '0.0.0.0' || boundHost === '::') return true;
    allowed.add(`${boundHost.toLowerCase()}:${port}`);
  }
  return allowed.has(host);
}

export function tokenCookie(token: string): string {
  return `${cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
