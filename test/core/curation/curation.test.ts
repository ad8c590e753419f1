import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../../src-main/contract';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { createApi } from '../../../src-main/core/api/dispatch';
import { openTestCore, type TestCore } from '../../helpers/core';
import { asset, insertAssets, type SeedAsset } from '../browse/helpers';

let t: TestCore;
let rows: SeedAsset[];
let events: { event: EventName; payload: unknown }[];

function row(id: string) {
  return t.core.sqlite
    .prepare(
      'SELECT status, rating, liked, theme, source, provenance, notes, title, deleted_at FROM assets WHERE id = ?',
    )
    .get(id) as Record<string, unknown>;
}

beforeEach(async () => {
  t = await openTestCore();
  rows = Array.from({ length: 20 }, (_, i) =>
    asset(
      {
        filename: `img_${i}.png`,
        status: i % 3 === 0 ? 'approved' : 'pending',
        rating: i % 6,
        prompt: i < 10 ? `castle ${i}` : null,
      },
      i,
    ),
  );
  insertAssets(t.core.sqlite, rows);
  events = [];
  t.core.events.onAny((event, payload) => events.push({ event, payload }));
});
afterEach(() => t.close());

const ids = (n: number, from = 0) => rows.slice(from, from + n).map((r) => r.id);

describe('curation.set and undo', () => {
  it('sets fields on many assets, counts only real changes, emits events, and undoes exactly', async () => {
    const before = ids(6).map(row);
    const r = await t.call('curation.set', {
      selection: { ids: ids(6) },
      patch: { status: 'approved' },
    });
    expect(r.changed).toBe(4); // two of the six were already approved
    expect(ids(6).map((id) => row(id).status)).toEqual(Array(6).fill('approved'));
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['assets.curated', 'status.changed']),
    );
    const curated = events.find((e) => e.event === 'assets.curated')!.payload as { ids: string[] };
    expect(curated.ids).toHaveLength(4);

    await t.call('curation.set', {
      selection: { ids: ids(6) },
      patch: { rating: 5, liked: true, theme: 'winter', notes: 'keep' },
    });
    const h = await t.call('curation.history', {});
    expect(h.map((e) => e.label)).toEqual(['Rate 5 · 6 assets', 'Approve · 4 assets']);

    const u1 = await t.call('curation.undo', {});
    expect(u1.undone?.label).toBe('Rate 5 · 6 assets');
    const u2 = await t.call('curation.undo', {});
    expect(u2.undone?.count).toBe(4);
    expect(ids(6).map(row)).toEqual(before);
    expect((await t.call('curation.undo', {})).undone).toBeNull();
  });

  it('applies to everything a query selects, minus exceptions', async () => {
    const except = rows.find((r) => r.prompt !== null)!.id;
    const r = await t.call('curation.set', {
      selection: { query: { hasPrompt: true }, exceptIds: [except] },
      patch: { status: 'rejected' },
    });
    expect(r.changed).toBe(9);
    expect(row(except).status).not.toBe('rejected');
    expect(
      rows.filter((x) => x.prompt === null).every((x) => row(x.id).status !== 'rejected'),
    ).toBe(true);
  });

  it('rejects bad input with a clear message', async () => {
    const empty = await t.api.invoke('curation.set', { selection: { ids: ids(1) }, patch: {} });
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('nothing to change') },
    });
    const both = await t.api.invoke('curation.set', {
      selection: { ids: ids(1), query: {} },
      patch: { rating: 1 },
    });
    expect(both).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('either ids or query') },
    });
    const rating = await t.api.invoke('curation.set', {
      selection: { ids: ids(1) },
      patch: { rating: 7 },
    });
    expect(rating.ok).toBe(false);
  });

  it('keeps the undo stack across a restart', async () => {
    await t.call('curation.set', { selection: { ids: ids(3) }, patch: { liked: true } });
    const dataDir = t.dataDir;
    await t.core.dispose();
    const core = await openAtelier({ dataDir, host: 'cli', services: false });
    try {
      const api = createApi(core);
      const r = await api.invoke('curation.undo', {});
      expect(r).toMatchObject({ ok: true, value: { undone: { label: 'Like · 3 assets' } } });
      const liked = core.sqlite
        .prepare('SELECT count(*) AS n FROM assets WHERE liked = 1')
        .get() as { n: number };
      expect(liked.n).toBe(0);
    } finally {
      await core.dispose();
      // t.close() disposes again (a no-op) and removes the temp dir.
    }
  });
});

