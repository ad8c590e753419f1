import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderDetail } from '../../../src-main/contract/generate';
import { JobRunner } from '../../../src-main/core/api/host';
import { readPngText } from '../../../src-main/core/ingest/metadata/pngText';
import { fakeSdCli, useFakeSdCli } from '../../helpers/fakeSdCli';
import { openTestCore, type TestCore } from '../../helpers/core';
import { waitFor } from '../../helpers/waitFor';
import { tinyTensors, writeSafetensors } from '../models/files/writeModelFiles';
import { addAsset, makeImage } from '../process/mediaFixtures';

const sd15 = tinyTensors([
  'cond_stage_model.transformer.text_model.embeddings.position_ids',
  'model.diffusion_model.input_blocks.0.0.weight',
  'first_stage_model.decoder.conv_in.weight',
]);
const lora = tinyTensors(['lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight']);

let t: TestCore;
let checkpoint: string;
let loraFile: string;
useFakeSdCli();
beforeEach(async () => {
  t = await openTestCore();
  checkpoint = path.join(t.dataDir, 'models', 'checkpoints', 'tiny-sd1.safetensors');
  loraFile = path.join(t.dataDir, 'models', 'loras', 'inkwash.safetensors');
  writeSafetensors(checkpoint, sd15);
  writeSafetensors(loraFile, lora, { ss_base_model_version: 'sd_v1' });
  await t.call('engines.update', { sdcppPath: fakeSdCli });
  await t.call('models.scan', {});
});
afterEach(() => t.close());

