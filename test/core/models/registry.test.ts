import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/core/api/host';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tinyTensors, writeSafetensors } from './files/writeModelFiles';

const sd15 = tinyTensors([
  'cond_stage_model.transformer.text_model.embeddings.position_ids',
  'model.diffusion_model.input_blocks.0.0.weight',
  'first_stage_model.decoder.conv_in.weight',
]);
const sdxl = tinyTensors([
  'conditioner.embedders.1.model.ln_final.weight',
  'model.diffusion_model.label_emb.0.0.weight',
  'model.diffusion_model.input_blocks.0.0.weight',
]);
const loraSd15 = tinyTensors([
  'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight',
  'lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight',
]);

let t: TestCore;
let models: string;
beforeEach(async () => {
  t = await openTestCore();
  models = path.join(t.dataDir, 'models');
});
afterEach(() => t.close());

async function runJobs(): Promise<void> {
  const runner = await new JobRunner(t.core, { ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
}

describe('models registry', () => {
  it('scans the model folders: kind, family, trigger words, problems in words; hashes in the background', async () => {
    writeSafetensors(path.join(models, 'checkpoints', 'dreamy_v2.safetensors'), sd15, {
      'modelspec.title': 'Dreamy',
    });
    mkdirSync(path.join(models, 'checkpoints', 'SDXL'));
    writeSafetensors(path.join(models, 'checkpoints', 'SDXL', 'juggernautXL.safetensors'), sdxl);
    writeSafetensors(path.join(models, 'loras', 'inkwash.safetensors'), loraSd15, {
      ss_base_model_version: 'sd_v1',
      ss_resolution: '(512, 512)',
      ss_tag_frequency: JSON.stringify({
        '10_inkwash': { inkwash: 30, 'ink painting': 12, monochrome: 4 },
      }),
    });
    writeFileSync(
      path.join(models, 'checkpoints', 'notes.safetensors'),
      'these are my notes, not a model',
    );

    const summary = await t.call('models.scan', {});
    expect(summary.files).toBe(4);
    expect(summary.models).toBe(3);
    expect(summary.added).toBe(3);
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]!.path).toMatch(/notes\.safetensors$/);
    expect(summary.problems[0]!.problem).toMatch(/not a safetensors|text/i);

    const checkpoints = await t.call('models.list', { kind: 'checkpoint', limit: 100 });
    expect(checkpoints.map((m) => [m.name, m.family]).sort()).toEqual([
      ['dreamy_v2', 'sd15'],
      ['juggernautXL', 'sdxl'],
    ]);
    const lora = await t.call('models.get', { ref: 'inkwash.safetensors' });
    expect(lora.kind).toBe('lora');
    expect(lora.family).toBe('sd15');
    expect(lora.resolution).toBe('512x512');
    expect(lora.triggerWords.slice(0, 2)).toEqual(['inkwash', 'ink painting']);
    expect(lora.triggerToken).toBe('inkwash');
    expect(lora.files).toEqual([
      expect.objectContaining({ location: 'local', locationLabel: 'this computer', problem: null }),
    ]);
    expect(lora.autov2).toBeNull();

    // The hash job fills in SHA-256 and A1111's AutoV2 (its first 10 hex digits).
    await runJobs();
    const file = path.join(models, 'loras', 'inkwash.safetensors');
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    const hashed = await t.call('models.get', { ref: 'inkwash' });
    expect(hashed.autov2).toBe(sha.slice(0, 10));
    expect(hashed.hashes).toContain(sha);
    expect((await t.call('models.get', { ref: sha.slice(0, 10) })).name).toBe('inkwash');
    const sdxlOnly = await t.call('models.list', { family: 'sdxl', limit: 10 });
    expect(sdxlOnly.map((m) => m.name)).toEqual(['juggernautXL']);
    const problems = await t.call('models.files', { problemsOnly: true });
    expect(problems.map((f) => path.basename(f.path))).toEqual(['notes.safetensors']);
  });

  it('a warm rescan reads nothing again; a changed file is re-read and re-hashed; a removed one is forgotten', async () => {
    const file = path.join(models, 'checkpoints', 'base.safetensors');
    writeSafetensors(file, sd15);
    await t.call('models.scan', {});
    await runJobs();
    const warm = await t.call('models.scan', {});
    expect(warm.changed).toBe(0);
    expect(warm.added).toBe(0);
    expect((await t.call('models.get', { ref: 'base' })).autov2).not.toBeNull();

    writeSafetensors(file, sdxl);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const again = await t.call('models.scan', {});
    expect(again.changed).toBe(1);
    const changed = await t.call('models.get', { ref: 'base' });
    expect(changed.family).toBe('sdxl');
    expect(changed.files[0]!.path).toBe(file);

    rmSync(file);
    await t.call('models.scan', {});
    const gone = await t.call('models.get', { ref: 'base' });
    expect(gone.files).toEqual([]);
    expect(await t.call('models.list', { available: true, limit: 10 })).toEqual([]);
  });

  it('what the creator edits survives rescans, and a license set on a name covers the file found later', async () => {
    await t.call('models.setLicense', {
      name: 'SDXL/fancy.safetensors',
      nonCommercial: true,
      licenseNote: 'CreativeML NC',
    });
    writeSafetensors(path.join(models, 'checkpoints', 'Fancy.safetensors'), sdxl, {
      'modelspec.description': 'From the file',
    });
    await t.call('models.scan', {});
    let m = await t.call('models.get', { ref: 'fancy' });
    expect(m.nonCommercial).toBe(true);
    expect(m.licenseNote).toBe('CreativeML NC');
    expect(m.description).toBe('From the file');
    m = await t.call('models.update', {
      ref: 'fancy',
      triggerToken: 'fcy',
      description: 'Mine now',
    });
    expect(m.triggerToken).toBe('fcy');
    const file = path.join(models, 'checkpoints', 'Fancy.safetensors');
    utimesSync(file, new Date(), new Date(Date.now() + 9000));
    await t.call('models.scan', {});
    m = await t.call('models.get', { ref: 'fancy' });
    expect(m.triggerToken).toBe('fcy');
    expect(m.description).toBe('Mine now');
    expect(m.nonCommercial).toBe(true);
  });

  it('an unknown model is refused with the closest names', async () => {
    writeSafetensors(path.join(models, 'checkpoints', 'juggernautXL_v9.safetensors'), sdxl);
    await t.call('models.scan', {});
    const r = await t.api.invoke('generate.start', { model: 'juggernaut', prompt: 'a fox' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not_found');
      expect(r.error.message).toContain('Did you mean juggernautXL_v9?');
    }
    const r2 = await t.api.invoke('generate.start', { model: 'nothing-like-it', prompt: 'a fox' });
    expect(!r2.ok && r2.error.message).toContain('Known: juggernautXL_v9');
  });
});