describe('tags', () => {
  it('creates with a colour, autocompletes by prefix, adds and removes on many, undoes both', async () => {
    const sunset = await t.call('tags.create', { name: 'Sunset', color: '#ff8800' });
    expect(sunset).toMatchObject({ name: 'Sunset', color: '#ff8800', usageCount: 0 });
    expect((await t.call('tags.create', { name: 'sunset' })).id).toBe(sunset.id);
    const bad = await t.api.invoke('tags.create', { name: 'a,b' });
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringContaining('commas') } });

    const added = await t.call('curation.addTags', {
      selection: { ids: ids(5) },
      tags: ['sunset', 'Sunrise', 'moody'],
    });
    expect(added.changed).toBe(5);
    const auto = await t.call('tags.list', { prefix: 'sun' });
    expect(auto.map((x) => x.name).sort()).toEqual(['Sunrise', 'Sunset']);
    expect(auto.find((x) => x.name === 'Sunset')!.usageCount).toBe(5);
    expect((await t.call('tags.list', { prefix: 'SUNR' })).map((x) => x.name)).toEqual(['Sunrise']);
    expect((await t.call('tags.list', { prefix: 'mo' }))[0]!.color).toMatch(/^#[0-9a-f]{6}$/);

    const again = await t.call('curation.addTags', {
      selection: { ids: ids(6) },
      tags: ['sunset'],
    });
    expect(again.changed).toBe(1);
    const rel = await t.call('library.relations', { id: rows[0]!.id });
    expect(rel.tags.map((x) => x.name)).toEqual(['moody', 'Sunrise', 'Sunset']);

    const removed = await t.call('curation.removeTags', {
      selection: { ids: ids(3) },
      tagIds: [sunset.id],
    });
    expect(removed.changed).toBe(3);
    expect((await t.call('library.query', { filter: { tags: [sunset.id] } })).items).toHaveLength(
      3,
    );
    await t.call('curation.undo', {});
    expect((await t.call('library.query', { filter: { tags: [sunset.id] } })).items).toHaveLength(
      6,
    );
    await t.call('curation.undo', {});
    await t.call('curation.undo', {});
    expect((await t.call('library.query', { filter: { tags: [sunset.id] } })).items).toHaveLength(
      0,
    );
    expect((await t.call('library.query', { filter: { search: 'sunset' } })).items).toHaveLength(0);
  });

  it('renames (search follows) and refuses a clash', async () => {
    const a = await t.call('tags.create', { name: 'red' });
    await t.call('tags.create', { name: 'blue' });
    await t.call('curation.addTags', { selection: { ids: ids(2) }, tags: ['red'] });
    const clash = await t.api.invoke('tags.update', { id: a.id, name: 'Blue' });
    expect(clash).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await t.call('tags.update', { id: a.id, name: 'crimson' });
    expect((await t.call('library.query', { filter: { search: 'crimson' } })).items).toHaveLength(
      2,
    );
  });
});

