import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetSummary } from '../../../src-main/contract';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writePng, writeWav } from '../ingest/fixtures';

let t: TestCore;

beforeAll(async () => {
  t = await openTestCore();
  const dir = path.join(t.root, 'lib');
  for (let i = 0; i < 7; i++)
    await writePng(path.join(dir, `img-${i}.png`), {
      texts:
        i < 2
          ? [
              {
                key: 'parameters',
                text: `cyberpunk alley ${i}\nSteps: 20, Seed: ${i}`,
                kind: 'tEXt',
              },
            ]
          : [],
    });
  writeWav(path.join(dir, 'tone.wav'));
  await t.call('ingest.importFiles', { paths: [dir] });
  t.core.sqlite
    .prepare(
      "UPDATE assets SET theme = 'noir', status = 'approved' WHERE filename IN ('img-3.png', 'img-4.png')",
    )
    .run();
  t.core.sqlite.prepare("UPDATE assets SET missing = 1 WHERE filename = 'img-5.png'").run();
});
afterAll(async () => {
  await t.close();
});

describe('assets.list', () => {
  it('pages newest first with a keyset cursor, no overlaps or gaps', async () => {
    const seen: AssetSummary[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.call('assets.list', { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(8);
    expect(new Set(seen.map((a) => a.id)).size).toBe(8);
    const order = seen.map((a) => `${a.addedAt}|${a.id}`);
    expect(order).toEqual([...order].sort().reverse());
  });

  it('filters by type, status, provenance, theme, folder, missing and prompt', async () => {
    const names = async (input: Parameters<TestCore['call']>[1]) =>
      ((await t.call('assets.list', input as never)) as { items: AssetSummary[] }).items
        .map((a) => a.filename)
        .sort();
    expect(await names({ type: 'audio' })).toEqual(['tone.wav']);
    expect(await names({ status: 'approved' })).toEqual(['img-3.png', 'img-4.png']);
    expect(await names({ theme: 'noir', type: 'image' })).toEqual(['img-3.png', 'img-4.png']);
    expect(await names({ provenance: 'ai_generated' })).toEqual(['img-0.png', 'img-1.png']);
    expect(await names({ hasPrompt: true })).toEqual(['img-0.png', 'img-1.png']);
    expect((await names({ hasPrompt: false })).length).toBe(6);
    expect(await names({ missing: true })).toEqual(['img-5.png']);
    expect((await names({ missing: false })).length).toBe(7);
    expect(await names({ folderId: 'none' })).toEqual([]);
  });

  it('searches filenames and prompts with FTS, paging by relevance', async () => {
    const r = await t.call('assets.list', { search: 'cyber' });
    expect(r.items.map((a) => a.filename).sort()).toEqual(['img-0.png', 'img-1.png']);
    const p1 = await t.call('assets.list', { search: 'img', limit: 4 });
    const p2 = await t.call('assets.list', { search: 'img', limit: 4, cursor: p1.nextCursor! });
    expect(new Set([...p1.items, ...p2.items].map((a) => a.id)).size).toBe(7);
    expect(p2.nextCursor).toBeNull();
    // FTS syntax in user input is neutralised, never an error.
    expect((await t.call('assets.list', { search: 'alley" OR (' })).items.length).toBe(2);
    expect((await t.call('assets.list', { search: '  ' })).items.length).toBe(
      (await t.call('assets.list', {})).items.length,
    );
  });

  it('rejects a bad cursor and an unknown id with clear errors', async () => {
    const bad = await t.api.invoke('assets.list', { cursor: 'garbage' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/cursor is not valid/);
    const missing = await t.api.invoke('assets.get', { id: 'nope' });
    expect(!missing.ok && missing.error.code).toBe('not_found');
    const invalid = await t.api.invoke('assets.list', { limit: 5000 });
    expect(!invalid.ok && invalid.error.code).toBe('invalid_input');
  });
});
