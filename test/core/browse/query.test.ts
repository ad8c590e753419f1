import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  GridItem,
  LibraryFilterInput,
  MethodInput,
  SortKey,
} from '../../../src-main/contract';
import { openTestCore, type TestCore } from '../../helpers/core';
import { insertAssets, makeAssets, type SeedAsset } from './helpers';

let t: TestCore;
let seeded: (SeedAsset & { rid: number })[];

beforeAll(async () => {
  t = await openTestCore();
  insertAssets(t.core.sqlite, makeAssets(3000, { seed: 7, duplicateRate: 0.02 }));
  const rids = new Map(
    (
      t.core.sqlite.prepare('SELECT id, rid FROM assets').all() as { id: string; rid: number }[]
    ).map((r) => [r.id, r.rid]),
  );
  seeded = makeAssets(3000, { seed: 7, duplicateRate: 0.02 }).map((a, i) => ({ ...a, rid: i + 1 }));
  // makeAssets mints fresh ids each call: align the reference copy with the inserted rows by rid.
  const byRid = new Map([...rids.entries()].map(([id, rid]) => [rid, id]));
  for (const s of seeded) s.id = byRid.get(s.rid)!;
});
afterAll(() => t.close());

type Query = MethodInput<'library.query'>;

async function all(input: Query, pageSize = 137): Promise<GridItem[]> {
  const items: GridItem[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await t.call('library.query', { ...input, limit: pageSize, cursor });
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

const sortValue: Record<Exclude<SortKey, 'position'>, (a: SeedAsset) => string | number> = {
  added: (a) => a.added_at,
  created: (a) => a.created_at,
  name: (a) => a.filename.toLowerCase(),
  rating: (a) => a.rating,
  size: (a) => a.size_bytes,
  duration: (a) => a.duration_sec ?? -1,
};

function reference(
  pred: (a: SeedAsset) => boolean,
  key: Exclude<SortKey, 'position'> = 'added',
  dir: 'asc' | 'desc' = 'desc',
): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  return seeded
    .filter(pred)
    .sort((a, b) => {
      const va = sortValue[key](a);
      const vb = sortValue[key](b);
      return (va < vb ? -1 : va > vb ? 1 : a.rid - b.rid) * sign;
    })
    .map((a) => a.id);
}

const live = (a: SeedAsset) => a.deleted_at === null;
const words = (a: SeedAsset) =>
  new Set(
    [a.title, a.filename, a.prompt ?? '', a.notes]
      .join(' ')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean),
  );

describe('library.query sorts', () => {
  for (const key of ['added', 'created', 'name', 'rating', 'size', 'duration'] as const) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`pages through every live asset by ${key} ${dir} without gaps or repeats`, async () => {
        const got = await all({ sort: { key, dir } });
        expect(got.map((g) => g.id)).toEqual(reference(live, key, dir));
      });
    }
  }

  it('refuses a cursor from another sort, and position without a collection', async () => {
    const page = await t.call('library.query', { limit: 5 });
    const r = await t.api.invoke('library.query', {
      cursor: page.nextCursor,
      sort: { key: 'rating', dir: 'desc' },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const bad = await t.api.invoke('library.query', { cursor: 'not-a-cursor' });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('cursor') },
    });
    const pos = await t.api.invoke('library.query', { sort: { key: 'position', dir: 'asc' } });
    expect(pos).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('collectionId') },
    });
  });
});