describe('collections', () => {
  it('adds in order, moves by drag, sets a cover, reorders the sidebar and removes with undo', async () => {
    const c = await t.call('collections.create', { name: 'Best of June' });
    const d = await t.call('collections.create', { name: 'Later' });
    await t.call('collections.addAssets', { id: c.id, selection: { ids: ids(5) } });
    const order = async () =>
      (
        await t.call('library.query', {
          filter: { collectionId: c.id },
          sort: { key: 'position', dir: 'asc' },
        })
      ).items.map((i) => i.id);
    expect(await order()).toEqual(ids(5));
    const [a0, a1, a2, a3, a4] = ids(5);
    await t.call('collections.moveAssets', { id: c.id, assetIds: [a3!, a4!], beforeAssetId: a1! });
    expect(await order()).toEqual([a0, a3, a4, a1, a2]);
    await t.call('collections.moveAssets', { id: c.id, assetIds: [a0!], beforeAssetId: null });
    expect(await order()).toEqual([a3, a4, a1, a2, a0]);
    // Many moves into the same gap end in a renumbering, never in equal positions.
    for (let i = 0; i < 60; i++)
      await t.call('collections.moveAssets', {
        id: c.id,
        assetIds: [i % 2 ? a1! : a2!],
        beforeAssetId: a4!,
      });
    expect((await order()).slice(0, 1)).toEqual([a3]);
    expect(new Set(await order()).size).toBe(5);

    let list = await t.call('collections.list', {});
    expect(list.find((x) => x.id === c.id)).toMatchObject({ assetCount: 5, coverAssetId: a3 });
    await t.call('collections.update', { id: c.id, coverAssetId: a2! });
    list = await t.call('collections.reorder', { ids: [d.id, c.id] });
    expect(list.map((x) => x.name)).toEqual(['Later', 'Best of June']);
    expect(list[1]!.coverAssetId).toBe(a2);

    await t.call('collections.removeAssets', { id: c.id, selection: { ids: [a1!, a2!] } });
    expect(await order()).toHaveLength(3);
    await t.call('curation.undo', {});
    expect(new Set(await order())).toEqual(new Set(ids(5)));
  });
});

describe('saved searches', () => {
  it('saves a query, lists it, counts it live, and deletes it', async () => {
    const s = await t.call('savedSearches.save', {
      name: 'Castles to review',
      filter: { search: 'castle', statuses: ['pending'] },
    });
    expect((await t.call('savedSearches.list', {})).map((x) => x.name)).toEqual([
      'Castles to review',
    ]);
    const expected = rows.filter((r) => r.prompt && r.status === 'pending').length;
    let counts = await t.call('library.counts', {});
    expect(counts.savedSearches).toEqual([{ id: s.id, count: expected }]);
    await t.call('curation.set', { selection: { query: s.filter }, patch: { status: 'approved' } });
    counts = await t.call('library.counts', {});
    expect(counts.savedSearches[0]!.count).toBe(0);
    await t.call('savedSearches.save', { id: s.id, name: 'Castles', filter: { search: 'castle' } });
    expect((await t.call('library.counts', {})).savedSearches[0]!.count).toBe(10);
    await t.call('savedSearches.delete', { id: s.id });
    expect(await t.call('savedSearches.list', {})).toEqual([]);
  });
});

describe('trash', () => {
  it('soft-deletes, hides, restores, undoes, and empties without touching files', async () => {
    const r = await t.call('trash.move', { selection: { ids: ids(3) } });
    expect(r.changed).toBe(3);
    expect(events.some((e) => e.event === 'library.changed')).toBe(true);
    const page = await t.call('library.query', {});
    expect(page.items.map((i) => i.id)).not.toContain(rows[0]!.id);
    expect((await t.call('library.counts', {})).trash).toBe(3);
    await t.call('curation.undo', {});
    expect((await t.call('library.counts', {})).trash).toBe(0);

    await t.call('trash.move', { selection: { ids: ids(3) } });
    await t.call('trash.restore', { selection: { ids: ids(1) } });
    expect((await t.call('library.query', { filter: { trashed: true } })).items).toHaveLength(2);

    const refused = await t.api.invoke('trash.empty', { deleteFiles: true });
    expect(refused).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('confirm') },
    });
    const emptied = await t.call('trash.empty', {});
    expect(emptied).toEqual({ removed: 2, filesDeleted: 0, fileErrors: [] });
    expect(
      (t.core.sqlite.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n,
    ).toBe(18);
  });

  it('deletes files from disk only with the confirmation phrase, reporting what it could not', async () => {
    const dir = path.join(t.root, 'files');
    mkdirSync(dir);
    const keep = path.join(dir, 'a.png');
    writeFileSync(keep, 'x');
    const extra = [
      asset({ filename: 'a.png', path: keep }, 100),
      asset({ filename: 'gone.png', path: path.join(dir, 'gone.png') }, 101),
    ];
    insertAssets(t.core.sqlite, extra);
    await t.call('trash.move', { selection: { ids: extra.map((e) => e.id) } });
    const r = await t.call('trash.empty', {
      ids: extra.map((e) => e.id),
      deleteFiles: true,
      confirm: 'delete files',
    });
    expect(r.removed).toBe(2);
    expect(r.filesDeleted).toBe(1);
    expect(r.fileErrors).toEqual([
      { path: path.join(dir, 'gone.png'), reason: 'the file was already gone' },
    ]);
    expect(existsSync(keep)).toBe(false);
  });
});

