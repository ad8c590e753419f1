import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobPreview, JobProgressEvent } from '../../../src-main/contract/jobs';
import { enqueueJob } from '../../../src-main/core/jobs/enqueue';
import { defineJobKind, registerJobKind } from '../../../src-main/core/jobs/registry';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { openTestCore, type TestCore } from '../../helpers/core';
import { waitFor } from '../../helpers/waitFor';

/** A "sampler" reporting 60 steps of metrics and a preview per step, 20 ms apart. */
registerJobKind(
  defineJobKind({
    kind: 'test_telemetry',
    params: z.object({ steps: z.number().default(60) }),
    pools: ['gpu'],
    restart: 'rerun',
    title: () => 'telemetry',
    async run(ctx, p) {
      const png = await sharp({
        create: { width: 8, height: 8, channels: 3, background: '#336699' },
      })
        .png()
        .toBuffer();
      for (let i = 1; i <= p.steps; i++) {
        await new Promise((r) => setTimeout(r, 20));
        ctx.progress(i / p.steps, `step ${i}`);
        ctx.metrics({
          step: i,
          total: p.steps,
          itPerSec: 50,
          loss: 1 / i,
          etaSec: (p.steps - i) / 50,
        });
        ctx.preview(png, 'image/png');
      }
      return {};
    },
  }),
);

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('live job telemetry', () => {
  it('sends metrics with the progress and at most two previews a second, none of them stored', async () => {
    t = await openTestCore();
    const progress: JobProgressEvent[] = [];
    const previews: { at: number; p: JobPreview }[] = [];
    t.core.events.on('jobs.progress', (e) => progress.push(e));
    t.core.events.on('jobs.preview', (p) => previews.push({ at: performance.now(), p }));
    const runner = await new JobRunner(t.core, { progressIntervalMs: 100 }).start();
    const job = await enqueueJob(t.core, 'test_telemetry', {});
    // While it runs, the latest preview is there for a page that opens late.
    const live = await waitFor(async () => (await t!.call('jobs.preview', { id: job.id })) ?? null);
    expect(live).toMatchObject({ id: job.id, mime: 'image/png' });
    expect(Buffer.from(live.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
    await waitFor(
      async () => (await t!.call('jobs.get', { id: job.id, logLines: 0 })).status === 'completed',
    );
    const mine = progress.filter((e) => e.id === job.id);
    const withMetrics = mine.filter((e) => e.metrics?.step);
    expect(withMetrics.length).toBeGreaterThan(3);
    // Throttled: 60 steps in ~1.2 s become a dozen or so events, not 120.
    expect(mine.length).toBeLessThan(25);
    const last = withMetrics.at(-1)!;
    expect(last.metrics).toMatchObject({ total: 60, itPerSec: 50 });
    // The engine's own estimate wins over the mean rate.
    expect(last.etaSec).toBe(Math.max(0, Math.round(last.metrics!.etaSec!)));
    const gaps = previews.slice(1).map((x, i) => x.at - previews[i]!.at);
    expect(previews.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(450);
    const row = t.core.sqlite.prepare('SELECT * FROM jobs WHERE id = ?').get(job.id) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(row)).not.toMatch(/iVBOR/); // no image bytes in the database
    expect(JSON.parse(row.metrics as string)).toMatchObject({ step: 60, total: 60 });
    expect(await t.call('jobs.preview', { id: job.id })).toBeNull();
    await runner.dispose();
  });
});
