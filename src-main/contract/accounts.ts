/**
 * Accounts for served mode: the studio's people and their roles, bearer tokens for scripts, and
 * the audit log. Signing in happens before there is a caller (POST /auth/sign-in on the served
 * host); everything here is an ordinary api method.
 */
import { z } from 'zod';
import { event, method } from './define';

export const userRoles = ['owner', 'admin', 'member'] as const;
export type UserRole = (typeof userRoles)[number];

export interface UserInfo {
  id: string;
  name: string;
  email: string | null;
  role: UserRole;
  disabled: boolean;
  /** The local owner of a desktop library has none. */
  hasPassword: boolean;
  gpuMinutesPerDay: number | null;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  userId: string | null;
  ip: string;
  action: string;
  target: string | null;
  details: unknown;
}

export interface Me {
  userId: string | null;
  name: string;
  /** null for the computer's own passwordless owner. */
  email: string | null;
  role: UserRole;
  host: 'electron' | 'serve' | 'cli';
}

const id = z.string().trim().min(1).max(320);
const email = z.string().trim().min(3).max(320);
const password = z.string().min(1).max(1024);
const role = z.enum(userRoles);

export const accountsMethods = {
  'auth.me': method(z.object({}).strict(), 'Who is calling: user, name and role.')<Me>(),
  'users.list': method(z.object({}).strict(), 'The studio’s accounts.', {
    access: 'manager',
  })<UserInfo[]>(),
  'users.add': method(
    z.object({ email, name: z.string().trim().max(120).optional(), role, password }).strict(),
    'Add an account (served mode): email, role, password (at least 10 characters).',
    { access: 'manager' },
  )<UserInfo>(),
  'users.update': method(
    z
      .object({
        id,
        name: z.string().trim().min(1).max(120).optional(),
        role: role.optional(),
        disabled: z.boolean().optional(),
        /** null: no limit. */
        gpuMinutesPerDay: z.number().min(0).max(1440).nullable().optional(),
      })
      .strict(),
    'Change an account’s name, role, quota, or disable it (its sessions and tokens stop at once).',
    { access: 'manager' },
  )<UserInfo>(),
  'users.resetPassword': method(
    z.object({ id, password }).strict(),
    'Set a new password (your own, or as an admin anyone’s); every session of that account ends.',
  )<UserInfo>(),
  'tokens.list': method(
    z.object({}).strict(),
    'Bearer tokens for scripts: your own (an admin sees all).',
  )<ApiTokenInfo[]>(),
  'tokens.create': method(
    z.object({ name: z.string().trim().min(1).max(80), user: id.optional() }).strict(),
    'A bearer token for scripts, shown once (send it as `Authorization: Bearer …`).',
  )<ApiTokenInfo & { token: string }>(),
  'tokens.revoke': method(z.object({ id }).strict(), 'Revoke a token (by id or name).')<{
    revoked: true;
  }>(),
  'audit.list': method(
    z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    'Sign-ins and what admins did, newest first.',
    { access: 'manager' },
  )<AuditEntry[]>(),
} as const;

/**
 * GET /auth/session on the served host: whether this browser is signed in, and the CSRF token
 * its page sends back as `X-Atelier-CSRF` on every call.
 */
export interface ServedSession {
  signedIn: boolean;
  user: { userId: string | null; name: string; role: UserRole } | null;
  csrf: string | null;
  /** Whether anyone can sign in with a password; without, only the printed URL gets in. */
  accounts: boolean;
}

/** POST /auth/sign-in's body. */
export const signInInput = z
  .object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024) })
  .strict();

export const accountsEvents = {
  'accounts.changed': event<{ userId: string; signedOut: boolean }>(
    'An account changed (role, name, quota, disabled, password); signedOut: its sessions ended.',
  ),
} as const;