describe('duplicates', () => {
  it('groups exact and near duplicates best first, and keeps the best', async () => {
    const base = 'f0f0f0f0aaaa5555';
    const extra = [
      asset({ filename: 'd1.png', sha256: 'a'.repeat(64), rating: 2 }, 200),
      asset({ filename: 'd2.png', sha256: 'a'.repeat(64), rating: 4 }, 201),
      asset({ filename: 'n1.png', phash: base, width: 1024, height: 1024 }, 202),
      asset({ filename: 'n2.png', phash: 'f0f0f0f0aaaa5557', width: 512, height: 512 }, 203), // 1 bit away
      asset(
        {
          filename: 'n3.png',
          phash: 'f0f0f0f0aaaa5a57',
          width: 2048,
          height: 2048,
          status: 'rejected',
        },
        204,
      ), // 4 bits from n2
      asset({ filename: 'far.png', phash: '0f0f0f0f5555aaaa' }, 205),
    ];
    insertAssets(t.core.sqlite, extra);
    const exact = await t.call('duplicates.find', { kind: 'exact' });
    expect(exact.groups).toHaveLength(1);
    expect(exact.groups[0]!.assets.map((a) => a.filename)).toEqual(['d2.png', 'd1.png']);

    const tight = await t.call('duplicates.find', { kind: 'near', threshold: 2 });
    expect(tight.groups.map((g) => g.assets.map((a) => a.filename).sort())).toEqual([
      ['n1.png', 'n2.png'],
    ]);
    const loose = await t.call('duplicates.find', { kind: 'near', threshold: 6 });
    expect(loose.groups[0]!.assets.map((a) => a.filename)).toEqual(['n1.png', 'n2.png', 'n3.png']);
    expect(loose.groups[0]!.assets.map((a) => a.distance)).toEqual([0, 1, 5]);

    const [best, ...rest] = loose.groups[0]!.assets;
    const r = await t.call('duplicates.keepBest', {
      groups: [{ keepId: best!.id, otherIds: rest.map((a) => a.id) }],
    });
    expect(r.changed).toBe(2); // n3 was already rejected
    expect(row(best!.id).status).toBe('approved');
    expect(rest.map((a) => row(a.id).status)).toEqual(['rejected', 'rejected']);
    await t.call('curation.undo', {});
    expect([best, ...rest].map((a) => row(a!.id).status)).toEqual([
      'pending',
      'pending',
      'rejected',
    ]);
    expect(
      (await t.call('library.query', { filter: { duplicates: true } })).items
        .map((i) => i.filename)
        .sort(),
    ).toEqual(['d1.png', 'd2.png']);
  });

  it('finds near duplicates among many hashes by probing, exactly the groups all pairs would give', async () => {
    const { clusterNear, parsePhash, hamming } =
      await import('../../../src-main/core/curation/nearDuplicates');
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
    const items = Array.from({ length: 3000 }, () => ({ hi: rand() >>> 0, lo: rand() >>> 0 }));
    // 50 planted pairs 5 bits apart, and a chain 0-4-8-12 bits from its first link: single
    // linkage groups the chain although its ends are 12 bits apart.
    for (let k = 0; k < 50; k++)
      items.push({ hi: (items[k]!.hi ^ 0b10101) >>> 0, lo: items[k]!.lo ^ 0b1000000 });
    const base = items[100]!;
    for (const flips of [0b1111, 0b11111111, 0b111111111111])
      items.push({ hi: base.hi, lo: (base.lo ^ flips) >>> 0 });
    for (const threshold of [0, 4, 6, 12]) {
      // The expected groups by brute force: every pair compared, joined by union-find.
      const parent = items.map((_, i) => i);
      const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
      for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++)
          if (hamming(items[i]!, items[j]!) <= threshold) parent[root(j)] = root(i);
      const byRoot = new Map<number, number[]>();
      items.forEach((_, i) => byRoot.set(root(i), [...(byRoot.get(root(i)) ?? []), i]));
      const expected = [...byRoot.values()]
        .filter((g) => g.length > 1)
        .sort((a, b) => b.length - a.length || a[0]! - b[0]!);
      const packed = () => ({
        hi: Uint32Array.from(items, (h) => h.hi),
        lo: Uint32Array.from(items, (h) => h.lo),
      });
      const hashes = packed();
      expect(await clusterNear(hashes, threshold), `threshold ${threshold}`).toEqual(expected);
      expect(hashes.hi.length, 'the arrays were handed to the worker, not copied').toBe(0);
      expect(await clusterNear(packed(), threshold, 2)).toEqual(expected.slice(0, 2));
    }
    expect(parsePhash('zz')).toBeNull();
    await expect(async () =>
      clusterNear({ hi: new Uint32Array(2), lo: new Uint32Array(2) }, 16),
    ).rejects.toThrow(/threshold must be an integer 0–15/);
  });

  it('keeps the event loop turning while it clusters a big library', async () => {
    const { clusterNear } = await import('../../../src-main/core/curation/nearDuplicates');
    const { randomFillSync } = await import('node:crypto');
    const n = 500_000;
    const hi = randomFillSync(new Uint32Array(n));
    const lo = randomFillSync(new Uint32Array(n));
    // A planted near-duplicate, so the work is real and the answer checkable.
    hi[n - 1] = hi[7]! ^ 0b11;
    lo[n - 1] = lo[7]!;
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    const groups = await clusterNear({ hi, lo }, 6);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(groups).toContainEqual([7, n - 1]);
    // Clustering on this thread would leave one gap as long as the whole run.
    expect(ticks).toBeGreaterThan(10);
    expect(maxGap).toBeLessThan(Math.max(100, elapsed / 3));
  }, 60_000);
});

