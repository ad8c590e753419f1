import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src-main/core/accounts/passwords';
import { FailureLimiter } from '../../../src-main/core/accounts/rateLimit';
import { sessionFor, signIn, startSessionFor } from '../../../src-main/core/accounts/sessions';
import { addUser, updateUser } from '../../../src-main/core/accounts/users';
import type { Caller } from '../../../src-main/core/app/caller';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});
const PASSWORD = 'a long enough password';
const client = { ip: '192.0.2.7', userAgent: 'browser/1' };

describe('passwords', () => {
  it('are scrypt hashes with their parameters, salted, checked in constant work', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    // No hash (the passwordless local owner, an unknown account): false, after the same work.
    const t0 = performance.now();
    expect(await verifyPassword('anything at all', null)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThan(5);
  });
});

describe('the failure limiter', () => {
  it('refuses past the limit inside the window and lets the oldest failure age out', () => {
    const l = new FailureLimiter(3, 1000);
    for (let i = 0; i < 3; i++) l.fail('k', 100 * i);
    expect(l.retryAfter('k', 300)).toBe(700);
    expect(l.retryAfter('k', 1000)).toBe(0);
    expect(l.retryAfter('other', 300)).toBe(0);
    l.clear('k');
    expect(l.retryAfter('k', 300)).toBe(0);
  });
});

describe('accounts', () => {
  it('keep the studio with an owner; only an owner makes owners; nobody disables or demotes themselves', async () => {
    t = await openTestCore();
    const owner = t.core.localOwner;
    const admin = await addUser(t.core, owner, {
      email: 'ada@studio.test',
      role: 'admin',
      password: PASSWORD,
    });
    const asAdmin: Caller = { userId: admin.id, role: 'admin', name: admin.name };
    await expect(
      addUser(t.core, asAdmin, { email: 'x@studio.test', role: 'owner', password: PASSWORD }),
    ).rejects.toThrow(/Only the owner may make another owner/);
    await expect(updateUser(t.core, asAdmin, owner.userId!, { disabled: true })).rejects.toThrow(
      /Only the owner may change an owner/,
    );
    await expect(updateUser(t.core, owner, owner.userId!, { role: 'member' })).rejects.toThrow(
      /cannot disable yourself or change your own role/,
    );
    const second = await addUser(t.core, owner, {
      email: 'o2@studio.test',
      role: 'owner',
      password: PASSWORD,
    });
    const asSecond: Caller = { userId: second.id, role: 'owner', name: second.name };
    await updateUser(t.core, asSecond, owner.userId!, { role: 'admin' });
    await expect(updateUser(t.core, asSecond, second.id, { disabled: true })).rejects.toThrow(
      /yourself/,
    );
    await expect(
      addUser(t.core, owner, { email: 'not an email', role: 'member', password: PASSWORD }),
    ).rejects.toThrow(/is not an email address/);
    await expect(
      addUser(t.core, owner, {
        email: 'aaa@studio.test',
        role: 'member',
        password: 'aaaaaaaaaaaa',
      }),
    ).rejects.toThrow(/one repeated character/);
    const audit = t.core.sqlite.prepare('SELECT action FROM audit_log ORDER BY id').all() as {
      action: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual(['user.add', 'user.add', 'user.update']);
  });

  it('sessions: bound to their browser, ended by disabling, expired after a month unused', async () => {
    t = await openTestCore();
    const mia = await addUser(t.core, t.core.localOwner, {
      email: 'mia@studio.test',
      role: 'member',
      password: PASSWORD,
    });
    const s = await signIn(t.core, { email: 'Mia@Studio.test ', password: PASSWORD }, client);
    expect(sessionFor(t.core, s.token, 'browser/1')?.caller).toMatchObject({
      userId: mia.id,
      role: 'member',
    });
    expect(sessionFor(t.core, s.token, 'curl/8')).toBeNull();
    expect(sessionFor(t.core, 'ats_guess', 'browser/1')).toBeNull();
    // A month unused: gone, and the row with it.
    t.core.sqlite.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    expect(sessionFor(t.core, s.token, 'browser/1')).toBeNull();
    expect(t.core.sqlite.prepare('SELECT count(*) n FROM sessions').get()).toEqual({ n: 0 });
    const again = await signIn(t.core, { email: 'mia@studio.test', password: PASSWORD }, client);
    await updateUser(t.core, t.core.localOwner, mia.id, { disabled: true });
    expect(sessionFor(t.core, again.token, 'browser/1')).toBeNull();
    // The local owner has no password: only the printed URL makes their sessions.
    await expect(
      signIn(t.core, { email: 'owner', password: 'anything at all' }, client),
    ).rejects.toThrow(/Wrong email or password/);
    const own = await startSessionFor(t.core, t.core.localOwner, client);
    expect(sessionFor(t.core, own.token, 'browser/1')?.caller.role).toBe('owner');
  });

  it('limits sign-ins per address across accounts (30 failures in 15 minutes)', async () => {
    t = await openTestCore();
    for (let i = 0; i < 30; i++)
      await expect(
        signIn(t.core, { email: `nobody${i}@studio.test`, password: 'wrong password' }, client),
      ).rejects.toThrow(/Wrong email/);
    await expect(
      signIn(t.core, { email: 'someone@studio.test', password: 'wrong password' }, client),
    ).rejects.toMatchObject({ code: 'rate_limited' });
    // Another address is not held up.
    await expect(
      signIn(
        t.core,
        { email: 'someone@studio.test', password: 'wrong password' },
        { ...client, ip: '192.0.2.8' },
      ),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  }, 60_000);
});
