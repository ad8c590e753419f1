import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobPage, JobSummary } from '../../../src-main/contract/jobs';
import { enqueueBatch, enqueueJob } from '../../../src-main/core/jobs/enqueue';
import { recoverInterrupted } from '../../../src-main/core/jobs/recovery';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { backoffMs } from '../../../src-main/core/jobs/transitions';
import { openTestCore, type TestCore } from '../../helpers/core';
import { waitFor } from '../../helpers/waitFor';
import { engines } from './testKinds';
import './testKinds';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const status = async (id: string) => (await t!.call('jobs.get', { id, logLines: 0 })).status;

describe('job queue', () => {
  it('two jobs waiting to retry at different times both run: the later wake is not lost', async () => {
    t = await openTestCore();
    // One GPU slot: A fails, then B runs 400 ms and fails, so B's retry is due 400 ms after A's;
    // A's second run ends at once, and only a wake set again from the queue starts B.
    const a = await enqueueJob(t.core, 'test_fail_once', { key: `a-${Date.now()}`, ms: 10 });
    const b = await enqueueJob(t.core, 'test_fail_once', { key: `b-${Date.now()}`, ms: 400 });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    const idle = runner.whenIdle();
    const timeout = new Promise((r) => setTimeout(() => r('timed out'), 15_000));
    expect(await Promise.race([idle.then(() => 'idle'), timeout])).toBe('idle');
    await runner.dispose();
    expect([await status(a.id), await status(b.id)]).toEqual(['completed', 'completed']);
  });

  it('runs by priority then queue position, one cpu job at a time when configured so', async () => {
    t = await openTestCore();
    await t.call('engines.update', { concurrency: { cpu: 1 } });
    const order: string[] = [];
    t.core.events.on('jobs.changed', ({ job }) => {
      if (job.status === 'running') order.push(job.title);
    });
    await t.call('jobs.pause', {});
    const a = await enqueueJob(t.core, 'test_sleep', { ms: 10, tag: 'a' });
    await enqueueJob(t.core, 'test_sleep', { ms: 10, tag: 'b' });
    await enqueueJob(t.core, 'test_sleep', { ms: 10, tag: 'urgent' }, { priority: 5 });
    const d = await enqueueJob(t.core, 'test_sleep', { ms: 10, tag: 'd' });
    await t.call('jobs.move', { id: d.id, direction: 'up' }); // d before b
    await t.call('jobs.move', { id: a.id, direction: 'bottom' });
    const queue = await t.call('jobs.list', { status: ['queued'], order: 'queue' });
    expect(queue.items.map((j) => j.title.split(' ')[2])).toEqual(['urgent', 'd', 'b', 'a']);
    const runner = await new JobRunner(t.core).start();
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual([]); // paused survives into the runner
    await t.call('jobs.resume', {});
    await waitFor(async () => (await status(a.id)) === 'completed');
    expect(order.map((s) => s.split(' ')[2])).toEqual(['urgent', 'd', 'b', 'a']);
    await runner.dispose();
  });

  it('hands the resource slot to the next job once the engine is done, never two engines at once', async () => {
    t = await openTestCore();
    await t.call('engines.update', { concurrency: { cpu: 1 } });
    const started: string[] = [];
    t.core.events.on('jobs.changed', ({ job }) => {
      if (job.status === 'running') started.push(job.title.split(' ')[1]!);
    });
    await t.call('jobs.pause', {});
    const jobs: { id: string }[] = [];
    for (const tag of ['a', 'b', 'c'])
      jobs.push(await enqueueJob(t.core, 'test_pipelined', { engineMs: 150, tailMs: 400, tag }));
    const runner = await new JobRunner(t.core).start();
    await t.call('jobs.resume', {});
    // b starts while a is still finishing its tail: the slot was handed over.
    await waitFor(() => started.includes('b'));
    expect(await status(jobs[0]!.id)).toBe('running');
    await waitFor(async () => (await status(jobs[2]!.id)) === 'completed');
    expect(started).toEqual(['a', 'b', 'c']);
    // The class limit still holds for the engines (calling engineDone twice freed one slot).
    expect(engines.most).toBe(1);
    await runner.dispose();
  });

  it('applies new concurrency limits to the running queue at once', async () => {
    t = await openTestCore();
    await t.call('engines.update', { concurrency: { cpu: 1 } });
    const runner = await new JobRunner(t.core).start();
    expect(runner.localSlots.cpu).toBe(1);
    await t.call('engines.update', { concurrency: { cpu: 3, io: 4 } });
    await waitFor(async () => runner.localSlots.cpu === 3);
    expect(runner.localSlots).toMatchObject({ cpu: 3, io: 4 });
    await runner.dispose();
  });

  it('reports throttled progress, ETA-ready fields and a log tail', async () => {
    t = await openTestCore();
    const runner = await new JobRunner(t.core).start();
    const ticks: number[] = [];
    t.core.events.on('jobs.progress', (p) => ticks.push(p.progress));
    const j = await enqueueJob(t.core, 'test_sleep', { ms: 600, tag: 'p' });
    await waitFor(async () => (await status(j.id)) === 'completed');
    // 5 reports over ~600 ms with a 250 ms throttle: fewer events than reports, last one kept.
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.length).toBeLessThan(5);
    const done = await t.call('jobs.get', { id: j.id, logLines: 10 });
    expect(done.progress).toBe(1);
    expect(done.result).toEqual({ tag: 'p' });
    await runner.dispose();
  });

  it('cancels queued and running jobs; a running child process tree is killed and temp files removed', async () => {
    t = await openTestCore();
    const runner = await new JobRunner(t.core).start();
    const j = await enqueueJob(t.core, 'test_spawn', { seconds: 30 });
    const queued = await enqueueJob(t.core, 'test_spawn', { seconds: 30 }); // gpu: 1 at a time
    const tmp = path.join(t.core.layout.tmp, 'jobs', j.id);
    await waitFor(() => existsSync(path.join(tmp, 'marker.txt')));
    expect(await status(queued.id)).toBe('queued');
    await t.call('jobs.cancel', { id: queued.id });
    expect(await status(queued.id)).toBe('cancelled');
    const started = Date.now();
    await t.call('jobs.cancel', { id: j.id });
    await waitFor(async () => (await status(j.id)) === 'cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(existsSync(tmp)).toBe(false);
    // No `sleep 30` of ours survives.
    const { execFileSync } = await import('node:child_process');
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    expect(ps.split('\n').filter((l) => l.trim() === 'sleep 30')).toEqual([]);
    await runner.dispose();
  });

  it('retries idempotent kinds automatically with backoff, and manually on request', async () => {
    expect(backoffMs(1)).toBe(2000);
    expect(backoffMs(10)).toBe(60_000);
    t = await openTestCore();
    const runner = await new JobRunner(t.core).start();
    const j = await enqueueJob(t.core, 'test_flaky', { key: `k${Date.now()}`, failTimes: 1 });
    const waiting = await waitFor(async () => {
      const d = await t!.call('jobs.get', { id: j.id, logLines: 20 });
      return d.status === 'queued' && d.runAfter ? d : null;
    });
    expect(waiting.error).toContain('flaky failure 1');
    expect(
      waiting.logTail.some((l) => l.level === 'error' && l.message.includes('flaky failure 1')),
    ).toBe(true);
    const done = await waitFor(async () => {
      const d = await t!.call('jobs.get', { id: j.id, logLines: 0 });
      return d.status === 'completed' ? d : null;
    });
    expect(done.attempts).toBe(2);

    const bad = await enqueueJob(t.core, 'test_flaky', { key: `m${Date.now()}`, failTimes: 9 });
    await t.call('jobs.cancel', { id: bad.id }).catch(() => undefined);
    await waitFor(async () => ['cancelled', 'failed', 'queued'].includes(await status(bad.id)));
    await t.call('jobs.cancel', { id: bad.id });
    expect(await status(bad.id)).toBe('cancelled');
    const again = await t.call('jobs.retry', { id: bad.id });
    expect(again.status === 'queued' || again.status === 'running').toBe(true);
    await t.call('jobs.cancel', { id: bad.id });
    await runner.dispose();
  }, 20_000);

  it('aggregates a batch parent over its children', async () => {
    t = await openTestCore();
    const { parent, childIds } = await enqueueBatch(
      t.core,
      'test_sleep',
      'batch of 4',
      [0, 1, 2, 3].map((i) => ({ params: { ms: 20, tag: `c${i}` } })),
    );
    expect(parent.children).toMatchObject({ total: 4, queued: 4 });
    await t.call('jobs.cancel', { id: childIds[3]! });
    const runner = await new JobRunner(t.core).start();
    const final = await waitFor(async () => {
      const d = await t!.call('jobs.get', { id: parent.id, logLines: 0 });
      return ['completed', 'failed', 'cancelled'].includes(d.status) ? d : null;
    });
    expect(final.status).toBe('completed');
    expect(final.children).toMatchObject({ total: 4, completed: 3, cancelled: 1 });
    expect(final.progress).toBe(1);
    expect(final.childJobs).toHaveLength(4);
    const top = await t.call('jobs.list', { parentId: null });
    expect(top.items.map((j) => j.id)).toEqual([parent.id]);
    // Counts head the list they come with: the batch once at the top, its children inside it.
    expect(top.counts).toMatchObject({ completed: 1, cancelled: 0 });
    const inside = await t.call('jobs.list', { parentId: parent.id });
    expect(inside.counts).toMatchObject({ completed: 3, cancelled: 1 });
    expect((await t.call('jobs.list', {})).counts).toMatchObject({ completed: 4, cancelled: 1 });
    await runner.dispose();
  });

  it('pages with a keyset cursor and refuses a forged one', async () => {
    t = await openTestCore();
    await t.call('jobs.pause', {});
    for (let i = 0; i < 25; i++) await enqueueJob(t.core, 'test_sleep', { ms: 0, tag: String(i) });
    const seen: JobSummary[] = [];
    let cursor: string | undefined;
    do {
      const page: JobPage = await t.call('jobs.list', { limit: 10, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      expect(page.counts.queued).toBe(25);
    } while (cursor);
    expect(new Set(seen.map((j) => j.id)).size).toBe(25);
    expect(seen[0]!.title).toBe('sleep 0 24');
    const queueOrder: JobSummary[] = [];
    cursor = undefined;
    do {
      const page: JobPage = await t.call('jobs.list', {
        limit: 7,
        order: 'queue',
        status: ['queued'],
        cursor,
      });
      queueOrder.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(queueOrder.map((j) => j.title)).toEqual(seen.map((j) => j.title).reverse());
    const r = await t.api.invoke('jobs.list', { cursor: 'bm9wZQ' });
    expect(r.ok).toBe(false);
  });

  it('recovers after a crash: idempotent kinds re-queued, others failed as interrupted, temp debris removed', async () => {
    t = await openTestCore();
    const a = await enqueueJob(t.core, 'test_sleep', { ms: 1, tag: 'x' });
    const b = await enqueueJob(t.core, 'test_spawn', { seconds: 1 });
    t.core.sqlite.prepare("UPDATE jobs SET status = 'running', attempts = 1").run();
    const debris = path.join(t.core.layout.tmp, 'jobs', b.id);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(debris, { recursive: true });
    writeFileSync(path.join(debris, 'half.png'), 'partial');
    const report = recoverInterrupted(t.core);
    expect(report.requeued).toEqual([a.id]);
    expect(report.failed).toEqual([b.id]);
    expect(readdirSync(path.join(t.core.layout.tmp, 'jobs'))).toEqual([]);
    const failed = await t.call('jobs.get', { id: b.id, logLines: 5 });
    expect(failed.error).toMatch(/Interrupted/);
    expect(await status(a.id)).toBe('queued');
  });

  it('refuses unknown kinds, bad params and moving a finished job', async () => {
    t = await openTestCore();
    await expect(enqueueJob(t.core, 'nope', {})).rejects.toThrow(/Unknown job kind/);
    await expect(enqueueJob(t.core, 'test_flaky', { key: 1 })).rejects.toThrow(/key/);
    const r = await t.api.invoke('jobs.move', { id: 'missing', direction: 'up' });
    expect(r.ok || r.error.code).toBe('not_found');
  });
});
