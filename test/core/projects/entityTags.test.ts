import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatementCache } from '../../../src-main/core/db/statements';
import { fakeSdCli, useFakeSdCli } from '../../helpers/fakeSdCli';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tinyTensors, writeSafetensors } from '../models/files/writeModelFiles';

let t: TestCore;
useFakeSdCli();
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => {
  vi.restoreAllMocks();
  return t.close();
});

/** How many statements that read entity_tags run during `fn`. */
async function tagQueries(fn: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(StatementCache.prototype, 'all');
  await fn();
  const n = spy.mock.calls.filter(([sql]) => sql.includes('entity_tags')).length;
  spy.mockRestore();
  return n;
}

async function order(prompt: string): Promise<string> {
  return (
    await t.call('generate.start', {
      model: 'tiny-sd1',
      prompt,
      width: 64,
      height: 64,
      steps: 4,
      count: 1,
      engine: 'sdcpp',
    })
  ).id;
}

describe('tags on collections and orders', () => {
  it('come back with collections.list and collections.get, in one query for the whole list', async () => {
    const a = await t.call('collections.create', { name: 'Heroes' });
    const b = await t.call('collections.create', { name: 'Banners' });
    await t.call('collections.create', { name: 'Untagged' });
    expect(a.tags).toEqual([]);
    const events: (string | null)[] = [];
    t.core.events.on('collections.changed', ({ id }) => events.push(id));
    expect(
      (await t.call('entityTags.set', { kind: 'collection', id: a.id, tags: ['web', 'Autumn'] }))
        .tags,
    ).toEqual(['Autumn', 'web']);
    await t.call('entityTags.set', { kind: 'collection', id: b.id, tags: ['print'] });
    expect(events).toEqual([a.id, b.id]);

    let list: { name: string; tags: string[] }[] = [];
    expect(
      await tagQueries(async () => {
        list = await t.call('collections.list', {});
      }),
    ).toBe(1);
    expect(list.map((c) => [c.name, c.tags])).toEqual([
      ['Heroes', ['Autumn', 'web']],
      ['Banners', ['print']],
      ['Untagged', []],
    ]);
    expect((await t.call('collections.update', { id: a.id, name: 'Hero shots' })).tags).toEqual([
      'Autumn',
      'web',
    ]);
    // Cleared, and gone with a deleted collection.
    await t.call('entityTags.set', { kind: 'collection', id: b.id, tags: [] });
    expect((await t.call('collections.list', {})).find((c) => c.id === b.id)?.tags).toEqual([]);
    await t.call('collections.delete', { id: a.id });
    expect(
      t.core.sqlite.prepare('SELECT count(*) AS n FROM entity_tags WHERE entity_id = ?').get(a.id),
    ).toEqual({ n: 0 });
  });

  it('come back with orders.list and orders.get, in one query for the whole list', async () => {
    writeSafetensors(
      path.join(t.dataDir, 'models', 'checkpoints', 'tiny-sd1.safetensors'),
      tinyTensors([
        'cond_stage_model.transformer.x',
        'model.diffusion_model.input_blocks.0.0.weight',
      ]),
    );
    await t.call('engines.update', { sdcppPath: fakeSdCli });
    await t.call('models.scan', {});
    const first = await order('a bottle');
    const second = await order('a jar');
    const third = await order('a tin');
    const events: string[] = [];
    t.core.events.on('orders.changed', ({ orderId }) => events.push(orderId));
    await t.call('entityTags.set', { kind: 'order', id: first, tags: ['labels', 'client-b'] });
    await t.call('entityTags.set', { kind: 'order', id: third, tags: ['labels'] });
    expect(events).toEqual([first, third]);

    let list: { id: string; tags: string[] }[] = [];
    expect(
      await tagQueries(async () => {
        list = await t.call('orders.list', { limit: 10 });
      }),
    ).toBe(1);
    expect(list.map((o) => [o.id, o.tags])).toEqual([
      [third, ['labels']],
      [second, []],
      [first, ['client-b', 'labels']],
    ]);
    expect((await t.call('orders.get', { id: first })).tags).toEqual(['client-b', 'labels']);
    // An empty page asks nothing.
    expect(await tagQueries(() => t.call('orders.list', { limit: 10, before: first }))).toBe(0);

    // The same tag names are the Library's tags: created once, shared.
    const tags = await t.call('tags.list', { prefix: 'lab' });
    expect(tags.map((x) => x.name)).toEqual(['labels']);
  });

  it('lists projects with their tags in one query', async () => {
    const a = await t.call('projects.create', { name: 'A' });
    const b = await t.call('projects.create', { name: 'B' });
    await t.call('entityTags.set', { kind: 'project', id: a.id, tags: ['x', 'y'] });
    await t.call('entityTags.set', { kind: 'project', id: b.id, tags: ['z'] });
    let list: { name: string; tags: string[] }[] = [];
    expect(
      await tagQueries(async () => {
        list = await t.call('projects.list', {});
      }),
    ).toBe(1);
    expect(list.map((p) => [p.name, p.tags]).sort()).toEqual([
      ['A', ['x', 'y']],
      ['B', ['z']],
    ]);
  });
});
