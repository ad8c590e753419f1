import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { openTestCore, type TestCore } from '../../helpers/core';
import { unzipTest } from '../zip/readers';
import { insertAsset, makeLibrary, makePng, setOwner } from './helpers';

let t: TestCore;
afterEach(async () => {
  await t?.close();
});

async function setup() {
  t = await openTestCore();
  const media = path.join(t.root, 'media');
  mkdirSync(media);
  const ids = await makeLibrary(t.core, media);
  return { ids, media };
}

describe('packs api', () => {
  it('adds a Library selection: its ids, or every asset a grid filter matches, with a clear limit', async () => {
    const { ids } = await setup();
    const p = await t.call('packs.create', { name: 'Selected' });
    const byFilter = await t.call('packs.addAssets', {
      packId: p.id,
      selection: { query: { types: ['image'] }, exceptIds: [ids[1]!] },
    });
    // Three PNGs and the JPEG match "images"; one was deselected.
    expect(byFilter.added).toBe(3);
    const inPack = (await t.call('packs.assets', { packId: p.id })).items.map((i) => i.assetId);
    expect(new Set(inPack)).toEqual(new Set([ids[0], ids[2], ids[3]]));
    const byIds = await t.call('packs.addAssets', {
      packId: p.id,
      selection: { ids: [ids[4]!, ids[0]!] },
    });
    expect(byIds).toMatchObject({ added: 1, pack: { assetCount: 4 } });
    await t.call('trash.move', { selection: { ids: [ids[5]!] } });
    const trashed = await t.api.invoke('packs.addAssets', {
      packId: p.id,
      selection: { ids: [ids[5]!] },
    });
    expect(trashed).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringMatching(/1 of the assets are in the trash: restore them/),
      },
    });
    const none = await t.api.invoke('packs.addAssets', { packId: p.id });
    expect(none).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/assetIds, a query or a selection/),
      },
    });

    // More than one call may add: the message says so and what to do, and nothing is added.
    const insert = t.core.sqlite.prepare(
      `INSERT INTO assets (id, path, filename, ext, type, sha256, size_bytes, mtime_ms, status, created_at, added_at, updated_at)
       VALUES (?, ?, ?, 'png', 'image', ?, 1, 0, 'pending', '2026-01-01', '2026-01-01', '2026-01-01')`,
    );
    t.core.sqlite.transaction(() => {
      for (let i = 0; i < 10_001; i++) {
        const id = `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`;
        insert.run(id, `/nowhere/many_${i}.png`, `many_${i}.png`, i.toString(16).padStart(64, '0'));
      }
    })();
    const tooMany = await t.api.invoke('packs.addAssets', {
      packId: p.id,
      selection: { query: { types: ['image'] } },
    });
    expect(tooMany).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/10,00\d assets; a pack takes at most 10,000 at a time/),
      },
    });
    expect((await t.call('packs.get', { id: p.id })).assetCount).toBe(4);
  });

  it('creates, edits, orders and removes, keeping counts and sizes current', async () => {
    const { ids } = await setup();
    const p = await t.call('packs.create', { name: 'Forest Sprites' });
    expect(p).toMatchObject({
      slug: 'forest_sprites',
      licenseType: 'commercial',
      version: '1.0.0',
      assetCount: 0,
    });
    expect((await t.call('packs.create', { name: 'Forest sprites!' })).slug).toBe(
      'forest_sprites_2',
    );
    const dup = await t.api.invoke('packs.create', { name: 'x', slug: 'forest_sprites' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const bad = await t.api.invoke('packs.create', { name: 'x', slug: 'Bad Slug' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const added = await t.call('packs.addAssets', { packId: p.id, assetIds: [...ids, ids[0]!] });
    expect(added.added).toBe(ids.length);
    expect(added.pack.assetCount).toBe(ids.length);
    expect(added.pack.coverAssetId).toBe(ids[0]);
    const sizes = t.core.sqlite.prepare(`SELECT sum(size_bytes) s FROM assets`).get() as {
      s: number;
    };
    expect(added.pack.totalSizeBytes).toBe(sizes.s);

    await t.call('packs.moveAsset', { packId: p.id, assetId: ids[4]!, toIndex: 0 });
    await t.call('packs.moveAsset', { packId: p.id, assetId: ids[0]!, toIndex: 99 });
    const order = (await t.call('packs.assets', { packId: p.id })).items.map((i) => i.assetId);
    expect(order).toEqual([ids[4], ids[1], ids[2], ids[3], ids[5], ids[6], ids[0]]);
    const page1 = await t.call('packs.assets', { packId: p.id, limit: 4 });
    const page2 = await t.call('packs.assets', { packId: p.id, limit: 4, after: page1.nextAfter! });
    expect([...page1.items, ...page2.items].map((i) => i.assetId)).toEqual(order);
    expect(page2.nextAfter).toBeNull();

    const renamed = await t.call('packs.setExportName', {
      packId: p.id,
      assetId: ids[1]!,
      exportFilename: 'Sprite One',
    });
    expect(renamed.effectiveName).toBe('Sprite One.png');
    const refused = await t.api.invoke('packs.setExportName', {
      packId: p.id,
      assetId: ids[1]!,
      exportFilename: '../x',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/path separator/) },
    });

    const updated = await t.call('packs.update', {
      id: p.id,
      licenseType: 'attribution',
      version: '1.1.0',
      theme: 'forest',
      coverAssetId: ids[2]!,
    });
    expect(updated).toMatchObject({
      licenseType: 'attribution',
      version: '1.1.0',
      theme: 'forest',
      coverAssetId: ids[2],
    });
    const removed = await t.call('packs.removeAssets', {
      packId: p.id,
      assetIds: [ids[2]!, ids[3]!],
    });
    expect(removed.pack.assetCount).toBe(ids.length - 2);
    expect(removed.pack.coverAssetId).toBeNull();
    await t.call('packs.delete', { id: p.id });
    expect((await t.call('packs.list', {})).map((x) => x.name)).toEqual(['Forest sprites!']);
    expect((await t.call('packs.presets', {})).length).toBe(5);
  });

  it('adds by saved search', async () => {
    const { ids } = await setup();
    const p = await t.call('packs.create', { name: 'Castles' });
    const r = await t.call('packs.addAssets', { packId: p.id, query: 'castle' });
    expect(r.added).toBe(1);
    expect((await t.call('packs.assets', { packId: p.id })).items[0]!.assetId).toBe(ids[3]);
    // Search syntax in what was typed is neutralised: nothing matches, nothing breaks.
    expect(await t.api.invoke('packs.addAssets', { packId: p.id, query: 'AND (' })).toMatchObject({
      ok: true,
      value: { added: 0 },
    });
  });

  it('checks report what a buyer would trip over; accepting a warning sticks', async () => {
    const { ids, media } = await setup();
    const p = await t.call('packs.create', { name: 'Checks', description: 'TODO describe' });
    const fs = await import('node:fs');
    fs.copyFileSync(path.join(media, 'img_0.png'), path.join(media, 'copy_of_0.png'));
    const rejected = insertAsset(t.core, path.join(media, 'copy_of_0.png'), 'image', {
      status: 'rejected',
    });
    const other = path.join(media, 'other.png');
    await makePng(other, 77);
    const clash = insertAsset(t.core, other, 'image', { filename: 'IMG_1.PNG' });
    const near = path.join(media, 'near.png');
    await makePng(near, 99);
    const n1 = insertAsset(t.core, near, 'image', { phash: 'ffff0000ffff0000', status: 'pending' });
    const near2 = path.join(media, 'near2.png');
    await makePng(near2, 98);
    const n2 = insertAsset(t.core, near2, 'image', { phash: 'ffff0000ffff0003' });
    const corrupt = path.join(media, 'broken.png');
    (await import('node:fs')).writeFileSync(corrupt, 'not a png at all');
    const c = insertAsset(t.core, corrupt, 'image');
    await t.call('models.setLicense', {
      name: 'sdxl_base',
      nonCommercial: true,
      licenseNote: 'research only',
    });
    await t.call('packs.addAssets', {
      packId: p.id,
      assetIds: [...ids, rejected, clash, n1, n2, c],
    });
    const r = await t.call('packs.check', { packId: p.id });
    const codes = r.issues.map((i) => i.code);
    for (const code of [
      'unapproved',
      'rejected',
      'duplicate_exact',
      'duplicate_near',
      'noncommercial_model',
      'name_clash',
      'corrupt_media',
      'placeholder',
    ] as const) {
      expect(codes, code).toContain(code);
    }
    expect(r.issues.filter((i) => i.code === 'placeholder')).toHaveLength(2); // LICENSE (no owner set) and README (TODO)
    expect(r.blocking).toBeGreaterThan(0);
    const nc = r.issues.find((i) => i.code === 'noncommercial_model')!;
    expect(nc.assetIds).toEqual([ids[3]]);
    expect(nc.message).toMatch(/made with sdxl_base, marked non-commercial/);
    const after = await t.call('packs.acceptIssue', { packId: p.id, key: nc.key, accepted: true });
    expect(after.issues.find((i) => i.key === nc.key)!.accepted).toBe(true);
    expect(after.blocking).toBe(r.blocking - 1);
    await t.call('packs.update', { id: p.id, licenseType: 'personal' });
    expect(
      (await t.call('packs.check', { packId: p.id })).issues.some(
        (i) => i.code === 'noncommercial_model',
      ),
    ).toBe(false);
    const blocked = await t.api.invoke('packs.export', { packId: p.id, options: {} });
    expect(blocked.ok).toBe(true); // returns at once; the failure lands in the history
    await new Promise((res) => setTimeout(res, 1500));
    const hist = await t.call('packs.exports', { packId: p.id });
    expect(hist[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/blocked/) });
  });

  it('runs an export started through the api and announces it', async () => {
    const { ids } = await setup();
    await setOwner(t.call);
    const p = await t.call('packs.create', { name: 'Evented' });
    await t.call('packs.addAssets', { packId: p.id, assetIds: ids });
    const done = new Promise<{ record: { status: string; files: { path: string }[] } }>((resolve) =>
      t.core.events.on('packs.exportFinished', resolve),
    );
    const progress: number[] = [];
    t.core.events.on('packs.exportProgress', (e) => progress.push(e.fraction));
    const r = await t.call('packs.export', {
      packId: p.id,
      options: { preset: 'gumroad', outDir: path.join(t.root, 'o') },
    });
    expect(r.exportId).toBeTruthy();
    const { record } = await done;
    expect(record.status).toBe('completed');
    unzipTest(record.files[0]!.path);
    expect(progress.at(-1)).toBe(1);
    const reveal = await t.call('packs.reveal', { exportId: r.exportId });
    expect(reveal.path).toBe(record.files[0]!.path);
  });
});

