import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetDetail } from '../../../src-main/contract/training';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeAudio } from '../process/mediaFixtures';
import { makePicture, seedImages } from './fixtures';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

const create = (input: Record<string, unknown>) =>
  t.api.invoke('datasets.create', {
    name: 'Ink animals',
    triggerToken: 'inkzoo',
    ...input,
  } as never);

describe('datasets from a selection', () => {
  it('takes approved images only from a filter, captions from prompts with the trigger first', async () => {
    const a = await seedImages(t, 4);
    const b = await seedImages(t, 2, { status: 'pending', prefix: 'maybe' });
    const r = await create({ selection: { query: {} }, classWord: 'animal', minImages: 3 });
    expect(r.ok).toBe(true);
    const ds = (r as { value: DatasetDetail }).value;
    expect(ds.items.map((i) => i.assetId).sort()).toEqual([...a.ids].sort());
    expect(ds.items.every((i) => !b.ids.includes(i.assetId))).toBe(true);
    expect(ds.items[0]!.caption).toBe('inkzoo, masterpiece, a fox in ink wash, white background');
    expect(ds).toMatchObject({
      triggerToken: 'inkzoo',
      classWord: 'animal',
      imageCount: 4,
      repeats: 10,
    });
    // Unapproved ones come in when asked for.
    const all = await t.call('datasets.create', {
      name: 'Everything',
      triggerToken: 'inkzoo',
      selection: { query: {} },
      includeUnapproved: true,
    });
    expect(all.imageCount).toBe(6);
  });

  it('says what to do with an empty selection, and with picked assets none of which is approved', async () => {
    const empty = await create({ selection: { ids: [] } });
    expect(empty.ok).toBe(false);
    expect(!empty.ok && empty.error.message).toMatch(/no approved images/);
    const p = await seedImages(t, 2, { status: 'pending' });
    const picked = await create({ selection: { ids: p.ids } });
    expect(!picked.ok && picked.error.message).toMatch(/None of the 2 picked assets are approved/);
    const bad = await create({ selection: { ids: p.ids }, triggerToken: 'two words' });
    expect(!bad.ok && bad.error.message).toMatch(/one word/);
  });

  it('from a saved search, a tag and a collection', async () => {
    const s = await seedImages(t, 3);
    await t.call('curation.addTags', { selection: { ids: s.ids.slice(0, 2) }, tags: ['hero'] });
    const tags = await t.call('tags.list', {});
    const hero = tags.find((x) => x.name === 'hero')!;
    const byTag = await t.call('datasets.create', {
      name: 'By tag',
      triggerToken: 'tok',
      selection: { query: { tags: [hero.id] } },
      captionSource: 'tags',
    });
    expect(byTag.imageCount).toBe(2);
    expect(byTag.items[0]!.caption).toBe('tok, hero');
    const col = await t.call('collections.create', { name: 'Best' });
    await t.call('collections.addAssets', { id: col.id, selection: { ids: [s.ids[2]!] } });
    const byCol = await t.call('datasets.create', {
      name: 'By collection',
      triggerToken: 'tok',
      selection: { query: { collectionId: col.id } },
    });
    expect(byCol.items.map((i) => i.assetId)).toEqual([s.ids[2]]);
    const saved = await t.call('savedSearches.save', { name: 'owls', filter: { search: 'owl' } });
    const bySearch = await t.call('datasets.create', {
      name: 'By search',
      triggerToken: 'tok',
      savedSearchId: saved.id,
    });
    expect(bySearch.imageCount).toBe(1);
    const dup = await t.api.invoke('datasets.create', {
      name: 'by TAG',
      triggerToken: 'x',
      selection: { ids: s.ids },
    });
    expect(!dup.ok && dup.error.code).toBe('conflict');
  });

  it('edits captions: set, find and replace (dry run first), reset, tag frequency, trigger rename', async () => {
    const s = await seedImages(t, 3);
    const ds = await t.call('datasets.create', {
      name: 'D',
      triggerToken: 'tok',
      selection: { ids: s.ids },
    });
    await t.call('datasets.setCaptions', {
      id: ds.id,
      captions: [{ assetId: s.ids[0]!, caption: 'tok, a fox\nin snow' }],
    });
    const dry = await t.call('datasets.replaceInCaptions', {
      id: 'D',
      find: 'ink wash',
      replace: 'sumi-e',
      dryRun: true,
    });
    expect(dry).toEqual({ changed: 2, captions: 3 });
    expect((await t.call('datasets.get', { id: ds.id })).items[1]!.caption).toContain('ink wash');
    await t.call('datasets.replaceInCaptions', { id: ds.id, find: 'ink wash', replace: 'sumi-e' });
    let got = await t.call('datasets.get', { id: ds.id });
    expect(got.items.map((i) => i.caption)).toEqual([
      'tok, a fox in snow',
      'tok, masterpiece, a owl in sumi-e, white background',
      'tok, masterpiece, a cat in sumi-e, white background',
    ]);
    const freq = await t.call('datasets.tagFrequency', { id: ds.id });
    expect(freq.slice(0, 2)).toEqual([
      { tag: 'tok', count: 3 },
      { tag: 'masterpiece', count: 2 },
    ]);
    await t.call('datasets.update', { id: ds.id, triggerToken: 'inkfox' });
    got = await t.call('datasets.get', { id: ds.id });
    expect(got.items.every((i) => i.caption.startsWith('inkfox, '))).toBe(true);
    expect(got.items.some((i) => /\btok\b/.test(i.caption))).toBe(false);
    got = await t.call('datasets.resetCaptions', {
      id: ds.id,
      source: 'prompt',
      assetIds: [s.ids[0]!],
    });
    expect(got.items[0]!.caption).toBe('inkfox, masterpiece, a fox in ink wash, white background');
    // The creator's files and asset metadata are never touched.
    const a = await t.call('assets.get', { id: s.ids[0]! });
    expect(a.prompt).toContain('<lora:inkwash:0.8>');
  });
});

