import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { tempDir } from '../helpers/tempDir';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** The real CLI in its own process, so the password travels on stdin as a user's would. */
function cli(args: string[], stdin: string) {
  return spawnSync(process.execPath, ['bin/atelier.mjs', ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('atelier users and tokens', () => {
  it('adds people with a password from stdin (never an argument), lists, disables, changes roles and quotas', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const d = ['--data-dir', t.dir];
    const add = cli(
      ['users', 'add', 'mia@studio.test', '--role', 'member', '--name', 'Mia', ...d],
      'a long enough password\n',
    );
    expect(add.stderr).toBe('');
    expect(add.stdout.trim()).toBe('Added mia@studio.test as member.');
    const weak = cli(['users', 'add', 'bo@studio.test', ...d], 'short\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/at least 10 characters/);
    const again = cli(['users', 'add', 'MIA@studio.test', ...d], 'another long password\n');
    expect(again.stderr).toMatch(/already an account/);

    // A password as an argument is refused: it would show in the process list.
    const arg = capture();
    expect(
      await main(['users', 'add', 'x@studio.test', '--password', 'hunter22222', ...d], arg.io),
    ).toBe(2);

    const list = capture();
    expect(await main(['users', 'list', '--json', ...d], list.io)).toBe(0);
    const users = JSON.parse(list.out.join('\n')) as { email: string | null; role: string }[];
    expect(users.map((u) => [u.email, u.role])).toEqual([
      [null, 'owner'],
      ['mia@studio.test', 'member'],
    ]);
    const quota = capture();
    expect(await main(['users', 'quota', 'mia@studio.test', '90', ...d], quota.io)).toBe(0);
    expect(quota.out[0]).toMatch(/^mia@studio\.test\s+member\s+· 90 GPU min\/day$/);
    const role = capture();
    expect(await main(['users', 'role', 'mia@studio.test', 'admin', ...d], role.io)).toBe(0);
    expect(role.out[0]).toMatch(/admin/);
    const off = capture();
    expect(await main(['users', 'disable', 'mia@studio.test', ...d], off.io)).toBe(0);
    expect(off.out[0]).toMatch(/DISABLED/);
    const bad = capture();
    expect(await main(['users', 'role', 'mia@studio.test', 'king', ...d], bad.io)).toBe(2);
    expect(bad.err[0]).toMatch(/role takes one of owner, admin, member/);
    const reset = cli(
      ['users', 'reset-password', 'mia@studio.test', ...d],
      'a brand new password\n',
    );
    expect(reset.stdout).toMatch(/Password changed/);
  });

  it('makes a token shown once, lists it without the secret, revokes it', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const d = ['--data-dir', t.dir];
    const made = capture();
    expect(await main(['tokens', 'create', '--name', 'ci', ...d], made.io)).toBe(0);
    expect(made.out[0]).toMatch(/^att_[A-Za-z0-9_-]{40,}$/);
    expect(made.err[0]).toMatch(/not shown again/);
    const list = capture();
    expect(await main(['tokens', ...d], list.io)).toBe(0);
    expect(list.out[0]).toMatch(/^ci\s+\S+\s+never used$/);
    expect(list.out.join('\n')).not.toContain(made.out[0]);
    const rev = capture();
    expect(await main(['tokens', 'revoke', 'ci', ...d], rev.io)).toBe(0);
    const gone = capture();
    expect(await main(['tokens', 'revoke', 'ci', ...d], gone.io)).toBe(1);
    expect(gone.err[0]).toMatch(/No live token ci/);
  });
});
