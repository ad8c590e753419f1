import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridItem, MethodInput } from '../../../src-main/contract';
import { resolveSelection } from '../../../src-main/core/curation/selection';
import { openTestCore, type TestCore } from '../../helpers/core';
import { asset, insertAssets, type SeedAsset } from './helpers';

let t: TestCore;
const a: Record<string, SeedAsset> = {};

/**
 * The library, oldest first:
 *   orig ← denoise ← upscale-of-denoise, orig ← upscale  (one stack of 3 under orig)
 *   gone (trashed) ← orphan                              (orphan stands alone)
 *   single                                              (no versions)
 *   picky (pending) ← picked (approved)                  (a filter can split a stack)
 */
beforeAll(async () => {
  t = await openTestCore();
  const add = (name: string, over: Partial<SeedAsset> = {}) => {
    a[name] = asset({ filename: `${name}.png`, ...over }, Object.keys(a).length);
    return a[name];
  };
  add('orig', { prompt: 'a lighthouse at dusk' });
  add('denoise', { derived_from: a.orig!.id, prompt: 'a lighthouse at dusk' });
  add('upscale', { derived_from: a.orig!.id, width: 2048, height: 2048 });
  add('up-of-denoise', { derived_from: a.denoise!.id, prompt: 'a lighthouse at dusk' });
  add('gone', { deleted_at: '2025-06-02T00:00:00.000Z' });
  add('orphan', { derived_from: a.gone!.id });
  add('single');
  add('picky', { status: 'pending' });
  add('picked', { derived_from: a.picky!.id, status: 'approved' });
  insertAssets(t.core.sqlite, Object.values(a));
});
afterAll(() => t.close());

type Query = MethodInput<'library.query'>;
const names = (items: GridItem[]) =>
  items.map((i) => Object.keys(a).find((k) => a[k]!.id === i.id) ?? i.id);

async function all(input: Query, limit = 2): Promise<GridItem[]> {
  const items: GridItem[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await t.call('library.query', {
      sort: { key: 'added', dir: 'asc' },
      ...input,
      limit,
      cursor,
    });
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe('stacks in the grid query', () => {
  it('shows each stack once, through its original, with the count of its versions', async () => {
    const items = await all({});
    expect(names(items)).toEqual(['orig', 'orphan', 'single', 'picky']);
    const byName = new Map(items.map((i, k) => [names(items)[k], i]));
    expect(byName.get('orig')!.stack).toEqual({ count: 3, expanded: false });
    expect(byName.get('picky')!.stack).toEqual({ count: 1, expanded: false });
    expect(byName.get('single')!.stack).toBeUndefined();
    // Its original is in the trash: the version is shown on its own, not lost.
    expect(byName.get('orphan')!.stack).toBeUndefined();
  });

  it('pages over stack tops only, in every sort direction', async () => {
    const desc = await all({ sort: { key: 'added', dir: 'desc' } }, 1);
    expect(names(desc)).toEqual(['picky', 'single', 'orphan', 'orig']);
    const bySize = await all({ sort: { key: 'size', dir: 'desc' } }, 3);
    expect(bySize).toHaveLength(4);
  });

  it('an expanded stack is followed by its versions, oldest first, each naming its top', async () => {
    const items = await all({ expandedStacks: [a.orig!.id] });
    expect(names(items)).toEqual([
      'orig',
      'denoise',
      'upscale',
      'up-of-denoise',
      'orphan',
      'single',
      'picky',
    ]);
    expect(items[0]!.stack).toEqual({ count: 3, expanded: true });
    expect(items.slice(1, 4).map((i) => i.stackOf)).toEqual([a.orig!.id, a.orig!.id, a.orig!.id]);
    expect(items[6]!.stack).toEqual({ count: 1, expanded: false });
    // library.stack: the same versions, for expanding in place without a reload.
    const members = await t.call('library.stack', { id: a.orig!.id });
    expect(names(members)).toEqual(['denoise', 'upscale', 'up-of-denoise']);
    expect(await t.call('library.stack', { id: a.single!.id })).toEqual([]);
  });

  it('stacking off shows every live asset on its own', async () => {
    const items = await all({ stacks: false, expandedStacks: [a.orig!.id] });
    expect(names(items)).toEqual([
      'orig',
      'denoise',
      'upscale',
      'up-of-denoise',
      'orphan',
      'single',
      'picky',
      'picked',
    ]);
    expect(items.every((i) => i.stack === undefined && i.stackOf === undefined)).toBe(true);
  });

  it('a version whose original the filter leaves out is shown on its own', async () => {
    const approved = await all({ filter: { statuses: ['approved'] } });
    expect(names(approved)).toEqual(['picked']);
    expect(approved[0]!.stack).toBeUndefined();
    // Search: every lighthouse matches; the versions stay stacked, and an expanded one has snippets.
    const found = await all({ filter: { search: 'lighthouse' }, expandedStacks: [a.orig!.id] });
    expect(names(found)).toEqual(['orig', 'denoise', 'up-of-denoise']);
    expect(found[0]!.stack).toEqual({ count: 2, expanded: true });
    expect(found[1]!.snippet?.field).toBe('prompt');
  });

  it('the trash stacks only what is trashed together', async () => {
    const items = await all({ filter: { trashed: true } });
    expect(names(items)).toEqual(['gone']);
    expect(items[0]!.stack).toBeUndefined();
  });

  it('the sidebar still counts every asset, versions included', async () => {
    const counts = await t.call('library.counts', {});
    expect(counts.total).toBe(8);
  });

  it('trashing an original brings its versions back as stack tops', async () => {
    t.core.sqlite
      .prepare('UPDATE assets SET deleted_at = ? WHERE id = ?')
      .run('2025-06-03T00:00:00.000Z', a.picky!.id);
    try {
      const items = await all({});
      expect(names(items)).toEqual(['orig', 'orphan', 'single', 'picked']);
    } finally {
      t.core.sqlite.prepare('UPDATE assets SET deleted_at = NULL WHERE id = ?').run(a.picky!.id);
    }
  });

  it('select-all selects what the stacked grid shows: tops, and the versions of open stacks', () => {
    const query = { tagMode: 'any', dateField: 'added', trashed: false } as const;
    const picked = (sel: Parameters<typeof resolveSelection>[1]) =>
      resolveSelection(t.core.sqlite, sel)
        .map((r) => Object.keys(a).find((k) => a[k]!.id === r.id))
        .sort();
    expect(picked({ query, stacks: { expanded: [] } })).toEqual([
      'orig',
      'orphan',
      'picky',
      'single',
    ]);
    expect(picked({ query, stacks: { expanded: [a.orig!.id] } })).toEqual([
      'denoise',
      'orig',
      'orphan',
      'picky',
      'single',
      'up-of-denoise',
      'upscale',
    ]);
    // Stacking off: every matching asset, as before.
    expect(picked({ query })).toHaveLength(8);
  });
});
