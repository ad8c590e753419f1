import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../contract/errors';
import type { ApiTokenInfo } from '../../contract/accounts';
import type { Atelier } from '../app/atelier';
import type { Caller } from '../app/caller';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';
import { audit } from './audit';
import { verifyPassword } from './passwords';
import { FailureLimiter } from './rateLimit';
import { userRow } from './users';

/**
 * Who a served request is. A browser signs in with an email and a password and gets a session:
 * a random token in an HttpOnly cookie, stored here only as its SHA-256, with the browser's user
 * agent and address, a CSRF token the page sends back on every call, and a sliding expiry (each
 * use pushes it out; a month unused ends it). Scripts use named bearer tokens instead, stored the
 * same way and revocable. Sign-in attempts are limited per account and per address.
 */

export const SESSION_IDLE_MS = 30 * 24 * 3600 * 1000;
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
const newSecret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

const perAccount = new WeakMap<Atelier, FailureLimiter>();
const perAddress = new WeakMap<Atelier, FailureLimiter>();
function limiters(core: Atelier) {
  let a = perAccount.get(core);
  if (!a) perAccount.set(core, (a = new FailureLimiter(5, 15 * 60 * 1000)));
  let b = perAddress.get(core);
  if (!b) perAddress.set(core, (b = new FailureLimiter(30, 15 * 60 * 1000)));
  return { account: a, address: b };
}

export interface SessionStart {
  token: string;
  csrf: string;
  caller: Caller;
  expiresAt: string;
}

export async function signIn(
  core: Atelier,
  input: { email: string; password: string },
  client: { ip: string; userAgent: string },
): Promise<SessionStart> {
  const email = input.email.trim().toLowerCase();
  const { account, address } = limiters(core);
  const wait = Math.max(account.retryAfter(email), address.retryAfter(client.ip));
  if (wait > 0) {
    await audit(core, { userId: null, ip: client.ip, action: 'signIn.limited', target: email });
    throw new AppError(
      'rate_limited',
      `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60_000)} minute(s).`,
      { retryAfterMs: wait },
    );
  }
  const row = await core.db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'disabled', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
  // The hash is checked (or an equal amount of work done) whatever the account's state.
  const good = await verifyPassword(input.password, row?.password_hash ?? null);
  if (!row || !good || row.disabled) {
    account.fail(email);
    address.fail(client.ip);
    await audit(core, {
      userId: row?.id ?? null,
      ip: client.ip,
      action: 'signIn.failed',
      target: email,
      details: { reason: !row ? 'unknown' : !good ? 'password' : 'disabled' },
    });
    throw new AppError(
      'unauthorized',
      row?.disabled && good ? 'This account is disabled.' : 'Wrong email or password.',
    );
  }
  account.clear(email);
  await sweepExpired(core);
  const token = newSecret('ats');
  const csrf = randomBytes(24).toString('base64url');
  const at = nowIso();
  const expiresAt = new Date(Date.now() + SESSION_IDLE_MS).toISOString();
  await core.db
    .insertInto('sessions')
    .values({
      id: uuidv7(),
      user_id: row.id,
      token_hash: hashToken(token),
      created_at: at,
      expires_at: expiresAt,
      user_agent: client.userAgent.slice(0, 300),
      ip: client.ip,
      last_seen_at: at,
      csrf_token: csrf,
    })
    .execute();
  await core.db
    .updateTable('users')
    .set({ last_sign_in_at: at })
    .where('id', '=', row.id)
    .execute();
  await audit(core, { userId: row.id, ip: client.ip, action: 'signIn', target: email });
  return { token, csrf, caller: { userId: row.id, role: row.role, name: row.name }, expiresAt };
}

/** Sessions past their expiry that no browser came back with: swept whenever one starts. */
async function sweepExpired(core: Atelier): Promise<void> {
  await core.db.deleteFrom('sessions').where('expires_at', '<', nowIso()).execute();
}

/** A session without a password, for the host's own user: the printed URL's token, traded. */
export async function startSessionFor(
  core: Atelier,
  caller: Caller,
  client: { ip: string; userAgent: string },
): Promise<SessionStart> {
  if (!caller.userId) throw new AppError('internal', 'The local owner has no account row');
  await sweepExpired(core);
  await audit(core, { userId: caller.userId, ip: client.ip, action: 'signIn.printedUrl' });
  const token = newSecret('ats');
  const csrf = randomBytes(24).toString('base64url');
  const at = nowIso();
  const expiresAt = new Date(Date.now() + SESSION_IDLE_MS).toISOString();
  await core.db
    .insertInto('sessions')
    .values({
      id: uuidv7(),
      user_id: caller.userId,
      token_hash: hashToken(token),
      created_at: at,
      expires_at: expiresAt,
      user_agent: client.userAgent.slice(0, 300),
      ip: client.ip,
      last_seen_at: at,
      csrf_token: csrf,
    })
    .execute();
  return { token, csrf, caller, expiresAt };
}

