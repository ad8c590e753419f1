import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { UsageReport } from '../../../src-main/contract/usage';
import { addUser } from '../../../src-main/core/accounts/users';
import type { Caller } from '../../../src-main/core/app/caller';
import { enqueueJob } from '../../../src-main/core/jobs/enqueue';
import { defineJobKind, registerJobKind } from '../../../src-main/core/jobs/registry';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { openTestCore, type TestCore } from '../../helpers/core';
import { waitFor } from '../../helpers/waitFor';

/** Holds a GPU slot while a real child process runs, then frees it and finishes light work. */
registerJobKind(
  defineJobKind({
    kind: 'test_render',
    params: z.object({ ms: z.number(), model: z.string(), fail: z.boolean().default(false) }),
    pools: ['gpu'],
    restart: 'fail',
    title: (p) => `render ${p.model}`,
    async run(ctx, p) {
      ctx.usage({ model: p.model });
      await ctx.spawn(process.execPath, ['-e', `setTimeout(() => {}, ${p.ms})`], {
        label: 'render',
      });
      ctx.engineDone();
      await new Promise((r) => setTimeout(r, 150)); // registering outputs: not GPU time
      if (p.fail) throw new Error('the render came out black');
      return { result: {} };
    },
  }),
);
registerJobKind(
  defineJobKind({
    kind: 'test_cpu_step',
    params: z.object({}),
    pools: ['cpu'],
    restart: 'fail',
    title: () => 'cpu step',
    async run(ctx) {
      await ctx.spawn(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { label: 'step' });
      return { result: {} };
    },
  }),
);

let t: TestCore | undefined;
let runner: JobRunner | undefined;
afterEach(async () => {
  await runner?.dispose();
  runner = undefined;
  await t?.close();
  t = undefined;
});

const PASSWORD = 'a long enough password';
const row = (id: string) =>
  t!.core.sqlite
    .prepare(
      'SELECT gpu_seconds, cpu_seconds, resource_seconds, engine, model FROM jobs WHERE id = ?',
    )
    .get(id) as {
    gpu_seconds: number;
    cpu_seconds: number;
    resource_seconds: number;
    engine: string;
    model: string;
  };

async function member(email: string): Promise<Caller> {
  const u = await addUser(t!.core, t!.core.localOwner, {
    email,
    role: 'member',
    password: PASSWORD,
  });
  return { userId: u.id, role: 'member', name: u.name };
}

async function finish(ids: string[]) {
  await waitFor(
    async () => {
      for (const id of ids) {
        const s = (await t!.call('jobs.get', { id })).status;
        if (s === 'queued' || s === 'running') return false;
      }
      return true;
    },
    20_000,
    'jobs to finish',
  );
}

