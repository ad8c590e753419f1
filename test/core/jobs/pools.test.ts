import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobSummary } from '../../../src-main/contract/jobs';
import { engineRequest } from '../../../src-main/core/engines/httpClient';
import { enqueueJob } from '../../../src-main/core/jobs/enqueue';
import { defineJobKind, registerJobKind } from '../../../src-main/core/jobs/registry';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { openTestCore, type TestCore } from '../../helpers/core';
import { waitFor } from '../../helpers/waitFor';
import { FakeEndpoint } from './fixtures/fakeEndpoint';

/** Sends its work to whichever server its lease names. */
registerJobKind(
  defineJobKind({
    kind: 'test_remote',
    params: z.object({ n: z.number() }),
    pools: ['llm'],
    restart: 'rerun',
    maxAttempts: 3,
    title: (p) => `remote ${p.n}`,
    async run(ctx, p) {
      const e = ctx.lease.endpoint!;
      const res = await engineRequest(
        { label: ctx.lease.label, url: e.url, headers: e.headers },
        '/v1/work',
        { json: { job: String(p.n) }, signal: ctx.signal, timeoutMs: 5000, attempts: 2 },
      );
      return { result: res.json<{ who: string }>() };
    },
  }),
);

let t: TestCore | undefined;
const servers: FakeEndpoint[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.kill();
  await t?.close();
  t = undefined;
});

const get = (id: string) => t!.call('jobs.get', { id, logLines: 20 });

describe('pools of engine servers', () => {
  it('spreads jobs over two servers, and when one dies mid-job its work fails over to the other', async () => {
    t = await openTestCore();
    // Alpha's jobs take long enough that the one caught running there is still running when it dies.
    const a = await new FakeEndpoint('alpha', 700).start();
    const b = await new FakeEndpoint('beta', 300).start();
    servers.push(a, b);
    const ea = await t.call('engines.addEndpoint', {
      kind: 'llm',
      name: 'alpha',
      url: a.url,
      slots: 1,
    });
    await t.call('engines.addEndpoint', { kind: 'llm', name: 'beta', url: b.url, slots: 1 });
    const runner = await new JobRunner(t.core, { healthIntervalMs: 100 }).start();
    const jobs: JobSummary[] = [];
    for (let n = 0; n < 8; n++) jobs.push(await enqueueJob(t.core, 'test_remote', { n }));
    // Both servers take work at once: one slot each.
    await waitFor(() => a.served >= 1 && b.served >= 1, 10_000, 'both servers to serve');
    const onAlpha = await waitFor(async () => {
      for (const j of jobs) {
        const d = await get(j.id);
        // Running there and not answered yet: the kill below lands mid-job.
        if (
          d.status === 'running' &&
          d.leaseLabel === "LLM server 'alpha'" &&
          a.inFlight.has(d.title.split(' ')[1]!)
        )
          return d;
      }
      return null;
    });
    await a.kill();
    await waitFor(
      async () => {
        for (const j of jobs) if ((await get(j.id)).status !== 'completed') return false;
        return true;
      },
      20_000,
      'every job to complete',
    );
    const failedOver = await get(onAlpha.id);
    expect(failedOver.result).toEqual({ who: 'beta', job: String(failedOver.title.split(' ')[1]) });
    expect(failedOver.logTail.map((l) => l.message).join('\n')).toMatch(
      /LLM server 'alpha' (went offline|cannot be reached)/,
    );
    // Attempts given back for the fail-over: it did not cost the job a retry.
    expect(failedOver.attempts).toBe(1);
    const state = await t.call('jobs.queueState', {});
    const alpha = state.pools.find((p) => p.endpointId === ea.id)!;
    expect(alpha).toMatchObject({ online: false, label: "LLM server 'alpha'", slots: 1 });
    expect(alpha.problem).toMatch(/cannot be reached/);
    expect(state.pools.map((p) => p.kind).sort()).toEqual(['cpu', 'gpu', 'io', 'llm', 'llm']);
    const whoServed = await Promise.all(
      jobs.map(async (j) => ((await get(j.id)).result as { who: string }).who),
    );
    expect(whoServed.filter((w) => w === 'beta').length).toBeGreaterThan(
      whoServed.filter((w) => w === 'alpha').length,
    );
    expect(a.served + b.served).toBe(8);
    await runner.dispose();
  }, 40_000);

  it('waits with a clear status while no server is up, and runs as soon as one is back', async () => {
    t = await openTestCore();
    const a = await new FakeEndpoint('alpha', 20).start();
    servers.push(a);
    const runner = await new JobRunner(t.core, { healthIntervalMs: 100 }).start();
    const before = await enqueueJob(t.core, 'test_remote', { n: 1 });
    expect(before.message).toBe('Waiting for an LLM server: add one in Settings → Engines');
    await t.call('engines.addEndpoint', { kind: 'llm', name: 'alpha', url: a.url });
    await waitFor(async () => (await get(before.id)).status === 'completed');
    await a.kill();
    await waitFor(async () => {
      const s = await t!.call('jobs.queueState', {});
      return s.pools.some((p) => p.kind === 'llm' && !p.online);
    });
    const job = await enqueueJob(t.core, 'test_remote', { n: 2 });
    const waiting = await get(job.id);
    expect(waiting.status).toBe('queued');
    expect(waiting.message).toMatch(
      /^Waiting for LLM server 'alpha' \(offline: LLM server 'alpha' cannot be reached/,
    );
    await a.start();
    await waitFor(async () => (await get(job.id)).status === 'completed', 10_000, 'the job to run');
    expect((await get(job.id)).message).toBeNull();
    await runner.dispose();
  }, 30_000);

  it('a job pinned to one server waits for it rather than going elsewhere', async () => {
    t = await openTestCore();
    const a = await new FakeEndpoint('alpha', 10).start();
    const b = await new FakeEndpoint('beta', 10).start();
    servers.push(a, b);
    await t.call('engines.addEndpoint', { kind: 'llm', name: 'alpha', url: a.url });
    const eb = await t.call('engines.addEndpoint', { kind: 'llm', name: 'beta', url: b.url });
    const runner = await new JobRunner(t.core, { healthIntervalMs: 100 }).start();
    const pinned: JobSummary[] = [];
    for (let n = 0; n < 3; n++)
      pinned.push(await enqueueJob(t.core, 'test_remote', { n }, { pool: eb.poolId }));
    await waitFor(async () => {
      for (const j of pinned) if ((await get(j.id)).status !== 'completed') return false;
      return true;
    });
    expect(a.served).toBe(0);
    expect(b.served).toBe(3);
    await runner.dispose();
  });
});
