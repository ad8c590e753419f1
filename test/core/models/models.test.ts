import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchKey, modelsOfAsset } from '../../../src-main/core/models/modelNames';
import { sameModelHash } from '../../../src-main/core/models/modelStore';
import { openTestCore, type TestCore } from '../../helpers/core';
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
    expect(matchKey('C:\\models\\Lora\\detail.ckpt')).toBe('detail');
    expect(matchKey('  flux1-dev  ')).toBe('flux1-dev');
    expect(matchKey('v1.5-pruned')).toBe('v1.5-pruned');
    expect(
      sameModelHash(
        '31e35c80fc',
        '31E35C80FC9b2d1a6e0a1fd1c8d1b7a3e4c5f60718293a4b5c6d7e8f9012345',
      ),
    ).toBe(true);
    expect(sameModelHash('31e35c80fc', '31e35c80fd')).toBe(false);
    expect(sameModelHash('31e3', '31e35c80fc')).toBe(false);
    expect(
      modelsOfAsset({
        model: 'a.safetensors',
        model_hash: 'ABCDEF1234',
        prompt: 'x <lora:Grain:0.5> <lora:grain:1>',
        generation_params: JSON.stringify({ loras: [{ name: 'Other' }], model: 'a' }),
      }),
    ).toEqual([
      { name: 'a.safetensors', key: 'a', kind: 'checkpoint', hash: 'abcdef1234' },
      { name: 'Grain', key: 'grain', kind: 'lora', hash: null },
      { name: 'Other', key: 'other', kind: 'lora', hash: null },
    ]);
    expect(
      modelsOfAsset({ model: null, model_hash: null, prompt: null, generation_params: 'not json' }),
    ).toEqual([]);
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