describe('the usage ledger', () => {
  it('records per job its user, GPU seconds while the slot was held (not after), CPU seconds, engine and model', async () => {
    t = await openTestCore();
    const mia = await member('mia@studio.test');
    runner = await new JobRunner(t.core, {}).start();
    const gpu = await enqueueJob(
      t.core,
      'test_render',
      { ms: 600, model: 'sdxl-base' },
      { createdBy: mia.userId },
    );
    const cpu = await enqueueJob(t.core, 'test_cpu_step', {}, { createdBy: mia.userId });
    await finish([gpu.id, cpu.id]);
    const g = row(gpu.id);
    expect(g.engine).toBe('node');
    expect(g.model).toBe('sdxl-base');
    expect(g.gpu_seconds).toBeGreaterThanOrEqual(0.6);
    expect(g.cpu_seconds).toBe(0);
    // The wall time includes the light work after engineDone; the GPU time does not.
    expect(g.resource_seconds - g.gpu_seconds).toBeGreaterThanOrEqual(0.14);
    const c = row(cpu.id);
    expect(c.cpu_seconds).toBeGreaterThanOrEqual(0.2);
    expect(c.gpu_seconds).toBe(0);
  });

  it('reports by model, user, day and pack: GPU hours, failure rates, outputs; members see only their own', async () => {
    t = await openTestCore();
    const mia = await member('mia@studio.test');
    const bo = await member('bo@studio.test');
    runner = await new JobRunner(t.core, {}).start();
    const ids = [
      (
        await enqueueJob(
          t.core,
          'test_render',
          { ms: 200, model: 'flux' },
          { createdBy: mia.userId },
        )
      ).id,
      (
        await enqueueJob(
          t.core,
          'test_render',
          { ms: 200, model: 'flux', fail: true },
          { createdBy: mia.userId },
        )
      ).id,
      (
        await enqueueJob(
          t.core,
          'test_render',
          { ms: 200, model: 'sdxl' },
          { createdBy: bo.userId },
        )
      ).id,
    ];
    await finish(ids);
    const byModel = await t.call('usage.report', { by: 'model' });
    const flux = byModel.rows.find((r) => r.key === 'flux')!;
    expect(flux).toMatchObject({ jobs: 2, completed: 1, failed: 1, failureRate: 0.5 });
    expect(flux.gpuHours).toBeGreaterThan(0.4 / 3600);
    expect(byModel.total.jobs).toBe(3);

    const byUser = await t.call('usage.report', { by: 'user' });
    expect(byUser.rows.map((r) => [r.label, r.jobs]).sort()).toEqual([
      ['bo@studio.test', 1],
      ['mia@studio.test', 2],
    ]);
    const byDay = await t.call('usage.report', { by: 'day', since: '2000-01-01' });
    expect(byDay.rows).toHaveLength(1);
    expect(byDay.rows[0]!.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const future = await t.call('usage.report', { by: 'day', since: '2999-01-01' });
    expect(future.total.jobs).toBe(0);

    // As Mia (a member): her jobs only, and nobody else's on request.
    const asMia = await t.api.invoke('usage.report', { by: 'model' }, { caller: mia });
    const mine = (asMia.ok ? asMia.value : null) as UsageReport | null;
    expect(mine?.total.jobs).toBe(2);
    expect(mine?.userId).toBe(mia.userId);
    const snoop = await t.api.invoke(
      'usage.report',
      { by: 'model', user: 'bo@studio.test' },
      { caller: mia },
    );
    expect(snoop.ok ? null : snoop.error.code).toBe('unauthorized');
    const bad = await t.api.invoke('usage.report', { by: 'model', since: 'yesterday' });
    expect(bad.ok ? null : bad.error.code).toBe('invalid_input');
  });

  it('attributes GPU time to the packs holding what a job made', async () => {
    t = await openTestCore();
    runner = await new JobRunner(t.core, {}).start();
    const job = await enqueueJob(
      t.core,
      'test_render',
      { ms: 100, model: 'flux' },
      { createdBy: t.core.localOwner.userId },
    );
    await finish([job.id]);
    const { asset, insertAssets } = await import('../browse/helpers');
    const a = asset({ filename: 'neon-cat.png' }, 0);
    insertAssets(t.core.sqlite, [a]);
    t.core.sqlite.prepare('UPDATE assets SET job_id = ? WHERE id = ?').run(job.id, a.id);
    const pack = await t.call('packs.create', { name: 'Neon cats' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: [a.id] });
    const byPack = await t.call('usage.report', { by: 'pack' });
    expect(byPack.rows).toEqual([
      expect.objectContaining({ label: 'Neon cats', jobs: 1, outputs: 1, completed: 1 }),
    ]);
  });
});

describe('GPU quotas', () => {
  it('refuses a GPU job past the day’s quota with the remaining balance, holding estimates for queued jobs', async () => {
    t = await openTestCore();
    const mia = await member('mia@studio.test');
    await t.call('users.update', { id: mia.userId!, gpuMinutesPerDay: 2.5 });
    // Nothing has run yet: each job is estimated at a minute. Two fit, the third does not.
    await enqueueJob(t.core, 'test_render', { ms: 10, model: 'x' }, { createdBy: mia.userId });
    await enqueueJob(t.core, 'test_render', { ms: 10, model: 'x' }, { createdBy: mia.userId });
    await expect(
      enqueueJob(t.core, 'test_render', { ms: 10, model: 'x' }, { createdBy: mia.userId }),
    ).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(
        /Over your GPU quota for today: 0\.5 of 2\.5 GPU minutes left \(2 held for your queued jobs\), and this needs about 1/,
      ),
      details: expect.objectContaining({ remainingMinutes: 0.5, quotaMinutes: 2.5 }),
    });
    // CPU work is not GPU time: it is never refused by the quota.
    await enqueueJob(t.core, 'test_cpu_step', {}, { createdBy: mia.userId });
    const balance = await t.api.invoke('usage.balance', {}, { caller: mia });
    expect(balance.ok && balance.value).toEqual({
      quotaMinutes: 2.5,
      usedMinutes: 0,
      heldMinutes: 2,
      remainingMinutes: 0.5,
    });
    // Someone without a quota is never refused.
    const bo = await member('bo@studio.test');
    for (let i = 0; i < 5; i++)
      await enqueueJob(t.core, 'test_render', { ms: 10, model: 'x' }, { createdBy: bo.userId });
  });

  it('charges what ran: after the jobs finish, the balance is the real GPU time', async () => {
    t = await openTestCore();
    const mia = await member('mia@studio.test');
    await t.call('users.update', { id: mia.userId!, gpuMinutesPerDay: 10 });
    runner = await new JobRunner(t.core, {}).start();
    const j = await enqueueJob(
      t.core,
      'test_render',
      { ms: 400, model: 'x' },
      { createdBy: mia.userId },
    );
    await finish([j.id]);
    const b = await t.call('usage.balance', { user: 'mia@studio.test' });
    expect(b.heldMinutes).toBe(0);
    const gpu = row(j.id).gpu_seconds / 60;
    expect(b.usedMinutes).toBeCloseTo(gpu, 1);
    expect(b.remainingMinutes).toBeCloseTo(10 - gpu, 1);
  });
});

describe('members and jobs', () => {
  it('a member cancels and retries her own jobs, not someone else’s', async () => {
    t = await openTestCore();
    const mia = await member('mia@studio.test');
    const bo = await member('bo@studio.test');
    const hers = await enqueueJob(
      t.core,
      'test_render',
      { ms: 10, model: 'x' },
      { createdBy: mia.userId },
    );
    const his = await enqueueJob(
      t.core,
      'test_render',
      { ms: 10, model: 'x' },
      { createdBy: bo.userId },
    );
    const own = await t.api.invoke('jobs.cancel', { id: hers.id }, { caller: mia });
    expect(own.ok).toBe(true);
    const other = await t.api.invoke('jobs.cancel', { id: his.id }, { caller: mia });
    expect(other.ok ? null : other.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/someone else’s/),
    });
    const move = await t.api.invoke('jobs.move', { id: his.id, direction: 'top' }, { caller: mia });
    expect(move.ok).toBe(false);
    // The owner may.
    expect((await t.api.invoke('jobs.cancel', { id: his.id })).ok).toBe(true);
  });
});
