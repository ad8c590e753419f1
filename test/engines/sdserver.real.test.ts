/**
 * Opt-in: generation through a real stable-diffusion.cpp `sd-server`, added as an engine server
 * and driven like a user through the api. Runs when ATELIER_SDCPP_SERVER names the binary; the
 * suite starts it on a free loopback port with the tiny SD1 model (written by
 * shared/engines/make-tiny-sd1.mjs, or ATELIER_SDCPP_MODEL) and stops only that process.
 *
 *   ATELIER_SDCPP_SERVER=/path/to/sd-server [ATELIER_SDCPP_MODEL=/path/tiny-sd1.safetensors] \
 *     npx vitest run test/engines/sdserver.real.test.ts
 */
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPngText } from '../../src-main/core/ingest/metadata/pngText';
import { openTestCore, type TestCore } from '../helpers/core';
import {
  fulfilledOrder,
  freePort,
  modelProblem,
  runAll,
  startServer,
  suiteTemp,
  tinyModel,
  type StartedServer,
} from './realEngines';

const bin = process.env.ATELIER_SDCPP_SERVER;
const skip = !bin
  ? 'set ATELIER_SDCPP_SERVER to a stable-diffusion.cpp sd-server'
  : modelProblem('ATELIER_SDCPP_MODEL', 'make-tiny-sd1.mjs');
if (skip) console.info(`sd-server suite skipped: ${skip}`);

describe.skipIf(skip !== null)('real sd-server (stable-diffusion.cpp)', () => {
  let temp: ReturnType<typeof suiteTemp>;
  let server: StartedServer | undefined;
  let t: TestCore;

  beforeAll(async () => {
    temp = suiteTemp('atelier-sdserver-real-');
    const model = tinyModel(
      'ATELIER_SDCPP_MODEL',
      'make-tiny-sd1.mjs',
      temp.dir,
      'tiny-sd1.safetensors',
    );
    // The server names its model after the file: a link gives it the name the test asks for.
    const named = path.join(temp.dir, 'tiny-sd1.safetensors');
    if (model !== named) symlinkSync(model, named);
    const port = await freePort();
    server = await startServer({
      cmd: path.resolve(bin!),
      args: ['-m', named, '--listen-ip', '127.0.0.1', '--listen-port', String(port), '-t', '2'],
      port,
      readyPath: '/sdcpp/v1/capabilities',
      log: path.join(temp.dir, 'sd-server.log'),
      timeoutMs: 120_000,
    });
    console.info(`sd-server ready on ${server.url} in ${(server.readyMs / 1000).toFixed(1)} s`);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    temp?.cleanup();
  }, 30_000);

  beforeEach(async () => {
    t = await openTestCore();
  });
  afterEach(() => t.close());

  it('lists its model, and an order of 2 lands 2 real images', async () => {
    await t.call('engines.addEndpoint', { kind: 'sdserver', name: 'real', url: server!.url });
    const health = await t.call('engines.testEndpoint', { kind: 'sdserver', url: server!.url });
    expect(health.ok, health.problem ?? '').toBe(true);
    const scan = await t.call('models.scan', {});
    expect(scan.serverProblems).toEqual([]);
    const m = await t.call('models.get', { ref: 'tiny-sd1' });
    expect(m.files.map((f) => f.locationLabel)).toEqual(["sd-server 'real'"]);

    const order = await t.call('generate.start', {
      model: 'tiny-sd1',
      prompt: 'a red fox in the snow',
      negative: 'blurry',
      width: 64,
      height: 64,
      steps: 4,
      cfg: 7,
      seed: 5,
      sampler: 'euler',
      count: 2,
      engine: 'sdserver',
    });
    expect(order.engine).toBe('sdserver');
    const ms = await runAll(t);
    console.info(`sd-server: order of 2 at 64x64, 4 steps, ran in ${(ms / 1000).toFixed(1)} s`);
    const done = await fulfilledOrder(t, order.id);
    for (const item of done.items) {
      expect(item.providerRequestId).toBeTruthy();
      expect(item.assetIds).toHaveLength(1);
      const a = await t.call('assets.get', { id: item.assetIds[0]! });
      expect(a.provenance).toBe('ai_generated');
      expect(a.prompt).toBe('a red fox in the snow');
      expect(a.seed).toBe(String(item.params.seed));
      expect([a.width, a.height]).toEqual([64, 64]);
      const text = (await readPngText(readFileSync(a.path))).texts.parameters;
      expect(text).toContain(`Seed: ${item.params.seed}`);
    }
    expect(done.items.map((i) => i.params.seed)).toEqual([5, 6]);
  }, 300_000);
});
