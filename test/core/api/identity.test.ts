import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import type { EventName } from '../../../src-main/contract';
import type { Caller } from '../../../src-main/core/app/caller';
import { subscribeAs } from '../../../src-main/core/app/audience';
import { makeImage, addAsset } from '../process/mediaFixtures';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('who is calling, and what each connection hears', () => {
  it('the desktop and CLI caller is the local owner: jobs they queue are theirs', async () => {
    t = await openTestCore();
    const owner = t.core.sqlite
      .prepare("SELECT id, name FROM users WHERE role = 'owner'")
      .get() as {
      id: string;
      name: string;
    };
    expect(t.core.localOwner).toEqual({ userId: owner.id, role: 'owner', name: owner.name });
    const asset = await addAsset(t.core, await makeImage(t.root));
    const run = await t.call('process.run', {
      kind: 'transcode',
      assetIds: [asset],
      params: { format: 'webp' },
    });
    const job = await t.call('jobs.get', { id: run.jobId, logLines: 0 });
    expect(job.createdBy).toBe(owner.id);
  });

  it('events reach each connection through its caller’s filter: a member does not hear about engine servers or watched folders', async () => {
    t = await openTestCore();
    const heard = (role: Caller['role']) => {
      const got: EventName[] = [];
      subscribeAs(
        t!.core.events,
        () => ({ userId: 'u', role, name: role }),
        (e) => got.push(e),
      );
      return got;
    };
    const owner = heard('owner');
    const member = heard('member');
    t.core.events.emit('engines.changed', { reason: 'endpoints' });
    t.core.events.emit('watchFolders.changed', { id: null });
    t.core.events.emit('status.changed', { reason: 'asset-added' });
    expect(owner).toEqual(['engines.changed', 'watchFolders.changed', 'status.changed']);
    expect(member).toEqual(['status.changed']);
  });

  it('every request has an id in the application log, and its failure is written there with it', async () => {
    t = await openTestCore();
    const r = await t.api.invoke('jobs.get', { id: 'nope', logLines: 0 }, { requestId: 'req-abc' });
    expect(r.ok).toBe(false);
    const crashed = await t.api.invoke(
      'process.lineage',
      { assetId: 'x' },
      { requestId: 'req-def' },
    );
    expect(crashed.ok).toBe(false);
    const log = readFileSync(path.join(t.core.layout.logs, 'atelier.log'), 'utf8');
    expect(log).toMatch(/DEBUG \[api\] req=req-abc user=\S+ jobs\.get: \[not_found\] No job nope/);
    expect(log).toMatch(/req=req-def .*process\.lineage: \[not_found\]/);
  });
});

describe('atelier logs', () => {
  it('prints the last lines, filtered by level or text', async () => {
    t = await openTestCore();
    await t.api.invoke('jobs.get', { id: 'missing-job', logLines: 0 }, { requestId: 'r1' });
    const dataDir = t.dataDir;
    const all = capture();
    expect(await main(['logs', '--data-dir', dataDir, '-n', '5'], all.io)).toBe(0);
    expect(all.out.join('\n')).toMatch(/\[app\] opened/);
    expect(all.out.join('\n')).toMatch(/missing-job/);
    const warn = capture();
    expect(await main(['logs', '--data-dir', dataDir, '--level', 'warn'], warn.io)).toBe(0);
    expect(warn.out).toEqual([]);
    const grep = capture();
    await main(['logs', '--data-dir', dataDir, '--grep', 'req=r1'], grep.io);
    expect(grep.out).toHaveLength(1);
    const bad = capture();
    expect(await main(['logs', '--data-dir', dataDir, '--level', 'loud'], bad.io)).toBe(2);
  });
});
