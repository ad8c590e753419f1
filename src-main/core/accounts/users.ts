import { AppError } from '../../contract/errors';
import type { UserInfo, UserRole } from '../../contract/accounts';
import type { Atelier } from '../app/atelier';
import type { Caller } from '../app/caller';
import { nowIso, uuidv7 } from '../util/ids';
import { audit } from './audit';
import { checkPasswordPolicy, hashPassword } from './passwords';

/**
 * The studio's people. The desktop app has one passwordless local owner; served mode adds
 * accounts with an email and a password, as owner, admin or member. A disabled account cannot
 * sign in and its sessions and tokens stop working at once.
 */

interface UserRow {
  id: string;
  name: string;
  email: string | null;
  password_hash: string | null;
  role: UserRole;
  disabled: number;
  gpu_minutes_per_day: number | null;
  last_sign_in_at: string | null;
  created_at: string;
}

export function toUserInfo(r: UserRow): UserInfo {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    disabled: r.disabled === 1,
    hasPassword: r.password_hash !== null,
    gpuMinutesPerDay: r.gpu_minutes_per_day,
    lastSignInAt: r.last_sign_in_at,
    createdAt: r.created_at,
  };
}

const columns = [
  'id',
  'name',
  'email',
  'password_hash',
  'role',
  'disabled',
  'gpu_minutes_per_day',
  'last_sign_in_at',
  'created_at',
] as const;

export async function listUsers(core: Atelier): Promise<UserInfo[]> {
  const rows = await core.db.selectFrom('users').select(columns).orderBy('created_at').execute();
  return rows.map((r) => toUserInfo(r as UserRow));
}

export async function userRow(core: Atelier, idOrEmail: string): Promise<UserRow> {
  const row = await core.db
    .selectFrom('users')
    .select(columns)
    .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail)]))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `No user ${idOrEmail}`);
  return row as UserRow;
}

/** Accounts that can sign in (served mode needs one before it listens beyond this machine). */
export async function countSignInAccounts(core: Atelier): Promise<number> {
  const r = await core.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('password_hash', 'is not', null)
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function addUser(
  core: Atelier,
  by: Caller,
  input: { email: string; name?: string; role: UserRole; password: string },
): Promise<UserInfo> {
  const email = input.email.trim();
  if (!emailPattern.test(email))
    throw new AppError('invalid_input', `"${email}" is not an email address.`);
  if (input.role === 'owner' && by.role !== 'owner')
    throw new AppError('unauthorized', 'Only the owner may make another owner.');
  checkPasswordPolicy(input.password);
  const clash = await core.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (clash) throw new AppError('conflict', `There is already an account for ${email}.`);
  const at = nowIso();
  const id = uuidv7();
  await core.db
    .insertInto('users')
    .values({
      id,
      name: input.name?.trim() || email.split('@')[0]!,
      email,
      password_hash: await hashPassword(input.password),
      role: input.role,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await audit(core, {
    userId: by.userId,
    action: 'user.add',
    target: email,
    details: { role: input.role },
  });
  return toUserInfo(await userRow(core, id));
}

export async function updateUser(
  core: Atelier,
  by: Caller,
  id: string,
  patch: { name?: string; role?: UserRole; disabled?: boolean; gpuMinutesPerDay?: number | null },
): Promise<UserInfo> {
  const u = await userRow(core, id);
  if ((u.role === 'owner' || patch.role === 'owner') && by.role !== 'owner')
    throw new AppError('unauthorized', 'Only the owner may change an owner, or make one.');
  if (u.id === by.userId && (patch.disabled || (patch.role && patch.role !== u.role)))
    throw new AppError('conflict', 'You cannot disable yourself or change your own role.');
  if (u.role === 'owner' && (patch.disabled || (patch.role && patch.role !== 'owner'))) {
    const owners = await core.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'owner')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    if (Number(owners.n) <= 1)
      throw new AppError('conflict', 'The studio needs an owner: make another owner first.');
  }
  await core.db
    .updateTable('users')
    .set({
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      ...(patch.gpuMinutesPerDay !== undefined
        ? { gpu_minutes_per_day: patch.gpuMinutesPerDay }
        : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', u.id)
    .execute();
  // A disabled account is out at once (its tokens stop working while it stays disabled); a
  // changed role reaches its open pages when they reconnect.
  if (patch.disabled) await core.db.deleteFrom('sessions').where('user_id', '=', u.id).execute();
  core.events.emit('accounts.changed', {
    userId: u.id,
    signedOut: !!patch.disabled || (patch.role !== undefined && patch.role !== u.role),
  });
  await audit(core, {
    userId: by.userId,
    action: 'user.update',
    target: u.email ?? u.id,
    details: patch,
  });
  return toUserInfo(await userRow(core, u.id));
}

export async function resetPassword(
  core: Atelier,
  by: Caller,
  id: string,
  password: string,
): Promise<UserInfo> {
  const u = await userRow(core, id);
  if (u.role === 'owner' && by.role !== 'owner' && by.userId !== u.id)
    throw new AppError('unauthorized', "Only the owner may change the owner's password.");
  checkPasswordPolicy(password);
  await core.db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password), updated_at: nowIso() })
    .where('id', '=', u.id)
    .execute();
  // Everyone signed in with the old password signs in again.
  await core.db.deleteFrom('sessions').where('user_id', '=', u.id).execute();
  core.events.emit('accounts.changed', { userId: u.id, signedOut: true });
  await audit(core, { userId: by.userId, action: 'user.resetPassword', target: u.email ?? u.id });
  return toUserInfo(await userRow(core, u.id));
}