describe('the check before a run', () => {
  it('3 images when 10 are the minimum is an error; the count is given', async () => {
    const s = await seedImages(t, 3);
    const ds = await t.call('datasets.create', {
      name: 'Small',
      triggerToken: 'tok',
      selection: { ids: s.ids },
    });
    const c = await t.call('datasets.check', { id: ds.id });
    expect(c.ok).toBe(false);
    expect(c.problems[0]).toMatchObject({ code: 'too_few', severity: 'error' });
    expect(c.problems[0]!.message).toMatch(/^3 usable images; at least 10 are needed/);
    await t.call('datasets.update', { id: ds.id, minImages: 3 });
    expect((await t.call('datasets.check', { id: ds.id })).ok).toBe(true);
  });

  it('names missing, unreadable, non-image, small, duplicate and near-duplicate assets, and mixed aspects', async () => {
    const s = await seedImages(t, 10);
    const dir = s.dir;
    // gone from disk
    const gone = await addAsset(
      t.core,
      await makePicture(path.join(dir, 'gone.png'), 640, 640, 31),
    );
    rmSync(path.join(dir, 'gone.png'));
    // not an image any more (cut off)
    const brokenFile = await makePicture(path.join(dir, 'broken.png'), 640, 640, 32);
    const broken = await addAsset(t.core, brokenFile);
    writeFileSync(brokenFile, Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    // a sound
    const sound = await addAsset(t.core, makeAudio(dir, 'voice.wav', 1));
    // too small
    const small = await addAsset(
      t.core,
      await makePicture(path.join(dir, 'tiny.png'), 300, 200, 33),
    );
    // an exact copy
    copyFileSync(path.join(dir, 'pic-01.png'), path.join(dir, 'copy.png'));
    const copy = await addAsset(t.core, path.join(dir, 'copy.png'));
    // a near copy (its perceptual hash 2 bits from pic-02's)
    const near = await addAsset(
      t.core,
      await makePicture(path.join(dir, 'near.png'), 640, 640, 34),
    );
    const wide = await addAsset(
      t.core,
      await makePicture(path.join(dir, 'wide.png'), 1280, 720, 35),
    );
    await t.core.db
      .updateTable('assets')
      .set({ phash: 'ffff0000ffff0000' })
      .where('id', '=', s.ids[1]!)
      .execute();
    await t.core.db
      .updateTable('assets')
      .set({ phash: 'ffff0000ffff0003' })
      .where('id', '=', near)
      .execute();
    const extra = [gone, broken, sound, small, copy, near, wide];
    const ds = await t.call('datasets.create', {
      name: 'Messy',
      triggerToken: 'tok',
      selection: { ids: [...s.ids, ...extra] },
      includeUnapproved: true,
      bucketing: false,
    });
    const c = await t.call('datasets.check', { id: ds.id });
    const by = Object.fromEntries(c.problems.map((p) => [p.code, p]));
    expect(c.ok).toBe(false);
    expect(by.missing).toMatchObject({ severity: 'error', fix: 'exclude', assetIds: [gone] });
    expect(by.missing!.message).toMatch(/^gone\.png is missing from disk/);
    expect(by.unreadable).toMatchObject({ severity: 'error', assetIds: [broken] });
    expect(by.not_image).toMatchObject({ severity: 'error', assetIds: [sound] });
    expect(by.not_image!.message).toMatch(/voice\.wav is not an image/);
    expect(by.too_small).toMatchObject({ severity: 'warning', fix: 'exclude' });
    expect(by.too_small!.assetIds).toContain(small);
    expect(by.too_small!.message).toMatch(/tiny\.png .*300×200/);
    expect(by.duplicate).toMatchObject({ assetIds: [copy] });
    expect(by.near_duplicate).toMatchObject({ assetIds: [near] });
    expect(by.mixed_aspect).toMatchObject({ fix: 'bucketing' });
    expect(by.mixed_aspect!.assetIds).toContain(wide);
    // The one-click fixes clear them.
    await t.call('datasets.exclude', {
      id: ds.id,
      assetIds: c.problems.filter((p) => p.fix === 'exclude').flatMap((p) => p.assetIds),
      excluded: true,
    });
    await t.call('datasets.update', { id: ds.id, bucketing: true });
    const again = await t.call('datasets.check', { id: ds.id });
    expect(again.problems).toEqual([]);
    expect(again).toMatchObject({ ok: true, imageCount: 11 });
    const got = await t.call('datasets.get', { id: ds.id });
    expect(got.excludedCount).toBe(6);
  });
});
