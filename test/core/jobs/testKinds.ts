import { z } from 'zod';
import { AppError } from '../../../src-main/contract/errors';
import { registerJobKind } from '../../../src-main/core/jobs/registry';

/** Small kinds for queue tests: they exercise the scheduler, not any engine. */
export const sleepKind = registerJobKind({
  kind: 'test_sleep',
  params: z.object({ ms: z.number().default(0), tag: z.string().default('') }),
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 1,
  title: (p) => `sleep ${p.ms} ${p.tag}`,
  async run(ctx, p) {
    const steps = 5;
    for (let i = 0; i < steps; i++) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, p.ms / steps);
        ctx.signal.addEventListener(
          'abort',
          () => (clearTimeout(t), reject(new AppError('cancelled', 'aborted'))),
          { once: true },
        );
      });
      ctx.progress((i + 1) / steps, `step ${i + 1}`);
    }
    return { result: { tag: p.tag } };
  },
});

const failures = new Map<string, number>();
export const flakyKind = registerJobKind({
  kind: 'test_flaky',
  params: z.object({ key: z.string(), failTimes: z.number() }),
  pools: ['io'],
  restart: 'rerun',
  maxAttempts: 3,
  title: (p) => `flaky ${p.key}`,
  async run(_ctx, p) {
    const n = failures.get(p.key) ?? 0;
    failures.set(p.key, n + 1);
    if (n < p.failTimes) throw new Error(`flaky failure ${n + 1}`);
    return { result: { attempts: n + 1 } };
  },
});

export const spawnKind = registerJobKind({
  kind: 'test_spawn',
  params: z.object({ seconds: z.number() }),
  pools: ['gpu'],
  restart: 'fail',
  title: () => 'spawn',
  async run(ctx, p) {
    const marker = ctx.tempPath('marker.txt');
    // A shell with a grandchild: cancel must take down the whole tree.
    await ctx.spawn(
      'sh',
      ['-c', `echo started > "${marker}"; sleep ${p.seconds} & sleep ${p.seconds}; wait`],
      { label: 'sh' },
    );
    return {};
  },
});

/** How many test_pipelined engines ran at once. */
export const engines = { now: 0, most: 0 };

/** A cpu job whose "engine" takes `engineMs`, then finishes light work for `tailMs` after engineDone. */
export const pipelinedKind = registerJobKind({
  kind: 'test_pipelined',
  params: z.object({ engineMs: z.number(), tailMs: z.number(), tag: z.string() }),
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 1,
  title: (p) => `pipelined ${p.tag}`,
  async run(ctx, p) {
    engines.now++;
    engines.most = Math.max(engines.most, engines.now);
    await new Promise((r) => setTimeout(r, p.engineMs));
    engines.now--;
    ctx.engineDone();
    ctx.engineDone(); // twice must not free two slots
    await new Promise((r) => setTimeout(r, p.tailMs));
    return { result: { tag: p.tag } };
  },
});

const failedOnce = new Set<string>();
/** Fails its first attempt after `ms`, then succeeds at once: two of them retry at different times. */
export const failOnceKind = registerJobKind({
  kind: 'test_fail_once',
  params: z.object({ key: z.string(), ms: z.number() }),
  pools: ['gpu'],
  restart: 'rerun',
  maxAttempts: 2,
  title: (p) => `fail once ${p.key}`,
  async run(_ctx, p) {
    if (failedOnce.has(p.key)) return { result: { key: p.key } };
    failedOnce.add(p.key);
    await new Promise((r) => setTimeout(r, p.ms));
    throw new Error(`first attempt of ${p.key} fails`);
  },
});
