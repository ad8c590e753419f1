import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearch } from '../../../src-main/core/browse/ftsQuery';
import { registerOutput } from '../../../src-main/core/process/registerOutput';
import { nowIso } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writePng } from '../ingest/fixtures';
import { makeImage } from '../process/mediaFixtures';

/**
 * What creators type: fragments of words, model and sampler names. Imported files (A1111
 * parameters) and outputs Atelier generated both fill the index's `gen` column, and a hit there
 * is highlighted like any other.
 */
let t: TestCore;
let imported = '';
let generated = '';

beforeAll(async () => {
  t = await openTestCore();
  const media = path.join(t.root, 'media');
  await writePng(path.join(media, 'alley.png'), {
    seed: 7,
    texts: [
      {
        key: 'parameters',
        kind: 'tEXt',
        text: 'a cyberpunk alley at night, neon signs\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1, Size: 64x48, Model: dreamshaper_8',
      },
    ],
  });
  const summary = await t.call('ingest.importFiles', { paths: [media] });
  imported = summary.outcomes[0]!.assetId!;

  const at = nowIso();
  t.core.sqlite
    .prepare(
      "INSERT INTO jobs (id, kind, status, pool, title, created_at, updated_at) VALUES ('gen-1', 'test', 'completed', 'gpu', 'castle', ?, ?)",
    )
    .run(at, at);
  const dir = path.join(t.core.layout.tmp, 'jobs', 'gen-1');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'out.png');
  copyFileSync(await makeImage(t.root, 'gen.png'), file);
  generated = await registerOutput(t.core, {
    source: null,
    baseName: 'castle',
    tempFile: file,
    suffix: 's42',
    ext: 'png',
    provenance: 'ai_generated',
    generation: {
      prompt: 'a watercolor castle on a hill',
      negativePrompt: null,
      seed: '42',
      model: 'juggernautXL_v9',
      modelHash: null,
      params: {
        steps: 20,
        sampler: 'euler_ancestral',
        loras: [{ name: 'pixelWave', weight: 0.8 }],
      },
    },
    derivation: { kind: 'generate', params: {} },
    jobId: 'gen-1',
  });
});
afterAll(async () => {
  await t?.close();
});

const find = async (q: string) =>
  (await t.call('library.query', { filter: { search: q }, limit: 100 })).items;
const ids = async (q: string) => (await find(q)).map((i) => i.id).sort();

describe('search finds what creators type', () => {
  it('every plain word is a prefix; quoted phrases stay exact; -word excludes the word', async () => {
    expect(parseSearch('cyber city')).toMatchObject({ match: '("cyber"* AND "city"*)' });
    expect(parseSearch('-cat dog')).toMatchObject({ match: '"dog"*', exclude: '"cat"' });
    expect(await ids('cyber')).toEqual([imported]);
    expect(await ids('cyber al')).toEqual([imported]);
    expect(await ids('neo cyber')).toEqual([imported]);
    expect(await ids('"cyber"')).toEqual([]);
    expect(await ids('"cyberpunk alley"')).toEqual([imported]);
    expect(await ids('cyber -neon')).toEqual([]);
    expect(await ids('water cast')).toEqual([generated]);
  });

  it('finds imported and generated images by checkpoint, sampler and LoRA names, with a highlight', async () => {
    expect(await ids('dreamshaper')).toEqual([imported]);
    expect(await ids('dreamshaper_8')).toEqual([imported]);
    expect(await ids('karras')).toEqual([imported]);
    expect(await ids('DPM++ 2M')).toEqual([imported]);
    expect(await ids('juggernaut')).toEqual([generated]);
    expect(await ids('juggernautXL_v9')).toEqual([generated]);
    expect(await ids('euler_ancestral')).toEqual([generated]);
    expect(await ids('pixelwave')).toEqual([generated]);
    const [hit] = await find('juggern');
    expect(hit!.snippet?.field).toBe('gen');
    expect(hit!.snippet?.parts.find((p) => p.hit)?.text).toBe('juggernautXL');
    // A prompt hit is preferred to a model hit.
    expect((await find('castle'))[0]!.snippet?.field).toBe('prompt');
  });
});
