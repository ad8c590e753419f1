import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MethodInput } from '../../../src-main/contract';
import { openTestCore, type TestCore } from '../../helpers/core';
import { insertAssets, makeAssets } from './helpers';

/**
 * Stacking at 100,000 assets, one in five a version of an older one: the grid's pages, a deep
 * page, filtered and searched pages and the sidebar's counts stay as fast as without stacking
 * (every check is an index lookup). Bounds are loose for shared CI machines; the timings print.
 */
let t: TestCore;
const total = 100_000;

beforeAll(async () => {
  t = await openTestCore();
  const chunk = 50_000;
  for (let i = 0; i < total; i += chunk)
    insertAssets(
      t.core.sqlite,
      makeAssets(chunk, {
        seed: 1000 + i,
        indexOffset: i,
        start: Date.parse('2024-01-01T00:00:00Z') + i * 60_000,
      }),
    );
  // Every fifth asset is a version of the one before it (and some of those of their own source).
  t.core.sqlite
    .exec(`UPDATE assets SET derived_from = (SELECT p.id FROM assets p WHERE p.rid = assets.rid - 1)
    WHERE rid % 5 = 0`);
  t.core.sqlite
    .exec(`UPDATE assets SET derived_from = (SELECT p.id FROM assets p WHERE p.rid = assets.rid - 2)
    WHERE rid % 50 = 1 AND rid > 2`);
  t.core.sqlite.exec('ANALYZE');
}, 120_000);
afterAll(() => t.close());

async function p50(fn: () => Promise<unknown>, n = 15): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(n / 2)]!;
}

type Q = MethodInput<'library.query'>;
const query = (input: Q) => t.call('library.query', input);

it('keeps the grid fast at 100,000 assets with stacking on', async () => {
  let deep: string | undefined;
  for (let i = 0; i < 40; i++) {
    const page = await query({ limit: 500, cursor: deep });
    deep = page.nextCursor ?? undefined;
  }
  const cases: [string, Q][] = [
    ['first page', { limit: 200 }],
    ['deep page', { limit: 400, cursor: deep }],
    ['by name', { limit: 200, sort: { key: 'name', dir: 'asc' } }],
    ['approved, rating ≥ 3', { limit: 200, filter: { statuses: ['approved'], minRating: 3 } }],
    ['search portrait', { limit: 200, filter: { search: 'portrait' } }],
    ['search dragon', { limit: 200, filter: { search: 'dragon castle' } }],
  ];
  const report: string[] = [];
  for (const [name, input] of cases) {
    const on = await p50(() => query(input));
    const off = await p50(() => query({ ...input, stacks: false }));
    report.push(`${name}: ${on.toFixed(1)} ms stacked, ${off.toFixed(1)} ms unstacked`);
    expect(on, name).toBeLessThan(Math.max(60, off * 3));
  }
  // Expanding a page's worth of stacks.
  const first = await query({ limit: 200 });
  const tops = first.items.filter((i) => i.stack).map((i) => i.id);
  expect(tops.length).toBeGreaterThan(20);
  const expanded = await p50(() => query({ limit: 200, expandedStacks: tops }));
  report.push(`first page, ${tops.length} stacks expanded: ${expanded.toFixed(1)} ms`);
  expect(expanded).toBeLessThan(80);
  console.log(report.join('\n'));
}, 180_000);
