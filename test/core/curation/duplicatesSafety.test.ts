import { afterEach, describe, expect, it } from 'vitest';
import { similarityPercent } from '../../../src-main/core/curation/nearDuplicates';
import { nowIso } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { asset, insertAssets } from '../browse/helpers';

/**
 * Duplicates must not do damage: an upscale or denoise is a version of its source, not a
 * duplicate of it (nor of its siblings), and keep-the-best never rejects an asset that is in a
 * pack without being told to.
 */
let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const status = (id: string) =>
  (t!.core.sqlite.prepare('SELECT status FROM assets WHERE id = ?').get(id) as { status: string })
    .status;

function link(assetId: string, sourceId: string) {
  t!.core.sqlite
    .prepare(
      "INSERT INTO asset_links (asset_id, role, source_kind, source_id, position, created_at) VALUES (?, 'source', 'asset', ?, 0, ?)",
    )
    .run(assetId, sourceId, nowIso());
}

describe('near duplicates and derived assets', () => {
  it('never groups an upscale or denoise with its source or its siblings; unrelated look-alikes still group', async () => {
    t = await openTestCore();
    const original = asset({ filename: 'castle.png', phash: 'f0f0f0f0aaaa5555' }, 1);
    const upscale = asset(
      {
        filename: 'castle_x4.png',
        phash: 'f0f0f0f0aaaa5557',
        width: 2048,
        height: 2048,
        provenance: 'enhanced',
      },
      2,
    );
    const denoised = asset(
      { filename: 'castle_denoised.png', phash: 'f0f0f0f0aaaa5554', provenance: 'enhanced' },
      3,
    );
    // An upscale of the upscale: same family, two steps down.
    const twice = asset(
      { filename: 'castle_x4_x2.png', phash: 'f0f0f0f0aaaa5556', width: 4096, height: 4096 },
      4,
    );
    upscale.derived_from = original.id;
    twice.derived_from = upscale.id;
    insertAssets(t.core.sqlite, [original, upscale, denoised, twice]);
    link(upscale.id, original.id);
    link(denoised.id, original.id); // linked only in asset_links
    link(twice.id, upscale.id);

    const alone = await t.call('duplicates.find', { kind: 'near', threshold: 6 });
    expect(alone.groups).toEqual([]);
    expect(alone.scanned).toBe(4);

    // Another picture that looks like the castle is still its near-duplicate.
    const other = asset({ filename: 'castle-again.png', phash: 'f0f0f0f0aaaa555f' }, 5);
    insertAssets(t.core.sqlite, [other]);
    const found = await t.call('duplicates.find', { kind: 'near', threshold: 6 });
    expect(found.groups.map((g) => g.assets.map((a) => a.filename).sort())).toEqual([
      ['castle-again.png', 'castle.png'],
    ]);
    const [a, b] = found.groups[0]!.assets;
    expect(a!.similarity).toBe(100);
    expect(b!.similarity).toBe(similarityPercent(b!.distance));
    expect(b!.similarity).toBe(Math.round((1 - 2 / 64) * 100));

    // With the original in the trash, the family is still there once, through its oldest live member.
    await t.call('trash.move', { selection: { ids: [original.id] } });
    const withoutOriginal = await t.call('duplicates.find', { kind: 'near', threshold: 6 });
    expect(withoutOriginal.groups.map((g) => g.assets.map((x) => x.filename).sort())).toEqual([
      ['castle-again.png', 'castle_x4.png'],
    ]);
  });

  it('speaks in % similar', () => {
    expect(similarityPercent(0)).toBe(100);
    expect(similarityPercent(6)).toBe(91);
    expect(similarityPercent(12)).toBe(81);
    expect(similarityPercent(64)).toBe(0);
  });
});

describe('keep the best and packs', () => {
  it('prefers the pack member, and never rejects a pack member without a confirm', async () => {
    t = await openTestCore();
    const inPack = asset({ filename: 'sold.png', phash: 'f0f0f0f0aaaa5555', width: 512 }, 1);
    const bigger = asset(
      { filename: 'bigger.png', phash: 'f0f0f0f0aaaa5557', width: 2048, height: 2048, rating: 5 },
      2,
    );
    const third = asset({ filename: 'third.png', phash: 'f0f0f0f0aaaa5554' }, 3);
    insertAssets(t.core.sqlite, [inPack, bigger, third]);
    const pack = await t.call('packs.create', { name: 'Castles' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: [inPack.id] });

    const { groups } = await t.call('duplicates.find', { kind: 'near', threshold: 6 });
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    // In a pack outranks a rating of 5 and more pixels: it is the one kept by default.
    expect(g.assets[0]!.id).toBe(inPack.id);
    expect(g.assets[0]!.packs).toEqual([{ id: pack.id, name: 'Castles' }]);
    expect(g.assets[1]!.packs).toEqual([]);

    // Keeping the default: nothing in a pack is rejected, so it applies at once.
    const ok = await t.call('duplicates.keepBest', {
      groups: [{ keepId: inPack.id, otherIds: [bigger.id, third.id] }],
    });
    expect(ok).toMatchObject({ applied: true, changed: 3, packMembers: [] });
    await t.call('curation.undo', {});

    // Keeping another one would reject the pack member: nothing changes, the plan comes back.
    const asked = await t.call('duplicates.keepBest', {
      groups: [{ keepId: bigger.id, otherIds: [inPack.id, third.id] }],
    });
    expect(asked).toMatchObject({
      applied: false,
      changed: 0,
      undoId: null,
      wouldApprove: 1,
      wouldReject: 2,
      packMembers: [{ id: inPack.id, name: 'sold.png', packs: [{ id: pack.id, name: 'Castles' }] }],
    });
    expect([inPack, bigger, third].map((x) => status(x.id))).toEqual([
      'pending',
      'pending',
      'pending',
    ]);

    // Confirmed: it does what was asked.
    const done = await t.call('duplicates.keepBest', {
      groups: [{ keepId: bigger.id, otherIds: [inPack.id, third.id] }],
      confirmPackMembers: true,
    });
    expect(done).toMatchObject({ applied: true, changed: 3 });
    expect(status(inPack.id)).toBe('rejected');
    expect(status(bigger.id)).toBe('approved');
  });
});
