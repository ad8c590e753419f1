import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations';
import { migrateToLatest } from '../../../src-main/core/db/migrate';
import { openDatabase } from '../../../src-main/core/db/open';
import { matchKey } from '../../../src-main/core/models/modelNames';
import { sameModelHash } from '../../../src-main/core/models/modelStore';
import { nowIso, uuidv7 } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tempDir } from '../../helpers/tempDir';
import { writePng } from '../ingest/fixtures';

let t: TestCore;
afterEach(async () => {
  await t?.close();
});

const a1111 = (model: string, hash: string, lora: string) =>
  [
    `a cabin in the woods, <lora:${lora}:0.6>, golden hour`,
    'Negative prompt: blurry',
    `Steps: 28, Sampler: Euler a, CFG scale: 6.5, Seed: 12, Size: 64x48, Model hash: ${hash}, Model: ${model}, Version: v1.9.4`,
  ].join('\n');

const comfy = JSON.stringify({
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 42,
      steps: 20,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['6', 0],
      negative: ['7', 0],
      model: ['10', 0],
    },
  },
  '4': {
    class_type: 'CheckpointLoaderSimple',
    inputs: { ckpt_name: 'SD15/dreamshaper_8.safetensors' },
  },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox, watercolor', clip: ['10', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'photo', clip: ['10', 1] } },
  '10': {
    class_type: 'LoraLoader',
    inputs: { lora_name: 'watercolor_v2.safetensors', strength_model: 0.8, model: ['4', 0] },
  },
});

/** Three AI images ingested from real PNGs: two from A1111 (one with its checkpoint renamed, same hash), one from ComfyUI. */
async function library() {
  t = await openTestCore();
  const dir = path.join(t.root, 'media');
  await writePng(path.join(dir, 'cabin.png'), {
    seed: 1,
    texts: [
      { key: 'parameters', text: a1111('sdxl_base', '31e35c80fc', 'filmGrain'), kind: 'tEXt' },
    ],
  });
  await writePng(path.join(dir, 'cabin_renamed.png'), {
    seed: 2,
    texts: [
      { key: 'parameters', text: a1111('my_sdxl_copy', '31e35c80fc', 'filmGrain'), kind: 'tEXt' },
    ],
  });
  await writePng(path.join(dir, 'fox.png'), {
    seed: 3,
    texts: [{ key: 'prompt', text: comfy, kind: 'tEXt' }],
  });
  await writePng(path.join(dir, 'photo.png'), { seed: 4 });
  await t.call('ingest.importFiles', { paths: [dir] });
  const assets = (await t.call('assets.list', { limit: 10 })).items;
  const id = (name: string) => assets.find((a) => a.filename === name)!.id;
  return {
    cabin: id('cabin.png'),
    renamed: id('cabin_renamed.png'),
    fox: id('fox.png'),
    photo: id('photo.png'),
  };
}

