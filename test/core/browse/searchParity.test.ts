import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writePng } from '../ingest/fixtures';

/**
 * One search: the Library's box, `atelier assets list --search` and a pack's "add by search"
 * translate a query the same way, so the same words find the same assets in all three.
 */
let t: TestCore;
const ids = new Map<string, string>();

const a1111 = (prompt: string, sampler: string, model: string, lora?: string) =>
  `${prompt}${lora ? `, <lora:${lora}:0.7>` : ''}\nNegative prompt: blurry\nSteps: 20, Sampler: ${sampler}, CFG scale: 7, Seed: 1, Size: 64x48, Model: ${model}`;

const library: Record<string, string> = {
  'cyberpunk-alley.png': a1111(
    'a cyberpunk alley at night, neon',
    'Euler a',
    'dreamshaper_8',
    'filmGrain',
  ),
  'cyber-monday.png': a1111('cyber monday sale banner', 'DPM++ 2M Karras', 'juggernautXL'),
  'city-lights.png': a1111('city lights from above, long exposure', 'Euler a', 'juggernautXL'),
  'vaporwave.png': a1111('vaporwave sunset, palm trees', 'DDIM', 'dreamshaper_8', 'retroWave'),
  'cityscape-plain.png': '',
};

const queries = [
  'cyber',
  'cyberpunk',
  'city',
  '"city"',
  'dreamshaper',
  'juggernaut',
  'euler',
  'karras',
  'filmgrain',
  'retro',
  'neon -city',
  'city -lights',
  '"cyber monday"',
  'cyber OR vapor',
  'palm* sun',
  'nothing-like-this',
];

beforeAll(async () => {
  t = await openTestCore();
  const media = path.join(t.root, 'media');
  let seed = 1;
  for (const [name, parameters] of Object.entries(library))
    await writePng(path.join(media, name), {
      seed: seed++,
      texts: parameters ? [{ key: 'parameters', text: parameters, kind: 'tEXt' }] : [],
    });
  const summary = await t.call('ingest.importFiles', { paths: [media] });
  for (const o of summary.outcomes) ids.set(o.assetId!, path.basename(o.path));
});
afterAll(async () => {
  await t?.close();
});

const names = (assetIds: string[]) => assetIds.map((id) => ids.get(id)!).sort();

describe('one search for the Library, the CLI and packs', () => {
  it('finds the same assets for the same words, prefixes, models, samplers and LoRAs included', async () => {
    const found: Record<string, { library: string[]; api: string[]; pack: string[] }> = {};
    for (const q of queries) {
      const grid = await t.call('library.query', { filter: { search: q }, limit: 500 });
      const listed = await t.call('assets.list', { search: q, limit: 100 });
      const pack = await t.call('packs.create', { name: `q ${q}` });
      await t.call('packs.addAssets', { packId: pack.id, query: q });
      const members = await t.call('packs.assets', { packId: pack.id });
      found[q] = {
        library: names(grid.items.map((i) => i.id)),
        api: names(listed.items.map((i) => i.id)),
        pack: names(members.items.map((m) => m.assetId)),
      };
    }
    for (const q of queries) {
      expect(found[q]!.api, q).toEqual(found[q]!.library);
      expect(found[q]!.pack, q).toEqual(found[q]!.library);
    }
    const lib = (q: string) => found[q]!.library;
    // What a creator types, and what they expect back.
    expect(lib('cyber')).toEqual(['cyber-monday.png', 'cyberpunk-alley.png']);
    expect(lib('city')).toEqual(['city-lights.png', 'cityscape-plain.png']);
    expect(lib('"city"')).toEqual(['city-lights.png']);
    expect(lib('dreamshaper')).toEqual(['cyberpunk-alley.png', 'vaporwave.png']);
    expect(lib('euler')).toEqual(['city-lights.png', 'cyberpunk-alley.png']);
    expect(lib('karras')).toEqual(['cyber-monday.png']);
    expect(lib('filmgrain')).toEqual(['cyberpunk-alley.png']);
    expect(lib('retro')).toEqual(['vaporwave.png']);
    expect(lib('neon -city')).toEqual(['cyberpunk-alley.png']);
    expect(lib('city -lights')).toEqual(['cityscape-plain.png']);
    expect(lib('"cyber monday"')).toEqual(['cyber-monday.png']);
    expect(lib('cyber OR vapor')).toEqual([
      'cyber-monday.png',
      'cyberpunk-alley.png',
      'vaporwave.png',
    ]);
    expect(lib('palm* sun')).toEqual(['vaporwave.png']);
    expect(lib('nothing-like-this')).toEqual([]);
  });

  it('the atelier command finds them too', async () => {
    const dataDir = t.dataDir;
    const expected = names(
      (await t.call('library.query', { filter: { search: 'cyber' }, limit: 500 })).items.map(
        (i) => i.id,
      ),
    );
    await t.core.dispose();
    const out: string[] = [];
    const code = await main(
      ['assets', 'list', '--data-dir', dataDir, '--search', 'cyber', '--json'],
      {
        out: (l) => out.push(l),
        err: () => undefined,
      },
    );
    expect(code).toBe(0);
    const listed = JSON.parse(out.join('\n')) as { items: { id: string }[] };
    expect(names(listed.items.map((i) => i.id))).toEqual(expected);
    t = await openTestCore();
  });
});
