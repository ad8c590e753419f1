import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/core/api/host';
import { fakeSdCli, useFakeSdCli } from '../../helpers/fakeSdCli';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tinyTensors, writeSafetensors } from '../models/files/writeModelFiles';
import { addAsset, makeImage } from '../process/mediaFixtures';

let t: TestCore;
useFakeSdCli();
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

describe('projects', () => {
  it('group orders, assets, packs and templates, with counts kept by triggers and a Library filter', async () => {
    writeSafetensors(
      path.join(t.dataDir, 'models', 'checkpoints', 'tiny-sd1.safetensors'),
      tinyTensors([
        'cond_stage_model.transformer.x',
        'model.diffusion_model.input_blocks.0.0.weight',
      ]),
    );
    await t.call('engines.update', { sdcppPath: fakeSdCli });
    await t.call('models.scan', {});
    const p = await t.call('projects.create', {
      name: 'Bottle designs',
      description: '40 labels for spring',
      defaultModel: 'tiny-sd1',
      defaultParams: { width: 64, height: 64, steps: 4 },
    });
    expect(p).toMatchObject({
      status: 'active',
      defaultModel: { name: 'tiny-sd1' },
      counts: { assets: 0, orders: 0 },
    });
    const dup = await t.api.invoke('projects.create', { name: 'bottle DESIGNS' });
    expect(!dup.ok && dup.error.message).toBe('There is already a project named “bottle DESIGNS”');

    const order = await t.call('generate.start', {
      model: 'tiny-sd1',
      prompt: 'a bottle',
      width: 64,
      height: 64,
      steps: 4,
      count: 2,
      projectId: p.id,
      engine: 'sdcpp',
    });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await runner.whenIdle();
    await runner.dispose();
    const other = await addAsset(t.core, await makeImage(t.root, 'loose.png'));
    let got = await t.call('projects.get', { id: p.id });
    expect(got.counts).toEqual({ assets: 2, orders: 1, packs: 0, templates: 0 });
    const inProject = await t.call('library.query', { filter: { projectId: p.id }, limit: 10 });
    expect(inProject.items).toHaveLength(2);

    const pack = await t.call('packs.create', { name: 'Spring labels' });
    await t.call('templates.saveFromOrder', {
      orderId: order.id,
      name: 'Bottle base',
      projectId: p.id,
    });
    got = (await t.call('projects.assign', { id: p.id, assetIds: [other], packIds: [pack.id] }))!;
    expect(got.counts).toEqual({ assets: 3, orders: 1, packs: 1, templates: 1 });
    // Trashing an asset takes it out of the count; taking it out of the project too.
    await t.call('trash.move', { selection: { ids: [other] } });
    expect((await t.call('projects.get', { id: p.id })).counts.assets).toBe(2);
    await t.call('projects.assign', { id: null, orderIds: [order.id] });
    expect((await t.call('projects.get', { id: p.id })).counts.orders).toBe(0);

    const featured = (await t.call('orders.get', { id: order.id })).items[0]!.assetIds;
    got = await t.call('projects.update', {
      id: p.id,
      status: 'completed',
      featuredAssetIds: featured,
    });
    expect(got).toMatchObject({ status: 'completed', featuredAssetIds: featured });
    expect((await t.call('projects.list', { status: ['active'] })).map((x) => x.id)).toEqual([]);
    expect(
      (await t.call('entityTags.set', { kind: 'project', id: p.id, tags: ['spring', 'Labels'] }))
        .tags,
    ).toEqual(['Labels', 'spring']);
    expect(
      (await t.call('entityTags.set', { kind: 'order', id: order.id, tags: ['spring'] })).tags,
    ).toEqual(['spring']);
    const deleted = await t.call('projects.delete', { id: p.id });
    expect(deleted.deleted).toBe(true);
    expect(await t.call('projects.list', {})).toEqual([]);
    const assign = await t.api.invoke('projects.assign', { id: p.id, assetIds: featured });
    expect(!assign.ok && assign.error.message).toMatch(/is in the trash: restore it first/);
    expect((await t.call('projects.restore', { id: p.id })).deleted).toBe(false);
  });
});
