import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { ComfyFake } from '../../fakes/comfyFake';
import { waitFor } from '../../helpers/waitFor';
import { tinyTensors, writeSafetensors } from '../../core/models/files/writeModelFiles';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fakeSdCli = path.resolve(here, '../../fakes/sd-cli.mjs');

/** Header-only models that the registry reads as they are: an SD 1.5 checkpoint and LoRA, an SDXL checkpoint. */
export const tensors = {
  sd15: tinyTensors([
    'cond_stage_model.transformer.text_model.embeddings.position_ids',
    'model.diffusion_model.input_blocks.0.0.weight',
    'first_stage_model.decoder.conv_in.weight',
  ]),
  sdxl: tinyTensors([
    'conditioner.embedders.1.model.ln_final.weight',
    'model.diffusion_model.label_emb.0.0.weight',
    'model.diffusion_model.input_blocks.0.0.weight',
  ]),
  loraSd15: tinyTensors([
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight',
    'lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight',
  ]),
};

/** kohya's training tags, most frequent first once summed: inkwash, ink painting, monochrome. */
export const inkwashTags = { '10_inkwash': { inkwash: 30, 'ink painting': 12, monochrome: 4 } };

export function modelDir(dataDir: string, kind: 'checkpoints' | 'loras'): string {
  const dir = path.join(dataDir, 'models', kind);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** An SD 1.5 checkpoint in <dataDir>/models/checkpoints. */
export function writeCheckpoint(dataDir: string, name: string, family: 'sd15' | 'sdxl' = 'sd15') {
  const file = path.join(modelDir(dataDir, 'checkpoints'), `${name}.safetensors`);
  writeSafetensors(file, tensors[family]);
  return file;
}

/** An SD 1.5 LoRA in <dataDir>/models/loras, with kohya's metadata (trigger words from its tags). */
export function writeLora(dataDir: string, name: string, tags: object = inkwashTags) {
  const file = path.join(modelDir(dataDir, 'loras'), `${name}.safetensors`);
  writeSafetensors(file, tensors.loraSd15, {
    ss_base_model_version: 'sd_v1',
    ss_resolution: '(512, 512)',
    ss_tag_frequency: JSON.stringify(tags),
  });
  return file;
}

/**
 * The sd-cli fake behind a tiny wrapper whose environment comes from a file read at every run, so
 * one served core can have instant runs (FAKE_SDCLI_SPEED=0) and then real-time ones (1) without
 * restarting. `exec` keeps the fake as the process the engine signals on cancel.
 */
export function sdCliWithSwitch(dir: string): {
  path: string;
  setEnv(env: Record<string, string | number>): void;
} {
  const envFile = path.join(dir, 'sd-cli.env');
  const wrapper = path.join(dir, 'sd-cli');
  const setEnv = (env: Record<string, string | number>) =>
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  setEnv({ FAKE_SDCLI_SPEED: 0 });
  writeFileSync(
    wrapper,
    `#!/bin/sh\nset -a\n. '${envFile}'\nset +a\nexec '${process.execPath}' '${fakeSdCli}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return { path: wrapper, setEnv };
}

type Api = <T>(method: string, input: unknown) => Promise<T>;

/** A ComfyUI fake added in Settings → Engines, waited on until the queue has it online. */
export async function addComfy(
  api: Api,
  opts: ConstructorParameters<typeof ComfyFake>[0] & { name: string },
): Promise<ComfyFake> {
  const fake = await new ComfyFake(opts).start();
  await api('engines.addEndpoint', { kind: 'comfyui', name: opts.name, url: fake.url });
  await waitFor(
    async () =>
      (await api<{ pools: { kind: string; online: boolean }[] }>('jobs.queueState', {})).pools.some(
        (p) => p.kind === 'comfyui' && p.online,
      ),
    20_000,
    `ComfyUI '${opts.name}' online in the queue`,
  );
  return fake;
}

export const viewports = [
  [1440, 900],
  [1280, 800],
  [1024, 700],
] as const;
export const schemes = ['light', 'dark'] as const;

/** Every scrolled box back to its top: a screenshot shows a page as it opens, not where a click left it. */
export async function scrollAllToTop(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('*')) if (el.scrollTop > 0) el.scrollTop = 0;
  });
}
