import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetRow } from '../../../src-main/core/db/schema';
import { registerOutput } from '../../../src-main/core/process/registerOutput';
import { nowIso } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeImage } from './mediaFixtures';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function job(id: string, title: string, parent: string | null = null): void {
  const at = nowIso();
  t!.core.sqlite
    .prepare(
      "INSERT INTO jobs (id, kind, status, pool, title, parent_id, created_at, updated_at) VALUES (?, 'test', 'completed', 'gpu', ?, ?, ?, ?)",
    )
    .run(id, title, parent, at, at);
}

const row = (id: string) =>
  t!.core.sqlite.prepare('SELECT * FROM assets WHERE id = ?').get(id) as AssetRow;

/** A file in a job's temp dir, as a kind would leave it. */
async function tempOutput(jobId: string, from: string): Promise<string> {
  const dir = path.join(t!.core.layout.tmp, 'jobs', jobId);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'out.png');
  copyFileSync(from, file);
  return file;
}

describe('outputs with several sources', () => {
  it('records every source with its role, and process.lineage walks the graph: init image, mask, LoRA, the job and its order', async () => {
    t = await openTestCore();
    const init = await addAsset(t.core, await makeImage(t.root, 'init.png'));
    const mask = await addAsset(t.core, await makeImage(t.root, 'mask.png'));
    const at = nowIso();
    t.core.sqlite
      .prepare(
        "INSERT INTO models (id, match_key, name, kind, created_at, updated_at) VALUES ('m-lora', 'pixelart', 'pixel-art.safetensors', 'lora', ?, ?)",
      )
      .run(at, at);
    job('order-1', 'Order: 4 castles');
    job('item-3', 'castle #3', 'order-1');
    const generated = await registerOutput(t.core, {
      source: null,
      baseName: 'castle',
      tempFile: await tempOutput('item-3', await makeImage(t.root, 'gen.png')),
      suffix: 's42',
      ext: 'png',
      provenance: 'ai_generated',
      links: [
        { role: 'init', kind: 'asset', id: init },
        { role: 'mask', kind: 'asset', id: mask },
        { role: 'lora', kind: 'model', id: 'm-lora', details: { weight: 0.8 } },
      ],
      generation: {
        prompt: 'a castle, pixel art',
        negativePrompt: 'blurry',
        seed: '42',
        model: 'dreamshaper_8',
        modelHash: 'abc123',
        params: { steps: 20, sampler: 'euler_a' },
      },
      derivation: { kind: 'generate', params: {} },
      jobId: 'item-3',
    });
    const g = row(generated);
    expect(g).toMatchObject({
      provenance: 'ai_generated',
      derived_from: init,
      prompt: 'a castle, pixel art',
      seed: '42',
      model: 'dreamshaper_8',
      filename: 'castle_s42.png',
    });

    // An upscale of it: provenance "enhanced", its source linked, its prompt kept.
    job('up-1', 'Upscale castle_s42.png ×4');
    const upscaled = await registerOutput(t.core, {
      source: g,
      tempFile: await tempOutput('up-1', g.path),
      suffix: 'x4',
      ext: 'png',
      provenance: 'enhanced',
      derivation: { kind: 'upscale', params: { scale: 4 } },
      jobId: 'up-1',
      isUpscaled: true,
    });
    expect(row(upscaled)).toMatchObject({
      provenance: 'enhanced',
      derived_from: generated,
      prompt: 'a castle, pixel art',
    });

    const lineage = await t.call('process.lineage', { assetId: upscaled });
    expect(lineage.ancestors.map((a) => a.id)).toEqual([generated, init]);
    const label = (key: string) => lineage.graph.nodes.find((n) => n.key === key)!.label;
    const edges = lineage.graph.edges.map((e) => `${label(e.from)} -${e.role}-> ${label(e.to)}`);
    expect(edges).toEqual([
      'castle_s42_x4.png -source-> castle_s42.png',
      'castle_s42_x4.png -made_by-> Upscale castle_s42.png ×4',
      'castle_s42.png -init-> init.png',
      'castle_s42.png -mask-> mask.png',
      'castle_s42.png -lora-> pixel-art.safetensors',
      'castle_s42.png -made_by-> castle #3',
      'castle #3 -part_of-> Order: 4 castles',
    ]);
    expect(lineage.graph.edges.find((e) => e.role === 'lora')!.details).toEqual({ weight: 0.8 });
    expect(lineage.graph.nodes.find((n) => n.id === init)).toMatchObject({
      kind: 'asset',
      assetType: 'image',
      exists: true,
    });

    // A source removed later stays in the history, marked as gone.
    t.core.sqlite.prepare('DELETE FROM models WHERE id = ?').run('m-lora');
    const after = await t.call('process.lineage', { assetId: generated });
    expect(after.graph.nodes.find((n) => n.key === 'model:m-lora')).toMatchObject({
      exists: false,
    });
  });

  it('the links go with the output: emptying it from the trash removes them', async () => {
    t = await openTestCore();
    const src = await addAsset(t.core, await makeImage(t.root, 'a.png'));
    job('j', 'enhance');
    const out = await registerOutput(t.core, {
      source: row(src),
      tempFile: await tempOutput('j', row(src).path),
      suffix: 'enhanced',
      ext: 'png',
      provenance: 'enhanced',
      derivation: { kind: 'enhance', params: {} },
      jobId: 'j',
    });
    expect(
      t.core.sqlite.prepare('SELECT count(*) n FROM asset_links WHERE asset_id = ?').get(out),
    ).toEqual({ n: 1 });
    t.core.sqlite.prepare('DELETE FROM assets WHERE id = ?').run(out);
    expect(t.core.sqlite.prepare('SELECT count(*) n FROM asset_links').get()).toEqual({ n: 0 });
  });
});
