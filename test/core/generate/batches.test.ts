import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/core/api/host';
import { sweepExpired } from '../../../src-main/core/generate/workspace';
import { fakeSdCli, useFakeSdCli } from '../../helpers/fakeSdCli';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tinyTensors, writeSafetensors } from '../models/files/writeModelFiles';

const sd15 = tinyTensors([
  'cond_stage_model.transformer.text_model.embeddings.position_ids',
  'model.diffusion_model.input_blocks.0.0.weight',
]);

let t: TestCore;
useFakeSdCli();
beforeEach(async () => {
  t = await openTestCore();
  writeSafetensors(path.join(t.dataDir, 'models', 'checkpoints', 'tiny-sd1.safetensors'), sd15);
  await t.call('engines.update', { sdcppPath: fakeSdCli });
  await t.call('models.scan', {});
});
afterEach(() => t.close());

async function runAll(): Promise<void> {
  const runner = await new JobRunner(t.core, { ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
}

const base = { model: 'tiny-sd1', width: 64, height: 64, steps: 4, seed: 7, engine: 'sdcpp' };

describe('lookups', () => {
  it('set, list, show, delete; names without case; a folder of wildcards imports with its problems', async () => {
    const l = await t.call('lookups.set', {
      key: 'Colour',
      values: ['red', ' blue ', 'red', 'teal'],
      description: 'Paint',
    });
    expect(l).toMatchObject({ key: 'colour', values: ['red', 'blue', 'teal'], system: false });
    expect((await t.call('lookups.list', {})).map((x) => x.key)).toEqual(['colour']);
    expect((await t.call('lookups.get', { key: 'COLOUR' })).description).toBe('Paint');

    const dir = path.join(t.root, 'wildcards');
    mkdirSync(path.join(dir, 'animals'), { recursive: true });
    writeFileSync(path.join(dir, 'season.txt'), '# seasons\nspring\nsummer\n\nautumn\r\nwinter\n');
    writeFileSync(path.join(dir, 'animals', 'cats.txt'), 'tabby\nsiamese\n');
    writeFileSync(path.join(dir, 'colour.txt'), 'black\nwhite\n');
    writeFileSync(path.join(dir, 'empty.txt'), '# nothing\n');
    writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([0, 1, 2, 3]));
    const r = await t.call('lookups.import', { dir, replace: false });
    expect(r.imported.sort()).toEqual(['animals_cats', 'season']);
    expect(r.skipped).toEqual(['colour']);
    expect(r.problems.map((p) => [path.basename(p.file), p.problem]).sort()).toEqual([
      ['binary.txt', 'not a text file'],
      ['empty.txt', 'no values (one a line)'],
    ]);
    expect((await t.call('lookups.get', { key: 'season' })).values).toEqual([
      'spring',
      'summer',
      'autumn',
      'winter',
    ]);
    const again = await t.call('lookups.import', { dir, replace: true });
    expect(again.imported).toContain('colour');
    expect((await t.call('lookups.get', { key: 'colour' })).values).toEqual(['black', 'white']);
    expect(await t.call('lookups.delete', { key: 'season' })).toEqual({ deleted: true });
    const missing = await t.api.invoke('lookups.get', { key: 'season' });
    expect(!missing.ok && missing.error.message).toBe('No lookup “season”');
    const bad = await t.api.invoke('lookups.set', { key: 'two words', values: ['x'] });
    expect(!bad.ok && bad.error.message).toMatch(/letters, digits, - and _/);
  });
});

describe('orders from expanded prompts', () => {
  it('the preview and the order agree: brackets, lookups and wildcards, with the negative presets appended', async () => {
    await t.call('lookups.set', { key: 'colour', values: ['red', 'blue'] });
    await t.call('negativePresets.set', {
      name: 'Clean',
      family: 'sd15',
      text: 'lowres, watermark',
      priority: 5,
    });
    await t.call('negativePresets.set', {
      name: 'Other family',
      family: 'sdxl',
      text: 'not for sd15',
    });
    const prompt = 'a [cat,dog] on a [colour] sofa';
    const preview = await t.call('orders.preview', {
      prompt,
      negative: 'blurry',
      seed: 7,
      family: 'sd15',
      items: true,
    });
    expect(preview.ok).toBe(true);
    expect(preview.total).toBe(2);
    expect(preview.negativePresets).toEqual(['lowres, watermark']);
    expect(preview.items!.map((i) => i.prompt)).toEqual([
      expect.stringMatching(/^a cat on a (red|blue) sofa$/),
      expect.stringMatching(/^a dog on a (red|blue) sofa$/),
    ]);
    const order = await t.call('generate.start', { ...base, prompt, negative: 'blurry', count: 2 });
    expect(order.sourcePrompt).toBe(prompt);
    expect(order.itemCount).toBe(4);
    // The same seed expands the same way the preview did; each expanded prompt × count 2.
    expect(order.items.map((i) => i.params.prompt)).toEqual([
      preview.items![0]!.prompt,
      preview.items![0]!.prompt,
      preview.items![1]!.prompt,
      preview.items![1]!.prompt,
    ]);
    expect(order.items.every((i) => i.params.negative === 'blurry, lowres, watermark')).toBe(true);
    const without = await t.call('generate.start', {
      ...base,
      prompt: 'plain',
      noNegativePresets: true,
    });
    expect(without.items[0]!.params.negative).toBe('');
    await runAll();
    const done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('fulfilled');
  });

  it('refuses what does not expand, and a dry run queues nothing', async () => {
    const bad = await t.api.invoke('generate.start', {
      ...base,
      prompt: 'a (&) b (&) c',
      negative: 'x (&) y',
    });
    expect(!bad.ok && bad.error.message).toMatch(/^The prompt does not expand: .*3.*2/);
    const dry = await t.api.invoke('generate.start', {
      ...base,
      prompt: 'meta:debug:dryrun a [b,c]',
    });
    expect(!dry.ok && dry.error.message).toMatch(
      /dry run .* 2 images in 1 batch; nothing was queued/,
    );
    expect(await t.call('orders.list', { limit: 5 })).toEqual([]);
  });
});

describe('templates', () => {
  it('save an order as a template (its prompt as typed), use it, list by use, refuse a duplicate name', async () => {
    await t.call('negativePresets.set', { name: 'Clean', family: 'sd15', text: 'lowres' });
    const order = await t.call('generate.start', {
      ...base,
      prompt: 'a [red,blue] kite',
      cfg: 5,
      count: 3,
    });
    expect(order.items[0]!.params.negative).toBe('lowres');
    const tpl = await t.call('templates.saveFromOrder', { orderId: order.id, name: 'Kites' });
    expect(tpl.model?.name).toBe('tiny-sd1');
    // As typed: the prompt before expansion, the negative before presets, the count.
    expect(tpl.params).toMatchObject({
      prompt: 'a [red,blue] kite',
      negative: '',
      cfg: 5,
      width: 64,
      count: 3,
    });
    expect(tpl.params).not.toHaveProperty('seed');
    const used = await t.call('templates.use', { id: tpl.id });
    expect(used.usageCount).toBe(1);
    expect((await t.call('templates.list', {}))[0]!.id).toBe(tpl.id);
    const dup = await t.api.invoke('templates.saveFromOrder', { orderId: order.id, name: 'kites' });
    expect(!dup.ok && dup.error.message).toBe('There is already a template named “kites”');
  });
});

describe('workspace', () => {
  it('stages an order’s images outside the Library; keep makes assets (tags, links), discard deletes, expiry sweeps', async () => {
    const order = await t.call('generate.start', {
      ...base,
      prompt: 'a red fox',
      count: 3,
      destination: 'workspace',
    });
    expect(order.destination).toBe('workspace');
    await runAll();
    const done = await t.call('orders.get', { id: order.id });
    expect(done.status).toBe('fulfilled');
    expect(
      done.items.every((i) => i.assetIds.length === 0 && i.workspaceItemIds.length === 1),
    ).toBe(true);
    expect((await t.call('assets.list', { limit: 10 })).items).toEqual([]);
    const [session] = await t.call('workspace.sessions', { limit: 10 });
    expect(session).toMatchObject({ id: done.workspaceSessionId, staged: 3, kept: 0 });
    const items = await t.call('workspace.items', {
      sessionId: session!.id,
      status: 'staged',
      limit: 10,
    });
    expect(items).toHaveLength(3);
    expect(items[0]!.thumb).toMatch(/^data:image\/webp;base64,/);
    expect(items.map((i) => i.seed)).toEqual(['7', '8', '9']);
    const files = t.core.sqlite
      .prepare('SELECT id, path FROM workspace_items ORDER BY created_at')
      .all() as {
      id: string;
      path: string;
    }[];
    expect(files.every((f) => f.path.startsWith(path.join(t.dataDir, 'workspace')))).toBe(true);

    const kept = await t.call('workspace.keep', { ids: [items[0]!.id], tags: ['fox'] });
    const assetId = kept.kept[0]!.assetId;
    const a = await t.call('assets.get', { id: assetId });
    expect(a).toMatchObject({
      provenance: 'ai_generated',
      prompt: 'a red fox',
      seed: '7',
      model: 'tiny-sd1',
    });
    const rel = await t.call('library.relations', { id: assetId });
    expect(rel.tags.map((x) => x.name)).toEqual(['fox']);
    const links = t.core.sqlite
      .prepare('SELECT role, source_kind FROM asset_links WHERE asset_id = ? ORDER BY position')
      .all(assetId);
    expect(links).toEqual([
      { role: 'model', source_kind: 'model' },
      { role: 'made_by', source_kind: 'order_item' },
    ]);
    expect((await t.call('orders.get', { id: order.id })).items[0]!.assetIds).toEqual([assetId]);
    const again = await t.api.invoke('workspace.keep', { ids: [items[0]!.id] });
    expect(!again.ok && again.error.message).toBe('That image was already kept');

    expect(await t.call('workspace.discard', { ids: [items[1]!.id] })).toEqual({ discarded: 1 });
    expect(existsSync(files[1]!.path)).toBe(false);
    // Past its expiry the last one goes too; the kept one is an asset and stays.
    expect(sweepExpired(t.core, new Date(Date.now() + 8 * 86_400_000))).toBe(1);
    expect(existsSync(files[2]!.path)).toBe(false);
    expect(existsSync(a.path)).toBe(true);
    expect((await t.call('workspace.sessions', { limit: 5 }))[0]).toMatchObject({
      staged: 0,
      kept: 1,
      discarded: 2,
    });
  });
});
