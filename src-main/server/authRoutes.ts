import type { IncomingMessage, ServerResponse } from 'node:http';
import { signInInput, type ServedSession } from '../contract/accounts';
import { AppError } from '../contract/errors';
import type { Atelier } from '../core/app/atelier';
import { countSignInAccounts, signIn, signOut } from '../core/api/host';
import { originAllowed, type AuthResult, type ServeAuth } from './auth';
import { errorJson, json, readJsonBody, statusFor } from './httpUtil';

/**
 * /auth/session, /auth/sign-in and /auth/sign-out: the only routes that answer before anyone is
 * signed in (with the page's files). Sign-in takes JSON, so a cross-site form cannot post it, and
 * its Origin must be ours: nobody can sign a browser into an account of theirs.
 */
export async function handleAuthRoute(
  core: Atelier,
  auth: ServeAuth,
  who: AuthResult,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (path === '/auth/session' && (req.method === 'GET' || req.method === 'HEAD')) {
    const value: ServedSession = {
      signedIn: who.ok,
      user: who.ok ? { ...who.who.caller } : null,
      csrf: who.ok ? who.who.csrf : null,
      accounts: (await countSignInAccounts(core)) > 0,
    };
    const headers: Record<string, string> =
      !who.ok && who.clearCookie ? { 'Set-Cookie': auth.clearCookie(req) } : {};
    return json(res, 200, { ok: true, value }, headers);
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST' }).end();
    return;
  }
  if (!originAllowed(req))
    return errorJson(res, 403, 'unauthorized', 'Cross-origin request refused');
  if (path === '/auth/sign-in') {
    const body = await readJsonBody(req, res, 16 * 1024);
    if (!body) return;
    const input = signInInput.safeParse(body.value);
    if (!input.success)
      return errorJson(res, 400, 'invalid_input', 'Send JSON: { "email": …, "password": … }');
    try {
      const session = await signIn(core, input.data, auth.client(req));
      const value: ServedSession = {
        signedIn: true,
        user: session.caller,
        csrf: session.csrf,
        accounts: true,
      };
      return json(res, 200, { ok: true, value }, { 'Set-Cookie': auth.setCookie(req, session) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const retry = (err.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
      return errorJson(
        res,
        statusFor[err.code],
        err.code,
        err.message,
        retry ? { 'Retry-After': String(Math.ceil(retry / 1000)) } : {},
      );
    }
  }
  if (path === '/auth/sign-out') {
    if (who.ok && who.who.sessionId) {
      if (!auth.csrfOk(req, who.who))
        return errorJson(res, 403, 'unauthorized', 'Missing or wrong CSRF token: reload the page.');
      await signOut(core, who.who.sessionId);
    }
    return json(
      res,
      200,
      { ok: true, value: { signedOut: true } },
      {
        'Set-Cookie': auth.clearCookie(req),
      },
    );
  }
  errorJson(res, 404, 'not_found', `No route ${path}`);
}