describe('models', () => {
  it('match keys drop folders, weight extensions and case; hashes match by prefix', () => {
    expect(matchKey('SDXL/JuggernautXL_v9.safetensors')).toBe('juggernautxl_v9');
    expect(matchKey('C:\\models\\Lora\\detail.CKPT')).toBe('detail');
    expect(matchKey('  flux1-dev  ')).toBe('flux1-dev');
    expect(matchKey('v1.5-pruned')).toBe('v1.5-pruned');
    expect(matchKey('models/')).toBe('');
    expect(
      sameModelHash(
        '31e35c80fc',
        '31E35C80FC9b2d1a6e0a1fd1c8d1b7a3e4c5f60718293a4b5c6d7e8f9012345',
      ),
    ).toBe(true);
    expect(sameModelHash('31e35c80fc', '31e35c80fd')).toBe(false);
    expect(sameModelHash('31e3', '31e35c80fc')).toBe(false);
  });

  it('asset_models follows every write of an asset’s generation metadata', async () => {
    t = await openTestCore();
    const at = nowIso();
    const insert = t.core.sqlite.prepare(
      `INSERT INTO assets (id, path, filename, ext, type, sha256, size_bytes, mtime_ms, status, provenance, model, model_hash, generation_params, created_at, added_at, updated_at)
       VALUES (?, ?, 'x.png', 'png', 'image', ?, 1, 1, 'approved', 'ai_generated', ?, ?, ?, ?, ?, ?)`,
    );
    const rows = (id: string) =>
      t.core.sqlite
        .prepare('SELECT name, kind, hash FROM asset_models WHERE asset_id = ? ORDER BY kind, name')
        .all(id);
    // The params' checkpoint when the column is empty, LoRAs as objects or plain names, exact repeats once, bad entries skipped.
    const gp = {
      model: 'SD15/dreamshaper_8.safetensors',
      loras: [
        { name: 'Watercolor_v2', weight: 0.8 },
        'grain',
        { name: 'grain' },
        { weight: 1 },
        42,
        { name: '  ' },
        { name: ['x'] },
      ],
    };
    const id = uuidv7();
    insert.run(
      id,
      '/m/gp.png',
      'f'.repeat(64),
      null,
      ' 31E35C80FC ',
      JSON.stringify(gp),
      at,
      at,
      at,
    );
    expect(rows(id)).toEqual([
      { name: 'SD15/dreamshaper_8.safetensors', kind: 'checkpoint', hash: '31e35c80fc' },
      { name: 'Watercolor_v2', kind: 'lora', hash: null },
      { name: 'grain', kind: 'lora', hash: null },
    ]);
    // A rewrite replaces them; metadata that is not JSON never fails the write.
    t.core.sqlite
      .prepare('UPDATE assets SET model = ?, generation_params = ? WHERE id = ?')
      .run(' other ', '{not json', id);
    expect(rows(id)).toEqual([{ name: 'other', kind: 'checkpoint', hash: '31e35c80fc' }]);
    t.core.sqlite
      .prepare(
        'UPDATE assets SET model = NULL, model_hash = NULL, generation_params = NULL WHERE id = ?',
      )
      .run(id);
    expect(rows(id)).toEqual([]);
    // Deleting the asset takes its rows with it.
    const gone = uuidv7();
    insert.run(gone, '/m/gone.png', 'e'.repeat(64), 'base', null, null, at, at, at);
    expect(rows(gone)).toHaveLength(1);
    t.core.sqlite.prepare('DELETE FROM assets WHERE id = ?').run(gone);
    expect(rows(gone)).toEqual([]);
  });

  it('an upgrade from the previous schema fills asset_models from the assets already there', async () => {
    const d = tempDir();
    const file = path.join(d.dir, 'atelier.db');
    try {
      const old = openDatabase(file);
      await migrateToLatest(old.db, file, migrations.slice(0, 6));
      const at = nowIso();
      old.sqlite
        .prepare(
          `INSERT INTO assets (id, path, filename, ext, type, sha256, size_bytes, mtime_ms, status, provenance, model, model_hash, generation_params, created_at, added_at, updated_at)
           VALUES ('a1', '/a.png', 'a.png', 'png', 'image', ?, 1, 1, 'approved', 'ai_generated', 'Base.safetensors', 'ABCDEF1234', ?, ?, ?, ?)`,
        )
        .run('0'.repeat(64), JSON.stringify({ loras: [{ name: 'Grain' }] }), at, at, at);
      await migrateToLatest(old.db, file);
      expect(
        old.sqlite.prepare('SELECT name, kind, hash FROM asset_models ORDER BY kind').all(),
      ).toEqual([
        { name: 'Base.safetensors', kind: 'checkpoint', hash: 'abcdef1234' },
        { name: 'Grain', kind: 'lora', hash: null },
      ]);
      await old.close();
    } finally {
      d.cleanup();
    }
  });

  it('lists the models and LoRAs the Library’s AI images were made with, from their generation metadata', async () => {
    await library();
    const list = await t.call('models.list', {});
    const by = (key: string) => list.find((m) => m.matchKey === key);
    expect(by('filmgrain')).toMatchObject({
      name: 'filmGrain',
      kind: 'lora',
      assetCount: 2,
      id: null,
      nonCommercial: false,
    });
    expect(by('sdxl_base')).toMatchObject({
      kind: 'checkpoint',
      assetCount: 1,
      hashes: ['31e35c80fc'],
    });
    expect(by('dreamshaper_8')).toMatchObject({
      name: 'SD15/dreamshaper_8.safetensors',
      kind: 'checkpoint',
      assetCount: 1,
    });
    expect(by('watercolor_v2')).toMatchObject({ kind: 'lora', assetCount: 1 });
    expect(list[0]!.matchKey).toBe('filmgrain'); // most used first
    expect((await t.call('models.list', { search: 'WATER' })).map((m) => m.matchKey)).toEqual([
      'watercolor_v2',
    ]);
  });

  it('a model marked non-commercial blocks commercial packs holding its output, found by name or by hash', async () => {
    const ids = await library();
    const events: unknown[] = [];
    t.core.events.on('models.changed', (p) => events.push(p));
    const pack = await t.call('packs.create', { name: 'Cabins', licenseType: 'commercial' });
    await t.call('packs.addAssets', {
      packId: pack.id,
      assetIds: [ids.cabin, ids.renamed, ids.fox, ids.photo],
    });
    const nc = async () =>
      (await t.call('packs.check', { packId: pack.id })).issues.find(
        (i) => i.code === 'noncommercial_model',
      );
    expect(await nc()).toBeUndefined();

    const marked = await t.call('models.setLicense', {
      name: 'sdxl_base',
      nonCommercial: true,
      licenseNote: 'research licence',
    });
    expect(marked).toMatchObject({
      matchKey: 'sdxl_base',
      nonCommercial: true,
      licenseNote: 'research licence',
      assetCount: 1,
      kind: 'checkpoint',
    });
    expect(marked.id).toBeTruthy();
    expect(events).toEqual([{ matchKey: 'sdxl_base' }]);
    let issue = (await nc())!;
    // The renamed checkpoint has the same hash: it is the same file, and its output is flagged too.
    expect(issue.assetIds.sort()).toEqual([ids.cabin, ids.renamed].sort());
    expect(issue.severity).toBe('error');
    expect(issue.message).toMatch(
      /made with sdxl_base, marked non-commercial, in a commercial pack/,
    );

    // A LoRA, named as the file it was loaded from.
    await t.call('models.setLicense', {
      name: 'loras/watercolor_v2.safetensors',
      nonCommercial: true,
    });
    issue = (await nc())!;
    expect(issue.assetIds).toContain(ids.fox);
    expect(issue.message).toMatch(/watercolor_v2/);

    await t.call('models.setLicense', { name: 'SDXL_BASE', nonCommercial: false });
    expect((await nc())!.assetIds).toEqual([ids.fox]);
    // What was recorded stays (note included) when only the flag changes.
    expect((await t.call('models.list', { search: 'sdxl_base' }))[0]).toMatchObject({
      nonCommercial: false,
      licenseNote: 'research licence',
    });

    // A personal-use pack may hold anything.
    await t.call('packs.update', { id: pack.id, licenseType: 'personal' });
    expect(await nc()).toBeUndefined();

    // A pack lists only what its own assets use; the Library keeps recorded models even once unused.
    const other = await t.call('packs.create', { name: 'Photos only' });
    await t.call('packs.addAssets', { packId: other.id, assetIds: [ids.photo] });
    expect(await t.call('models.list', { packId: other.id })).toEqual([]);
    expect(
      (await t.call('models.list', { packId: pack.id })).map((m) => m.matchKey).sort(),
    ).toEqual(['dreamshaper_8', 'filmgrain', 'my_sdxl_copy', 'sdxl_base', 'watercolor_v2']);
    await t.call('trash.move', { selection: { ids: [ids.fox] } });
    expect(
      (await t.call('models.list', {})).find((m) => m.matchKey === 'watercolor_v2'),
    ).toMatchObject({ assetCount: 0, nonCommercial: true });
  });

  it('refuses what is not a model name, and an unknown pack', async () => {
    t = await openTestCore();
    expect(
      await t.api.invoke('models.setLicense', { name: '   ', nonCommercial: true }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await t.api.invoke('models.setLicense', { name: 'models/', nonCommercial: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/not a model name/) },
    });
    expect(await t.api.invoke('models.list', { packId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