describe('library.query filters', () => {
  const cases: [string, LibraryFilterInput, (a: SeedAsset) => boolean][] = [
    ['type', { types: ['audio', 'video'] }, (a) => a.type !== 'image'],
    ['status', { statuses: ['approved'] }, (a) => a.status === 'approved'],
    ['rating ≥ 4', { minRating: 4 }, (a) => a.rating >= 4],
    ['liked', { liked: true }, (a) => a.liked === 1],
    ['not liked', { liked: false }, (a) => a.liked === 0],
    [
      'theme',
      { themes: ['fantasy', 'nature'] },
      (a) => a.theme === 'fantasy' || a.theme === 'nature',
    ],
    ['source', { sources: ['Midjourney'] }, (a) => a.source === 'Midjourney'],
    ['provenance', { provenances: ['user_provided'] }, (a) => a.provenance === 'user_provided'],
    ['model', { models: ['flux1-dev'] }, (a) => a.model === 'flux1-dev'],
    ['has prompt', { hasPrompt: true }, (a) => a.prompt !== null],
    ['no prompt', { hasPrompt: false }, (a) => a.prompt === null],
    ['missing', { missing: true }, (a) => a.missing === 1],
    [
      'date range',
      { from: '2025-01-02', to: '2025-01-02' },
      (a) => a.added_at >= '2025-01-02T00:00:00.000Z' && a.added_at < '2025-01-03T00:00:00.000Z',
    ],
    [
      'created range',
      { dateField: 'created', from: '2025-01-01T12:00:00Z' },
      (a) => a.created_at >= '2025-01-01T12:00:00.000Z',
    ],
    [
      'duplicates',
      { duplicates: true },
      (a) => seeded.filter((b) => live(b) && b.sha256 === a.sha256).length > 1,
    ],
    [
      'status + type + rating',
      { statuses: ['pending', 'approved'], types: ['image'], minRating: 2 },
      (a) => a.status !== 'rejected' && a.type === 'image' && a.rating >= 2,
    ],
  ];
  for (const [name, filter, pred] of cases) {
    it(`filters by ${name}`, async () => {
      const expected = reference((a) => live(a) && pred(a));
      expect(expected.length).toBeGreaterThan(0);
      expect((await all({ filter })).map((g) => g.id)).toEqual(expected);
    });
  }

  it('shows the trash instead of the library with trashed', async () => {
    const got = await all({ filter: { trashed: true } });
    expect(got.map((g) => g.id)).toEqual(reference((a) => a.deleted_at !== null));
    expect(got.every((g) => g.deletedAt !== null)).toBe(true);
  });

  it('filters by tags (any and all), collection and watch folder', async () => {
    const [a, b, c] = seeded.filter(live);
    const red = await t.call('tags.create', { name: 'red' });
    const blue = await t.call('tags.create', { name: 'blue' });
    await t.call('curation.addTags', { selection: { ids: [a!.id, b!.id] }, tags: ['red'] });
    await t.call('curation.addTags', { selection: { ids: [b!.id, c!.id] }, tags: ['blue'] });
    const any = await all({ filter: { tags: [red.id, blue.id] } });
    expect(new Set(any.map((g) => g.id))).toEqual(new Set([a!.id, b!.id, c!.id]));
    const both = await all({ filter: { tags: [red.id, blue.id], tagMode: 'all' } });
    expect(both.map((g) => g.id)).toEqual([b!.id]);

    const col = await t.call('collections.create', { name: 'Picks' });
    await t.call('collections.addAssets', { id: col.id, selection: { ids: [c!.id, a!.id] } });
    const inCol = await all({
      filter: { collectionId: col.id },
      sort: { key: 'position', dir: 'asc' },
    });
    expect(inCol.map((g) => g.id)).toEqual([c!.id, a!.id]);

    const folderId = 'folder-1';
    const now = new Date().toISOString();
    t.core.sqlite
      .prepare('INSERT INTO watch_folders (id, path, created_at, updated_at) VALUES (?, ?, ?, ?)')
      .run(folderId, '/tmp/wf', now, now);
    t.core.sqlite.prepare('UPDATE assets SET folder_id = ? WHERE id = ?').run(folderId, b!.id);
    expect((await all({ filter: { folderId } })).map((g) => g.id)).toEqual([b!.id]);
    t.core.sqlite.prepare('UPDATE assets SET folder_id = NULL WHERE id = ?').run(b!.id);
    await t.call('tags.delete', { id: red.id });
    await t.call('tags.delete', { id: blue.id });
  });
});

