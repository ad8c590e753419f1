/**
 * Opt-in: generation through a real stable-diffusion.cpp `sd-cli`, driven like a user through
 * the api. Runs when ATELIER_SDCPP_BIN names the binary; the tiny SD1 model is written by
 * shared/engines/make-tiny-sd1.mjs (or taken from ATELIER_SDCPP_MODEL).
 *
 *   ATELIER_SDCPP_BIN=/path/to/sd-cli [ATELIER_SDCPP_MODEL=/path/tiny-sd1.safetensors] \
 *     npx vitest run test/engines/sdcpp.real.test.ts
 */
import { mkdirSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPngText } from '../../src-main/core/ingest/metadata/pngText';
import { openTestCore, type TestCore } from '../helpers/core';
import { modelProblem, runAll, suiteTemp, tinyModel } from './realEngines';

const bin = process.env.ATELIER_SDCPP_BIN;
const skip = !bin
  ? 'set ATELIER_SDCPP_BIN to a stable-diffusion.cpp sd-cli'
  : modelProblem('ATELIER_SDCPP_MODEL', 'make-tiny-sd1.mjs');
if (skip) console.info(`sd-cli suite skipped: ${skip}`);

const base = {
  model: 'tiny-sd1',
  prompt: 'a red fox in the snow',
  negative: 'blurry',
  width: 64,
  height: 64,
  steps: 4,
  cfg: 7,
  seed: 5,
  sampler: 'euler',
  engine: 'sdcpp',
};

describe.skipIf(skip !== null)('real sd-cli (stable-diffusion.cpp)', () => {
  let temp: ReturnType<typeof suiteTemp>;
  let model: string;
  let t: TestCore;
  let checkpoints: string;

  beforeAll(() => {
    temp = suiteTemp('atelier-sdcpp-real-');
    model = tinyModel('ATELIER_SDCPP_MODEL', 'make-tiny-sd1.mjs', temp.dir, 'tiny-sd1.safetensors');
  }, 120_000);
  afterAll(() => temp?.cleanup());

  beforeEach(async () => {
    t = await openTestCore();
    checkpoints = path.join(t.dataDir, 'models', 'checkpoints');
    mkdirSync(checkpoints, { recursive: true });
    // A link, as a user's model folder may hold: nothing is copied.
    symlinkSync(model, path.join(checkpoints, 'tiny-sd1.safetensors'));
    const status = await t.call('engines.update', { sdcppPath: path.resolve(bin!) });
    const sdcpp = status.engines.find((e) => e.id === 'sdcpp')!;
    expect(sdcpp, JSON.stringify(sdcpp)).toMatchObject({ ok: true, source: 'settings' });
  }, 60_000);
  afterEach(() => t.close());

  it('an order of 2 makes 2 real PNGs, each an asset that knows its prompt and seed', async () => {
    const scan = await t.call('models.scan', {});
    expect(scan.problems).toEqual([]);
    expect((await t.call('models.get', { ref: 'tiny-sd1' })).family).toBe('sd15');

    const order = await t.call('generate.start', { ...base, count: 2 });
    expect(order.items.map((i) => i.params.seed)).toEqual([5, 6]);
    const ms = await runAll(t);
    const done = await t.call('orders.get', { id: order.id });
    console.info(
      `sd-cli: order of 2 at 64x64, 4 steps, ran in ${(ms / 1000).toFixed(1)} s (with the model's hash job)`,
    );
    expect(
      done.items.map((i) => [i.status, i.error]),
      JSON.stringify(done.items.map((i) => i.error)),
    ).toEqual([
      ['complete', null],
      ['complete', null],
    ]);
    expect(done.status).toBe('fulfilled');
    for (const item of done.items) {
      expect(item.assetIds).toHaveLength(1);
      expect(item.warnings).toEqual([]);
      const a = await t.call('assets.get', { id: item.assetIds[0]! });
      expect(a.provenance).toBe('ai_generated');
      expect(a.prompt).toBe('a red fox in the snow');
      expect(a.seed).toBe(String(item.params.seed));
      expect([a.width, a.height]).toEqual([64, 64]);
      const png = readFileSync(a.path);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const text = (await readPngText(png)).texts.parameters;
      expect(text, 'the PNG parameters chunk').toBeDefined();
      expect(text).toContain('a red fox in the snow');
      expect(text).toContain('Negative prompt: blurry');
      expect(text).toContain(`Seed: ${item.params.seed}`);
    }
    expect(done.items.map((i) => i.params.seed)).toEqual([5, 6]);
  }, 300_000);

  it('a model whose file is gone by the time it runs fails the item with a message naming it', async () => {
    const link = path.join(checkpoints, 'gone-sd1.safetensors');
    symlinkSync(model, link);
    await t.call('models.scan', {});
    const order = await t.call('generate.start', { ...base, model: 'gone-sd1' });
    unlinkSync(link);
    await runAll(t);
    const done = await t.call('orders.get', { id: order.id });
    const item = done.items[0]!;
    console.info(`sd-cli: missing model → ${item.status}: ${item.error}`);
    expect(item.status).toBe('failed');
    expect(done.status).toBe('failed');
    expect(item.error).toMatch(/gone-sd1/);
    expect(item.assetIds).toEqual([]);
  }, 300_000);
});
