import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/core/api/host';
import { readPngText } from '../../../src-main/core/ingest/metadata/pngText';
import { ComfyFake } from '../../fakes/comfyFake';
import { SdServerFake } from '../../fakes/sdServerFake';
import { openTestCore, type TestCore } from '../../helpers/core';
import { waitFor } from '../../helpers/waitFor';

let t: TestCore;
const stops: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  await t.close();
});

async function runAll(): Promise<void> {
  const runner = await new JobRunner(t.core, { ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
}

const base = {
  prompt: 'a red fox in the snow',
  negative: 'blurry',
  width: 64,
  height: 64,
  steps: 4,
  cfg: 7,
  seed: 5,
  sampler: 'euler',
};

describe('sd-server', () => {
  async function server(opts: ConstructorParameters<typeof SdServerFake>[0] = {}) {
    const fake = await new SdServerFake({ jobMs: 60, ...opts }).start();
    stops.push(() => fake.stop());
    await t.call('engines.addEndpoint', { kind: 'sdserver', name: 'box', url: fake.url });
    await t.call('models.scan', {});
    return fake;
  }

  it('lists its model, submits async jobs, polls them to completion and lands the images', async () => {
    const fake = await server();
    const m = await t.call('models.get', { ref: 'tiny-sd1' });
    expect(m.files.map((f) => f.locationLabel)).toEqual(["sd-server 'box'"]);
    const order = await t.call('generate.start', { ...base, model: 'tiny-sd1', count: 2 });
    expect(order.engine).toBe('sdserver');
    await runAll();
    const done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('fulfilled');
    for (const item of done.items) {
      expect(item.providerRequestId).toMatch(/^job_/);
      const sent = (item.actual as { request: Record<string, unknown> }).request;
      expect(sent).toMatchObject({
        prompt: 'a red fox in the snow',
        negative_prompt: 'blurry',
        seed: item.params.seed,
        sample_params: { sample_method: 'euler', sample_steps: 4, guidance: { txt_cfg: 7 } },
      });
      const a = await t.call('assets.get', { id: item.assetIds[0]! });
      expect(a.provenance).toBe('ai_generated');
      const text = (await readPngText(readFileSync(a.path))).texts.parameters!;
      expect(text).toContain(`Seed: ${item.params.seed}`);
    }
    expect(fake.requests.filter((r) => r.startsWith('POST /sdcpp/v1/img_gen'))).toHaveLength(2);
  });

  it('a sampler it does not offer fails the item with the ones it does', async () => {
    await server();
    const order = await t.call('generate.start', {
      ...base,
      model: 'tiny-sd1',
      sampler: 'dpmpp_sde_gpu',
    });
    await runAll();
    const item = (await t.call('orders.get', { id: order.id })).items[0]!;
    expect(item.status).toBe('failed');
    expect(item.error).toMatch(/has no sampler “dpmpp_sde_gpu”; it offers euler, euler_a/);
  });

  it('cancelling a generating job: the server cannot interrupt it (409), so Atelier stops waiting', async () => {
    const fake = await server({ jobMs: 3000 });
    const order = await t.call('generate.start', { ...base, model: 'tiny-sd1' });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await waitFor(() => fake.requests.some((r) => r.startsWith('GET /sdcpp/v1/jobs/')), 10_000);
    const t0 = Date.now();
    await t.call('orders.cancel', { id: order.id });
    await runner.whenIdle();
    await runner.dispose();
    expect(Date.now() - t0).toBeLessThan(2500);
    const done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('cancelled');
    await waitFor(
      () => fake.requests.some((r) => /^POST \/sdcpp\/v1\/jobs\/.+\/cancel/.test(r)),
      5000,
    );
    const job = await t.call('jobs.get', { id: done.items[0]!.jobId!, logLines: 50 });
    expect(job.logTail.map((l) => l.message).join('\n')).toMatch(
      /cannot interrupt a job that is already generating/,
    );
  });
});

describe('ComfyUI, a pool of servers', () => {
  async function comfy(name: string, opts: ConstructorParameters<typeof ComfyFake>[0] = {}) {
    const fake = await new ComfyFake({ name, imageMs: 150, ...opts }).start();
    stops.push(() => fake.stop());
    await t.call('engines.addEndpoint', { kind: 'comfyui', name, url: fake.url });
    return fake;
  }

  it('spreads an order over every server, with live progress and previews, and lands every image', async () => {
    const fakes = [await comfy('gpu-a'), await comfy('gpu-b'), await comfy('gpu-c')];
    const scan = await t.call('models.scan', {});
    expect(scan.serverProblems).toEqual([]);
    const previews: string[] = [];
    const progress: number[] = [];
    const offs = [
      t.core.events.on('jobs.preview', (p) => previews.push(p.mime)),
      t.core.events.on('jobs.progress', (p) => progress.push(p.progress)),
    ];
    const order = await t.call('generate.start', { ...base, model: 'tiny-sd15', count: 9 });
    expect(order.engine).toBe('comfyui');
    await runAll();
    offs.forEach((off) => off());
    const done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('fulfilled');
    expect(new Set(done.items.map((i) => i.endpointId)).size).toBe(3);
    for (const f of fakes) expect(f.prompts.length).toBeGreaterThanOrEqual(2);
    expect(previews.length).toBeGreaterThan(0);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    // Seeds +1 each, each in the graph ComfyUI ran; the output keeps ComfyUI's own `prompt` chunk.
    const seeds = fakes.flatMap((f) => f.prompts.map((p) => p.graph['3']!.inputs.seed as number));
    expect(seeds.sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const a = await t.call('assets.get', { id: done.items[0]!.assetIds[0]! });
    const texts = (await readPngText(readFileSync(a.path))).texts;
    expect(Object.keys(texts).sort()).toEqual(['parameters', 'prompt']);
  });

  it('LoRAs become a LoraLoader chain; a missing checkpoint is a precise message; a corrupt one fails with its error', async () => {
    await comfy('studio-pc');
    await t.call('models.scan', {});
    const withLora = await t.call('generate.start', {
      ...base,
      model: 'tiny-sd15',
      loras: [{ model: 'tiny-style', weight: 0.8 }],
    });
    // The registry thinks a checkpoint is there that the server no longer has.
    t.core.sqlite
      .prepare(
        "INSERT INTO model_files (location, path, model_id, kind, scanned_at) SELECT location, 'ghost.safetensors', NULL, 'checkpoint', scanned_at FROM model_files WHERE path = 'tiny-sd15.safetensors'",
      )
      .run();
    await t.call('models.setLicense', { name: 'ghost', nonCommercial: false });
    t.core.sqlite
      .prepare(
        "UPDATE model_files SET model_id = (SELECT id FROM models WHERE match_key = 'ghost') WHERE path = 'ghost.safetensors'",
      )
      .run();
    const ghost = await t.call('generate.start', { ...base, model: 'ghost' });
    const broken = await t.call('generate.start', { ...base, model: 'broken' });
    await runAll();
    const lora = await t.call('orders.get', { id: withLora.id });
    expect(lora.status).toBe('fulfilled');
    const graph = (
      lora.items[0]!.actual as {
        graph: Record<string, { class_type: string; inputs: Record<string, unknown> }>;
      }
    ).graph;
    const loader = Object.values(graph).find((n) => n.class_type === 'LoraLoader')!;
    expect(loader.inputs).toMatchObject({
      lora_name: 'tiny-style.safetensors',
      strength_model: 0.8,
      strength_clip: 0.8,
    });
    const g = (await t.call('orders.get', { id: ghost.id })).items[0]!;
    expect(g.status).toBe('failed');
    expect(g.error).toBe("checkpoint 'ghost.safetensors' is not on ComfyUI 'studio-pc'");
    const b = (await t.call('orders.get', { id: broken.id })).items[0]!;
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/^ComfyUI 'studio-pc': CheckpointLoaderSimple failed — /);
  });

  it('a server that dies mid-prompt: its items fail over to the others and every image arrives', async () => {
    const dying = await comfy('dying', { imageMs: 400 });
    await comfy('steady', { imageMs: 100 });
    await t.call('models.scan', {});
    const order = await t.call('generate.start', { ...base, model: 'tiny-sd15', count: 6 });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await waitFor(() => dying.prompts.length > 0, 10_000);
    dying.kill();
    await waitFor(
      async () => (await t.call('orders.get', { id: order.id })).status === 'fulfilled',
      30_000,
    );
    await runner.dispose();
    const done = await t.call('orders.get', { id: order.id });
    expect(done.completeCount).toBe(6);
    expect(new Set(done.items.flatMap((i) => i.assetIds)).size).toBe(6);
  });

  it('an identical request is replayed from ComfyUI’s cache: recognised, linked to the image already made, not added twice', async () => {
    const fake = await comfy('one');
    await t.call('models.scan', {});
    const order = await t.call('generate.start', { ...base, model: 'tiny-sd15' });
    await runAll();
    const first = (await t.call('orders.get', { id: order.id })).items[0]!;
    // As if the image had been made but never landed (a crash between the two): the same graph
    // goes again, and ComfyUI runs nothing, replaying the old file name.
    t.core.sqlite.prepare('UPDATE order_items SET asset_ids = NULL WHERE id = ?').run(first.id);
    t.core.sqlite
      .prepare("UPDATE jobs SET status = 'queued', attempts = 0 WHERE id = ?")
      .run(first.jobId);
    await runAll();
    const again = (await t.call('orders.get', { id: order.id })).items[0]!;
    expect(fake.prompts).toHaveLength(2);
    expect(again.status).toBe('complete');
    expect(again.assetIds).toEqual(first.assetIds);
    expect(again.warnings.join(' ')).toMatch(/replayed a cached result/);
    expect(t.core.sqlite.prepare('SELECT count(*) n FROM assets').get()).toEqual({ n: 1 });
  });

  it('an item goes to a free server that already has its model loaded, else to the least used', async () => {
    const models = ['tiny-sd15.safetensors', 'other.safetensors'];
    await comfy('first', { checkpoints: models });
    await comfy('second', { checkpoints: models });
    await t.call('models.scan', {});
    const servers = (await t.call('engines.status', { refresh: false })).endpoints;
    const second = servers.find((e) => e.name === 'second')!.id;
    const placeOf = async (input: Record<string, unknown>) => {
      const o = await t.call('generate.start', { ...base, model: 'tiny-sd15', ...input });
      await runAll();
      return (await t.call('orders.get', { id: o.id })).items[0]!.endpointId;
    };
    // Both idle, nothing loaded: the least used (the first listed) takes it.
    const firstId = await placeOf({});
    expect(firstId).not.toBe(second);
    // 'other' is made to load on the second server…
    expect(await placeOf({ model: 'other', engine: second })).toBe(second);
    // …so the next 'other' goes there although both are free, and 'tiny-sd15' stays on the first.
    expect(await placeOf({ model: 'other', seed: 9 })).toBe(second);
    expect(await placeOf({ seed: 10 })).toBe(firstId);
  });
});