describe('library.query search', () => {
  const cases: [string, string, (a: SeedAsset) => boolean][] = [
    ['a common word', 'portrait', (a) => words(a).has('portrait')],
    ['a rare word', 'temple', (a) => words(a).has('temple')],
    ['two words (AND)', 'neon city', (a) => words(a).has('neon') && words(a).has('city')],
    ['a prefix', 'cyber*', (a) => [...words(a)].some((w) => w.startsWith('cyber'))],
    ['an exclusion', 'portrait -anime', (a) => words(a).has('portrait') && !words(a).has('anime')],
    ['only an exclusion', '-portrait', (a) => !words(a).has('portrait')],
  ];
  for (const [name, search, pred] of cases) {
    it(`finds ${name} over title, filename, prompt and notes`, async () => {
      const expected = reference((a) => live(a) && pred(a));
      expect(expected.length).toBeGreaterThan(0);
      expect((await all({ filter: { search } }, 400)).map((g) => g.id)).toEqual(expected);
    });
  }

  it('combines search with filters and another sort', async () => {
    const filter: LibraryFilterInput = {
      search: 'portrait',
      statuses: ['approved'],
      minRating: 3,
      types: ['image'],
    };
    const expected = reference(
      (a) =>
        live(a) &&
        words(a).has('portrait') &&
        a.status === 'approved' &&
        a.rating >= 3 &&
        a.type === 'image',
      'size',
      'asc',
    );
    expect((await all({ filter, sort: { key: 'size', dir: 'asc' } })).map((g) => g.id)).toEqual(
      expected,
    );
  });

  it('highlights the matched words in a snippet', async () => {
    const page = await t.call('library.query', { filter: { search: 'dragon' }, limit: 20 });
    expect(page.items.length).toBeGreaterThan(0);
    for (const item of page.items) {
      const hits = item.snippet!.parts.filter((p) => p.hit).map((p) => p.text.toLowerCase());
      expect(hits).toContain('dragon');
    }
  });

  it('treats FTS syntax in the search box as plain words', async () => {
    for (const search of [
      '"unterminated',
      'NEAR(a b)',
      'title:x',
      'a OR',
      '(((',
      '*',
      '-',
      'AND',
    ]) {
      const r = await t.api.invoke('library.query', { filter: { search } });
      expect(r.ok, search).toBe(true);
    }
  });

  it('finds assets by their tags', async () => {
    const target = seeded.find(live)!;
    await t.call('curation.addTags', { selection: { ids: [target.id] }, tags: ['zebracorn'] });
    const page = await t.call('library.query', { filter: { search: 'zebra*' } });
    expect(page.items.map((i) => i.id)).toEqual([target.id]);
    expect(page.items[0]!.snippet).toMatchObject({ field: 'tags' });
  });
});

describe('index use', () => {
  it('walks an index for every sort instead of sorting the library', () => {
    const plans: Record<string, string> = {
      added: 'a.added_at',
      created: 'a.created_at',
      name: 'a.filename COLLATE NOCASE',
      rating: 'a.rating',
      size: 'a.size_bytes',
      duration: 'ifnull(a.duration_sec, -1)',
    };
    for (const [key, expr] of Object.entries(plans)) {
      const plan = t.core.sqlite
        .prepare(
          `EXPLAIN QUERY PLAN SELECT a.id FROM assets a WHERE a.deleted_at IS NULL AND (${expr}, a.rid) < (?, ?) ORDER BY ${expr} DESC, a.rid DESC LIMIT 101`,
        )
        .all(key === 'rating' || key === 'size' || key === 'duration' ? 3 : 'zzz', 1e9) as {
        detail: string;
      }[];
      const text = plans && plan.map((p) => p.detail).join(' | ');
      expect(text, key).toMatch(/USING INDEX lib_/);
      expect(text, key).not.toMatch(/TEMP B-TREE/);
    }
  });
});

describe('library.counts and facets', () => {
  it('counts per status, type, liked, missing and trash', async () => {
    const c = await t.call('library.counts', {});
    const liveRows = seeded.filter(live);
    expect(c.total).toBe(liveRows.length);
    expect(c.byStatus.approved).toBe(liveRows.filter((a) => a.status === 'approved').length);
    expect(c.byType.audio).toBe(liveRows.filter((a) => a.type === 'audio').length);
    expect(c.liked).toBe(liveRows.filter((a) => a.liked === 1).length);
    expect(c.missing).toBe(liveRows.filter((a) => a.missing === 1).length);
    expect(c.trash).toBe(seeded.length - liveRows.length);
  });

  it('lists themes, sources and models most used first', async () => {
    const f = await t.call('library.facets', {});
    const counts = f.themes.map((x) => x.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(f.themes.find((x) => x.value === 'fantasy')?.count).toBe(
      seeded.filter((a) => live(a) && a.theme === 'fantasy').length,
    );
    expect(f.models.map((m) => m.value)).toContain('flux1-dev');
  });
});