describe('atelier packs (CLI)', () => {
  it('list, create, add, show and export', async () => {
    const { ids } = await setup();
    await setOwner(t.call);
    const dataDir = t.dataDir;
    await t.core.dispose();
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    expect(
      await main(
        ['packs', 'create', 'CLI', 'Pack', '--license', 'royalty_free', '--data-dir', dataDir],
        io,
      ),
    ).toBe(0);
    expect(await main(['packs', 'add', 'cli_pack', ...ids, '--data-dir', dataDir], io)).toBe(0);
    expect(lines.at(-1)).toMatch(/now has 7 assets/);
    expect(await main(['packs', 'show', 'cli_pack', '--data-dir', dataDir], io)).toBe(0);
    expect(lines.join('\n')).toMatch(/CLI Pack {2}\(cli_pack, v1\.0\.0, Royalty-free\)/);
    lines.length = 0;
    const out = path.join(t.root, 'cli-out');
    expect(
      await main(
        [
          'packs',
          'export',
          'cli_pack',
          '--preset',
          'creative_market',
          '--out',
          out,
          '--json',
          '--data-dir',
          dataDir,
        ],
        io,
      ),
    ).toBe(0);
    const rec = JSON.parse(lines.join('\n'));
    unzipTest(rec.files[0].path);
    expect(await main(['packs', 'export', 'nope', '--data-dir', dataDir], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/No pack with id or slug "nope"/);
    expect(
      await main(['packs', 'export', 'cli_pack', '--preset', 'ebay', '--data-dir', dataDir], io),
    ).toBe(2);
    // Reopen for the afterEach close.
    t = { ...t, ...(await reopen(dataDir)) };
  });
});

async function reopen(dataDir: string) {
  const { openAtelier } = await import('../../../src-main/core/app/atelier');
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  return { core };
}