describe('trigger-kept tallies and duplicate hashes', () => {
  it('match a full recount after inserts, edits, trash, restore, delete and undo', async () => {
    const dup = [
      asset({ filename: 'x1.png', sha256: 'b'.repeat(64) }, 300),
      asset({ filename: 'x2.png', sha256: 'b'.repeat(64), type: 'video' }, 301),
    ];
    insertAssets(t.core.sqlite, dup);
    await t.call('curation.set', {
      selection: { ids: ids(7) },
      patch: { status: 'rejected', liked: true },
    });
    await t.call('trash.move', { selection: { ids: [...ids(3, 5), dup[0]!.id] } });
    expect((await t.call('library.query', { filter: { duplicates: true } })).items).toHaveLength(0);
    await t.call('curation.undo', {});
    expect((await t.call('library.query', { filter: { duplicates: true } })).items).toHaveLength(2);
    await t.call('trash.move', { selection: { ids: ids(2, 10) } });
    await t.call('trash.restore', { selection: { ids: ids(1, 10) } });
    await t.call('trash.empty', {});
    t.core.sqlite
      .prepare("UPDATE assets SET missing = 1, type = 'audio' WHERE id = ?")
      .run(rows[15]!.id);
    const truth = t.core.sqlite
      .prepare(
        `SELECT status, type, liked, missing, deleted_at IS NOT NULL AS trashed, count(*) AS n FROM assets
         GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      )
      .all();
    const kept = t.core.sqlite
      .prepare(
        'SELECT status, type, liked, missing, trashed, n FROM library_tallies WHERE n > 0 ORDER BY 1, 2, 3, 4, 5',
      )
      .all();
    expect(kept).toEqual(truth);
    const c = await t.call('library.counts', {});
    expect(c.total + c.trash).toBe(21);
    expect(c.missing).toBe(1);
  });
});
