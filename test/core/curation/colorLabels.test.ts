import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../../helpers/core';
import { asset, insertAssets, type SeedAsset } from '../browse/helpers';

let t: TestCore;
let rows: SeedAsset[];

beforeEach(async () => {
  t = await openTestCore();
  rows = Array.from({ length: 8 }, (_, i) => asset({ filename: `label_${i}.png` }, i));
  insertAssets(t.core.sqlite, rows);
});
afterEach(() => t.close());

const label = (id: string) =>
  (
    t.core.sqlite.prepare('SELECT color_label FROM assets WHERE id = ?').get(id) as {
      color_label: string | null;
    }
  ).color_label;

async function labelled(labels: ('red' | 'yellow' | 'green' | 'blue' | 'purple' | 'none')[]) {
  const page = await t.call('library.query', { filter: { colorLabels: labels }, limit: 100 });
  return page.items.map((i) => i.filename).sort();
}

describe('colour labels', () => {
  it('sets a label through curation.set, shows it on grid items, and undoes it to what it was', async () => {
    const [a, b, c] = rows;
    await t.call('curation.set', { selection: { ids: [a!.id] }, patch: { colorLabel: 'green' } });
    const r = await t.call('curation.set', {
      selection: { ids: [a!.id, b!.id, c!.id] },
      patch: { colorLabel: 'red' },
    });
    expect(r.changed).toBe(3);
    expect([a, b, c].map((x) => label(x!.id))).toEqual(['red', 'red', 'red']);
    const items = await t.call('library.items', { ids: [a!.id, rows[5]!.id] });
    expect(items.map((i) => i.colorLabel)).toEqual(['red', null]);

    const history = await t.call('curation.history', {});
    expect(history[0]!.label).toBe('Label red · 3 assets');

    const undone = await t.call('curation.undo', {});
    expect(undone.undone?.label).toBe('Label red · 3 assets');
    // Each asset gets back its own previous label, not one shared value.
    expect([a, b, c].map((x) => label(x!.id))).toEqual(['green', null, null]);
  });

  it('clears with null, counts only real changes, and refuses an unknown colour', async () => {
    const ids = rows.slice(0, 4).map((r) => r.id);
    await t.call('curation.set', { selection: { ids }, patch: { colorLabel: 'purple' } });
    const again = await t.call('curation.set', {
      selection: { ids },
      patch: { colorLabel: 'purple' },
    });
    expect(again).toEqual({ changed: 0, undoId: null });
    const cleared = await t.call('curation.set', {
      selection: { ids: ids.slice(0, 2) },
      patch: { colorLabel: null },
    });
    expect(cleared.changed).toBe(2);
    expect((await t.call('curation.history', {}))[0]!.label).toBe('Clear label · 2 assets');
    expect(ids.map(label)).toEqual([null, null, 'purple', 'purple']);
    await expect(
      t.call('curation.set', {
        selection: { ids },
        patch: { colorLabel: 'orange' as 'red' },
      }),
    ).rejects.toThrow(/invalid_input/);
  });

  it('filters by label, by several, and by "none"; a selection by query labels every match', async () => {
    await t.call('curation.set', {
      selection: { ids: [rows[0]!.id, rows[1]!.id] },
      patch: { colorLabel: 'red' },
    });
    await t.call('curation.set', {
      selection: { ids: [rows[2]!.id] },
      patch: { colorLabel: 'blue' },
    });
    expect(await labelled(['red'])).toEqual(['label_0.png', 'label_1.png']);
    expect(await labelled(['red', 'blue'])).toEqual(['label_0.png', 'label_1.png', 'label_2.png']);
    expect(await labelled(['none'])).toHaveLength(5);
    expect(await labelled(['blue', 'none'])).toHaveLength(6);

    // Bulk by filter: everything labelled red becomes yellow, in one undoable step.
    const r = await t.call('curation.set', {
      selection: { query: { colorLabels: ['red'] } },
      patch: { colorLabel: 'yellow' },
    });
    expect(r.changed).toBe(2);
    expect(await labelled(['yellow'])).toEqual(['label_0.png', 'label_1.png']);
    await t.call('curation.undo', {});
    expect(await labelled(['red'])).toEqual(['label_0.png', 'label_1.png']);
  });

  it('uses the label index for a label filter under the default sort', () => {
    const plan = t.core.sqlite
      .prepare(
        `EXPLAIN QUERY PLAN SELECT a.id FROM assets a WHERE a.deleted_at IS NULL AND a.color_label = ?
         ORDER BY a.added_at DESC, a.rid DESC LIMIT 100`,
      )
      .all('red') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/lib_label/);
  });
});