async function runAll(): Promise<void> {
  const runner = await new JobRunner(t.core, { ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
}

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

describe('generate with stable-diffusion.cpp (sd-cli)', () => {
  it('an order of 3 becomes 3 items with seeds +1, each an asset that knows how it was made', async () => {
    const order = await t.call('generate.start', { ...base, count: 3 });
    expect(order.engine).toBe('sdcpp');
    expect(order.status).toBe('pending');
    expect(order.items.map((i) => [i.seq, i.status, i.params.seed])).toEqual([
      [1, 'pending', 5],
      [2, 'pending', 6],
      [3, 'pending', 7],
    ]);
    await runAll();
    const done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('fulfilled');
    expect([done.completeCount, done.failedCount, done.itemCount]).toEqual([3, 0, 3]);
    const model = await t.call('models.get', { ref: 'tiny-sd1' });
    for (const item of done.items) {
      expect(item.status).toBe('complete');
      expect(item.assetIds).toHaveLength(1);
      expect(item.warnings).toEqual([]);
      expect((item.actual as { argv: string[] }).argv).toEqual(
        expect.arrayContaining(['-s', String(item.params.seed), '--sampling-method', 'euler']),
      );
      const a = await t.call('assets.get', { id: item.assetIds[0]! });
      expect(a.provenance).toBe('ai_generated');
      expect(a.prompt).toBe('a red fox in the snow');
      expect(a.seed).toBe(String(item.params.seed));
      expect(a.model).toBe('tiny-sd1');
      // Its generation facts in the shape ingest gives any imported image.
      expect(a.generation).toMatchObject({
        tool: 'stable-diffusion.cpp (sd-cli)',
        prompt: 'a red fox in the snow',
        negativePrompt: 'blurry',
        seed: String(item.params.seed),
        steps: 4,
        sampler: 'euler',
        cfg: 7,
        width: 64,
        height: 64,
        model: 'tiny-sd1',
        loras: [],
        extra: { Engine: 'stable-diffusion.cpp (sd-cli)' },
      });
      expect(a.rawMetadata?.parameters).toContain(`Seed: ${item.params.seed}`);
      // Linked to its model by id, and to the order item that made it.
      const links = t.core.sqlite
        .prepare(
          'SELECT role, source_kind, source_id FROM asset_links WHERE asset_id = ? ORDER BY position',
        )
        .all(a.id);
      expect(links).toEqual([
        { role: 'model', source_kind: 'model', source_id: model.id },
        { role: 'made_by', source_kind: 'order_item', source_id: item.id },
      ]);
      // The PNG says it too, A1111-style, so re-ingest and other tools read it back.
      const text = (await readPngText(readFileSync(a.path))).texts.parameters!;
      expect(text).toContain('a red fox in the snow\nNegative prompt: blurry\n');
      expect(text).toContain(`Seed: ${item.params.seed}`);
      expect(text).toContain('Model: tiny-sd1');
    }
    // Its history names the order item (with its seed) and the order it belongs to.
    const lineage = await t.call('process.lineage', { assetId: done.items[0]!.assetIds[0]! });
    const labels = lineage.graph.nodes.map((n) => `${n.kind}: ${n.label}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'model: tiny-sd1',
        `order_item: ${order.title} #1 · seed 5`,
        `job: ${order.title}`,
      ]),
    );
    expect(labels.some((l) => l.includes('no longer listed'))).toBe(false);
    const list = await t.call('orders.list', { limit: 10 });
    expect(list.map((o) => o.id)).toEqual([order.id]);
    // The model's thumbnail is now one of its images.
    expect((await t.call('models.get', { ref: 'tiny-sd1' })).thumbAssetId).not.toBeNull();
  });

  it('a LoRA sd-cli cannot find is a warning on the item, not a failure', async () => {
    const order = await t.call('generate.start', {
      ...base,
      loras: [{ model: 'inkwash', weight: 0.5 }],
    });
    // Gone after the scan: sd-cli says so on stdout and still makes the picture (exit 0).
    rmSync(loraFile);
    await runAll();
    const done = await t.call('orders.get', { id: order.id });
    expect(done.items[0]!.status).toBe('complete');
    expect(done.items[0]!.warnings).toEqual([
      expect.stringMatching(/did not find the LoRA .*the image was made without it/),
    ]);
    const links = t.core.sqlite
      .prepare("SELECT role, details FROM asset_links WHERE asset_id = ? AND role = 'lora'")
      .all(done.items[0]!.assetIds[0]);
    expect(links).toEqual([{ role: 'lora', details: '{"weight":0.5}' }]);
  });

  it('a model that cannot be loaded fails its items with the reason; retry runs them again with the same seeds', async () => {
    const order = await t.call('generate.start', { ...base, count: 2 });
    renameSync(checkpoint, `${checkpoint}.away`);
    await runAll();
    let done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('failed');
    expect(done.failedCount).toBe(2);
    expect(done.items[0]!.error).toMatch(/sd-cli could not load “tiny-sd1”/);
    renameSync(`${checkpoint}.away`, checkpoint);
    done = await t.call('orders.retry', { id: order.id });
    expect(done.items.map((i) => i.status)).toEqual(['pending', 'pending']);
    await runAll();
    done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('fulfilled');
    expect(done.items.map((i) => [i.params.seed, i.retries >= 1])).toEqual([
      [5, true],
      [6, true],
    ]);
  });

  it('cancel keeps what was made and stops the rest', async () => {
    process.env.FAKE_SDCLI_SPEED = '1';
    try {
      const order = await t.call('generate.start', { ...base, count: 3 });
      const runner = await new JobRunner(t.core, { ignorePause: true }).start();
      let detail: OrderDetail | null = null;
      await waitFor(async () => {
        detail = await t.call('orders.get', { id: order.id });
        return detail.completeCount >= 1;
      }, 20_000);
      await t.call('orders.cancel', { id: order.id });
      await runner.whenIdle();
      await runner.dispose();
      detail = await t.call('orders.get', { id: order.id });
      expect(detail.completeCount).toBeGreaterThanOrEqual(1);
      expect(detail.cancelledCount).toBeGreaterThanOrEqual(1);
      expect(detail.status).toBe('cancelled');
      for (const i of detail.items.filter((x) => x.status === 'complete'))
        expect((await t.call('assets.get', { id: i.assetIds[0]! })).missing).toBe(false);
    } finally {
      process.env.FAKE_SDCLI_SPEED = '0';
    }
  });

  it('refuses bad orders with clear messages before queueing anything', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ count: 0 }, /at least one image/],
      [{ count: 10_001 }, /At most 10,000 images/],
      [{ prompt: 'x'.repeat(100_000) }, /at most 8,000 characters/],
      [{ width: 100 }, /multiples of 8/],
      [{ model: 'inkwash' }, /is a LoRA, not a model/],
      [{ model: 'nope' }, /No model “nope”/],
      [{ engine: 'comfyui' }, /no ComfyUI server is set up/],
      [{ loras: [{ model: 'tiny-sd1', weight: 1 }] }, /is a model, not a LoRA/],
    ];
    for (const [input, message] of cases) {
      const r = await t.api.invoke('generate.start', { ...base, ...input });
      expect(r.ok, JSON.stringify(input).slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
    expect(await t.call('orders.list', { limit: 10 })).toEqual([]);
    expect(
      t.core.sqlite.prepare("SELECT count(*) n FROM jobs WHERE kind LIKE 'generate_%'").get(),
    ).toEqual({ n: 0 });
  });

  it('a model marked non-commercial blocks its images in a commercial pack, found by id', async () => {
    const order = await t.call('generate.start', base);
    await runAll();
    const done = await t.call('orders.get', { id: order.id });
    const assetId = done.items[0]!.assetIds[0]!;
    // The metadata name no longer matches anything: the link by id still does.
    t.core.sqlite
      .prepare(
        "UPDATE assets SET model = 'renamed-elsewhere', generation_params = NULL WHERE id = ?",
      )
      .run(assetId);
    await t.call('models.update', { ref: 'tiny-sd1', nonCommercial: true });
    const pack = await t.call('packs.create', { name: 'For sale', licenseType: 'commercial' });
    await t.call('packs.addAssets', { packId: pack.id, selection: { ids: [assetId] } });
    const check = await t.call('packs.check', { packId: pack.id });
    expect(check.issues.find((i) => i.code === 'noncommercial_model')?.message).toMatch(/tiny-sd1/);
  });

  it('an item that landed its image before a crash is not made twice', async () => {
    const order = await t.call('generate.start', base);
    await runAll();
    const item = (await t.call('orders.get', { id: order.id })).items[0]!;
    const jobs = t.core.sqlite.prepare('SELECT count(*) n FROM assets').get() as { n: number };
    // As if the process died after registering the output but before the job was marked done.
    t.core.sqlite
      .prepare("UPDATE jobs SET status = 'queued', attempts = 0 WHERE id = ?")
      .run(item.jobId);
    await runAll();
    const again = (await t.call('orders.get', { id: order.id })).items[0]!;
    expect(again.status).toBe('complete');
    expect(again.assetIds).toEqual(item.assetIds);
    expect(t.core.sqlite.prepare('SELECT count(*) n FROM assets').get()).toEqual(jobs);
  });

  it('an enhanced prompt keeps the one the creator wrote beside it', async () => {
    const order = await t.call('generate.start', {
      ...base,
      prompt: 'a red fox in fresh snow, golden hour, detailed fur',
      originalPrompt: 'a red fox in the snow',
    });
    await runAll();
    const item = (await t.call('orders.get', { id: order.id })).items[0]!;
    const a = await t.call('assets.get', { id: item.assetIds[0]! });
    expect(a.prompt).toBe('a red fox in fresh snow, golden hour, detailed fur');
    expect(a.generation?.extra['Original prompt']).toBe('a red fox in the snow');
  });

  it('img2img from an asset: -i with the strength, the init image linked as such', async () => {
    const init = await addAsset(t.core, await makeImage(t.root, 'castle.png', 64));
    const order = await t.call('generate.start', {
      ...base,
      init: { assetId: init, strength: 0.6 },
    });
    await runAll();
    const item = (await t.call('orders.get', { id: order.id })).items[0]!;
    expect(item.status).toBe('complete');
    const argv = (item.actual as { argv: string[] }).argv;
    expect(argv).toEqual(expect.arrayContaining(['--strength', '0.6']));
    expect(argv[argv.indexOf('-i') + 1]).toMatch(/castle\.png$/);
    const a = await t.call('assets.get', { id: item.assetIds[0]! });
    const text = (await readPngText(readFileSync(a.path))).texts.parameters!;
    expect(text).toContain('Denoising strength: 0.6');
    const links = t.core.sqlite
      .prepare(
        "SELECT role, source_id FROM asset_links WHERE asset_id = ? AND source_kind = 'asset'",
      )
      .all(a.id);
    expect(links).toEqual([{ role: 'init', source_id: init }]);
  });

  it('video (Wan, -M vid_gen): the AVI sd-cli writes becomes an MP4 video asset', async () => {
    const order = await t.call('generate.start', { ...base, video: { frames: 5, fps: 8 } });
    await runAll();
    const item = (await t.call('orders.get', { id: order.id })).items[0]!;
    expect(item.error).toBeNull();
    expect((item.actual as { argv: string[] }).argv.slice(0, 2)).toEqual(['-M', 'vid_gen']);
    const a = await t.call('assets.get', { id: item.assetIds[0]! });
    expect([a.type, path.extname(a.path)]).toEqual(['video', '.mp4']);
    expect(a.durationSec).toBeGreaterThan(0);
    expect(a.provenance).toBe('ai_generated');
  });

  it('what Atelier writes into its PNGs reads back identically when the file is ingested elsewhere', async () => {
    const order = await t.call('generate.start', {
      ...base,
      loras: [{ model: 'inkwash', weight: 0.7 }],
    });
    await runAll();
    const a = await t.call('assets.get', {
      id: (await t.call('orders.get', { id: order.id })).items[0]!.assetIds[0]!,
    });
    const other = await openTestCore();
    try {
      const copy = path.join(other.root, 'copy.png');
      writeFileSync(copy, readFileSync(a.path));
      await other.call('ingest.importFiles', { paths: [copy] });
      const b = await waitFor(async () => (await other.call('assets.list', { limit: 5 })).items[0]);
      const again = await other.call('assets.get', { id: b.id });
      expect(again.prompt).toBe('a red fox in the snow <lora:inkwash:0.7>');
      expect(again.negativePrompt).toBe('blurry');
      expect(again.seed).toBe('5');
      expect(again.model).toBe('tiny-sd1');
      expect(again.generation?.steps).toBe(4);
      expect(again.generation?.loras).toEqual([{ name: 'inkwash', weight: 0.7 }]);
    } finally {
      await other.close();
    }
  });
});
