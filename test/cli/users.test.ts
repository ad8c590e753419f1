import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { tempDir } from '../helpers/tempDir';
import { capture } from '../helpers/cliCapture';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

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

describe('atelier usage', () => {
  it('prints GPU hours and failure rates by model and the day’s balance, or JSON', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const { openAtelier } = await import('../../src-main/core/app/atelier');
    const core = await openAtelier({ dataDir: t.dir, host: 'cli', services: false });
    const insert = core.sqlite.prepare(
      `INSERT INTO jobs (id, kind, status, pool, params, created_by, title, gpu_seconds, resource_seconds, engine, model, created_at, updated_at, finished_at)
       VALUES (?, 'upscale', ?, 'gpu', '{}', ?, 't', ?, ?, 'Real-ESRGAN', ?, ?, ?, ?)`,
    );
    const at = new Date().toISOString();
    const owner = core.localOwner.userId;
    insert.run('j1', 'completed', owner, 5400, 5500, 'realesrgan-x4plus', at, at, at);
    insert.run('j2', 'failed', owner, 1800, 1900, 'realesrgan-x4plus', at, at, at);
    insert.run('j3', 'completed', owner, 60, 70, 'realesr-animevideov3', at, at, at);
    await core.dispose();
    const d = ['--data-dir', t.dir];
    const table = capture();
    expect(await main(['usage', ...d], table.io)).toBe(0);
    expect(table.out[0]).toMatch(/^model\s+jobs\s+failed\s+GPU\s+CPU\s+wall\s+outputs$/);
    expect(table.out[1]).toMatch(
      /^realesrgan-x4plus\s+2\s+50%\s+2\.00 h\s+0\.0 min\s+2\.06 h\s+0$/,
    );
    expect(table.out[2]).toMatch(/^realesr-animevideov3\s+1\s+0%\s+1\.0 min/);
    expect(table.out[3]).toMatch(/^total\s+3\s+33%\s+2\.02 h/);
    const json = capture();
    expect(
      await main(['usage', '--by', 'day', '--since', '2000-01-01', '--json', ...d], json.io),
    ).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({ by: 'day', total: { jobs: 3 } });
    const bad = capture();
    expect(await main(['usage', '--by', 'planet', ...d], bad.io)).toBe(2);
    const balance = capture();
    expect(await main(['usage', 'balance', ...d], balance.io)).toBe(0);
    expect(balance.out[0]).toBe(
      'No GPU quota; 121 GPU minutes used today, 0 held for queued jobs.',
    );
  });
});
