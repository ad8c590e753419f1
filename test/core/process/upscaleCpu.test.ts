import { afterEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeImage } from './mediaFixtures';

let t: TestCore | undefined;
let runner: JobRunner | undefined;
afterEach(async () => {
  await runner?.dispose();
  await t?.close();
  t = runner = undefined;
});

/**
 * On a machine without a GPU (CI: Mesa's lavapipe), an upscale says it runs on the CPU, counts
 * its tiles, and gives an ETA only once a tile has finished, from the measured pace.
 */
describe('upscaling on a CPU Vulkan driver', () => {
  it('says so, counts tiles, and estimates only from finished tiles', async () => {
    t = await openTestCore();
    runner = await new JobRunner(t.core).start();
    const status = await t.call('engines.status', {});
    expect(status.vulkan).toMatchObject({ found: true, software: true });
    expect(status.vulkan.note).toMatch(/No GPU/);

    const id = await addAsset(t.core, await makeImage(t.root, 'tiles.png', 64));
    const events: { id: string; progress: number; eta: number | null; message: string | null }[] =
      [];
    t.core.events.on('jobs.progress', (p) =>
      events.push({ id: p.id, progress: p.progress, eta: p.etaSec, message: p.message }),
    );
    const { jobId } = await t.call('process.run', {
      kind: 'upscale',
      assetIds: [id],
      params: { model: 'realesrgan-x4fast', tileSize: 32, scale: 4 },
    });
    const end = Date.now() + 120_000;
    let job = await t.call('jobs.get', { id: jobId, logLines: 50 });
    while (!['completed', 'failed', 'cancelled'].includes(job.status) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      job = await t.call('jobs.get', { id: jobId, logLines: 50 });
    }
    expect(job.error).toBeNull();
    expect(job.result).toMatchObject({ engine: 'realesrgan', softwareVulkan: true });
    expect(job.metrics).toMatchObject({ total: expect.any(Number) });
    expect(job.metrics!.total).toBeGreaterThanOrEqual(2);
    expect(job.logTail.map((l) => l.message).join('\n')).toMatch(
      /No GPU: Real-ESRGAN runs on the CPU/,
    );
    // Nothing before the first tile: no ETA at 0 %.
    const mine = events.filter((e) => e.id === jobId);
    for (const e of mine.filter((x) => x.progress === 0)) expect(e.eta).toBeNull();
    expect(mine.some((e) => e.progress > 0 && e.progress < 0.9 && e.eta !== null)).toBe(true);
    expect(events.some((e) => /on the CPU \(llvmpipe/.test(e.message ?? ''))).toBe(true);
    const out = t.core.sqlite
      .prepare('SELECT derivation FROM assets WHERE id = ?')
      .get(job.outputAssetIds[0]) as { derivation: string };
    expect(JSON.parse(out.derivation)).toMatchObject({
      engine: 'realesrgan',
      softwareVulkan: true,
      device: expect.stringMatching(/llvmpipe/),
    });
  }, 150_000);
});