interface SessionHit {
  id: string;
  user_id: string;
  expires_at: string;
  user_agent: string;
  csrf_token: string;
  last_seen_at: string | null;
  name: string;
  role: Caller['role'];
  disabled: number;
}

/**
 * The session a cookie names, if it is live and from the browser that made it; its expiry slides
 * (written at most once a minute). A hot path: one indexed lookup per request.
 */
export function sessionFor(
  core: Atelier,
  token: string,
  userAgent: string,
): { caller: Caller; csrf: string; sessionId: string } | null {
  const s = statements(core.sqlite);
  const hit = s
    .get(
      `SELECT s.id, s.user_id, s.expires_at, s.user_agent, s.csrf_token, s.last_seen_at, u.name, u.role, u.disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    )
    .get(hashToken(token)) as SessionHit | undefined;
  const now = Date.now();
  if (
    !hit ||
    hit.disabled ||
    Date.parse(hit.expires_at) < now ||
    hit.user_agent !== userAgent.slice(0, 300)
  ) {
    if (hit && Date.parse(hit.expires_at) < now)
      s.get('DELETE FROM sessions WHERE id = ?').run(hit.id);
    return null;
  }
  if (!hit.last_seen_at || now - Date.parse(hit.last_seen_at) > 60_000)
    s.get('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?').run(
      new Date(now).toISOString(),
      new Date(now + SESSION_IDLE_MS).toISOString(),
      hit.id,
    );
  return {
    caller: { userId: hit.user_id, role: hit.role, name: hit.name },
    csrf: hit.csrf_token,
    sessionId: hit.id,
  };
}

export async function signOut(core: Atelier, sessionId: string): Promise<void> {
  await core.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** The user a script's bearer token names, or null. */
export function userForApiToken(core: Atelier, token: string): Caller | null {
  if (!token.startsWith('att_')) return null;
  const s = statements(core.sqlite);
  const hit = s
    .get(
      `SELECT t.id, u.id AS user_id, u.name, u.role, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
    )
    .get(hashToken(token)) as
    | { id: string; user_id: string; name: string; role: Caller['role']; disabled: number }
    | undefined;
  if (!hit || hit.disabled) return null;
  s.get('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(nowIso(), hit.id);
  return { userId: hit.user_id, role: hit.role, name: hit.name };
}

export async function createApiToken(
  core: Atelier,
  by: Caller,
  input: { name: string; user?: string },
): Promise<ApiTokenInfo & { token: string }> {
  const owner = input.user ? await userRow(core, input.user) : null;
  const userId = owner?.id ?? by.userId;
  if (!userId) throw new AppError('invalid_input', 'Name the account the token is for (--user).');
  if (owner && owner.id !== by.userId && by.role === 'member')
    throw new AppError('unauthorized', 'Only an admin may make tokens for someone else.');
  const token = newSecret('att');
  const id = uuidv7();
  const at = nowIso();
  await core.db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: userId,
      name: input.name.trim(),
      token_hash: hashToken(token),
      created_at: at,
    })
    .execute();
  await audit(core, {
    userId: by.userId,
    action: 'token.create',
    target: input.name,
    details: { for: userId },
  });
  return {
    id,
    name: input.name.trim(),
    userId,
    createdAt: at,
    lastUsedAt: null,
    revokedAt: null,
    token,
  };
}

export async function listApiTokens(core: Atelier, by: Caller): Promise<ApiTokenInfo[]> {
  let q = core.db.selectFrom('api_tokens').selectAll().orderBy('created_at');
  if (by.role === 'member' && by.userId) q = q.where('user_id', '=', by.userId);
  return (await q.execute()).map((t) => ({
    id: t.id,
    name: t.name,
    userId: t.user_id,
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
  }));
}

export async function revokeApiToken(core: Atelier, by: Caller, idOrName: string): Promise<void> {
  const t = await core.db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'name'])
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!t) throw new AppError('not_found', `No live token ${idOrName}`);
  if (by.role === 'member' && t.user_id !== by.userId)
    throw new AppError('unauthorized', "Only an admin may revoke someone else's token.");
  await core.db
    .updateTable('api_tokens')
    .set({ revoked_at: nowIso() })
    .where('id', '=', t.id)
    .execute();
  await audit(core, { userId: by.userId, action: 'token.revoke', target: t.name });
}
