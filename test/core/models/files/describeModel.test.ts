import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  describeModelFile,
  factsFromMetadata,
  type ModelFacts,
} from '../../../../src-main/core/models/files/describeModel';
import { ModelFileError } from '../../../../src-main/core/models/files/safetensors';
import { tempDirsPerTest } from '../../../helpers/tempDir';
import { tinyTensors, writeGguf, writeSafetensors, type TensorSpec } from './writeModelFiles';

const newDir = tempDirsPerTest('atelier-describe-');
let dir: string;
beforeEach(() => {
  dir = newDir();
});

async function describeTensors(
  tensors: Record<string, TensorSpec> | string[],
  metadata?: Record<string, string>,
  name = 'model.safetensors',
): Promise<ModelFacts> {
  const file = path.join(dir, name);
  writeSafetensors(file, Array.isArray(tensors) ? tinyTensors(tensors) : tensors, metadata);
  return describeModelFile(file);
}

async function problem(file: string): Promise<string> {
  const err = await describeModelFile(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  return (err as Error).message;
}

// Names as the real files spell them (an SD1 checkpoint's come from the tiny SD1 fixture's list).
const sd1Checkpoint = [
  'cond_stage_model.transformer.text_model.embeddings.position_embedding.weight',
  'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.k_proj.weight',
  'first_stage_model.decoder.conv_in.weight',
  'first_stage_model.encoder.conv_in.weight',
  'first_stage_model.quant_conv.weight',
  'model.diffusion_model.input_blocks.0.0.weight',
  'model.diffusion_model.middle_block.1.proj_in.weight',
  'model.diffusion_model.out.2.weight',
  'model.diffusion_model.time_embed.0.weight',
];
const sdxlCheckpoint = [
  'conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.k_proj.weight',
  'conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight',
  'first_stage_model.decoder.conv_in.weight',
  'model.diffusion_model.input_blocks.0.0.weight',
  'model.diffusion_model.label_emb.0.0.weight',
];
const sd2Checkpoint = [
  'cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight',
  'first_stage_model.decoder.conv_in.weight',
  'model.diffusion_model.input_blocks.0.0.weight',
];
const fluxTransformer = [
  'double_blocks.0.img_attn.qkv.weight',
  'double_blocks.0.txt_mlp.0.weight',
  'single_blocks.0.linear1.weight',
  'img_in.weight',
  'final_layer.linear.weight',
];
const sd3Checkpoint = [
  'model.diffusion_model.joint_blocks.0.context_block.attn.qkv.weight',
  'model.diffusion_model.joint_blocks.0.x_block.mlp.fc1.weight',
  'model.diffusion_model.x_embedder.proj.weight',
  'text_encoders.clip_l.transformer.text_model.final_layer_norm.weight',
];
const wanTransformer = [
  'patch_embedding.weight',
  'blocks.0.self_attn.q.weight',
  'blocks.0.cross_attn.k.weight',
  'blocks.0.ffn.0.weight',
  'head.head.weight',
];

describe('describeModelFile: family and kind from tensor names', () => {
  const cases: [string, string[], ModelFacts['family'], ModelFacts['kind']][] = [
    ['an SD1 checkpoint', sd1Checkpoint, 'sd15', 'checkpoint'],
    ['an SDXL checkpoint', sdxlCheckpoint, 'sdxl', 'checkpoint'],
    ['an SD2 checkpoint', sd2Checkpoint, 'sd2', 'checkpoint'],
    ['a Flux transformer', fluxTransformer, 'flux', 'checkpoint'],
    [
      'a Flux checkpoint with its VAE',
      ['model.diffusion_model.double_blocks.0.img_attn.qkv.weight', 'vae.decoder.conv_in.weight'],
      'flux',
      'checkpoint',
    ],
    ['an SD3 checkpoint', sd3Checkpoint, 'sd3', 'checkpoint'],
    ['a Wan transformer', wanTransformer, 'wan', 'checkpoint'],
    [
      'an SDXL UNet on its own',
      ['input_blocks.0.0.weight', 'label_emb.0.0.weight', 'out.2.weight'],
      'sdxl',
      'checkpoint',
    ],
    [
      'HunyuanVideo (double blocks, but not Flux)',
      [
        'double_blocks.0.img_attn_qkv.weight',
        'txt_in.individual_token_refiner.blocks.0.norm1.weight',
      ],
      'unknown',
      'checkpoint',
    ],
    [
      'a kohya SD1 LoRA',
      [
        'lora_te_text_model_encoder_layers_0_self_attn_q_proj.alpha',
        'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight',
        'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight',
      ],
      'sd15',
      'lora',
    ],
    [
      'a kohya SDXL LoRA',
      [
        'lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight',
        'lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight',
        'lora_unet_input_blocks_4_1_proj_in.lora_down.weight',
      ],
      'sdxl',
      'lora',
    ],
    [
      'a kohya SDXL LoRA of the UNet only',
      [
        'lora_unet_output_blocks_0_1_proj_out.lora_up.weight',
        'lora_unet_output_blocks_0_1_proj_out.alpha',
      ],
      'sdxl',
      'lora',
    ],
    [
      'a kohya Flux LoRA',
      [
        'lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight',
        'lora_unet_single_blocks_0_linear1.lora_up.weight',
      ],
      'flux',
      'lora',
    ],
    [
      'a diffusers Flux LoRA',
      [
        'transformer.single_transformer_blocks.0.attn.to_k.lora_A.weight',
        'transformer.single_transformer_blocks.0.attn.to_k.lora_B.weight',
      ],
      'flux',
      'lora',
    ],
    [
      'a kohya SD3 LoRA',
      ['lora_unet_joint_blocks_0_x_block_attn_qkv.lora_down.weight'],
      'sd3',
      'lora',
    ],
    [
      'a Wan LoRA',
      [
        'diffusion_model.blocks.0.self_attn.q.lora_A.weight',
        'diffusion_model.blocks.0.self_attn.q.lora_B.weight',
      ],
      'wan',
      'lora',
    ],
    ['a LyCORIS LoHa', ['lora_unet_down_blocks_0_attentions_0_proj_in.hada_w1_a'], 'sd15', 'lora'],
    [
      'a VAE (ldm names)',
      [
        'encoder.conv_in.weight',
        'encoder.down.0.block.0.conv1.weight',
        'decoder.conv_in.weight',
        'decoder.up.0.block.0.conv1.weight',
        'quant_conv.weight',
        'post_quant_conv.weight',
      ],
      'unknown',
      'vae',
    ],
    [
      'a VAE pulled out of a checkpoint',
      ['first_stage_model.encoder.conv_in.weight', 'first_stage_model.decoder.conv_in.weight'],
      'unknown',
      'vae',
    ],
    [
      "Wan's VAE",
      ['conv1.weight', 'conv2.weight', 'encoder.conv1.weight', 'decoder.conv1.weight'],
      'unknown',
      'vae',
    ],
    [
      'a T5 text encoder (encoder keys, no decoder: not a VAE)',
      ['encoder.block.0.layer.0.SelfAttention.q.weight', 'shared.weight'],
      'unknown',
      null,
    ],
    [
      'Real-ESRGAN (new key style)',
      [
        'conv_first.weight',
        'body.0.rdb1.conv1.weight',
        'body.0.rdb2.conv1.weight',
        'conv_body.weight',
        'conv_up1.weight',
        'conv_hr.weight',
        'conv_last.weight',
      ],
      'unknown',
      'upscaler',
    ],
    [
      'ESRGAN (old key style)',
      ['model.0.weight', 'model.1.sub.0.RDB1.conv1.0.weight', 'model.3.weight', 'model.8.weight'],
      'unknown',
      'upscaler',
    ],
    [
      'Real-ESRGAN compact',
      ['body.0.weight', 'body.0.bias', 'body.1.weight', 'body.2.weight', 'body.2.bias'],
      'unknown',
      'upscaler',
    ],
    [
      'a ControlNet (UNet input blocks, but no image of its own)',
      ['control_model.input_blocks.0.0.weight', 'control_model.zero_convs.0.0.weight'],
      'unknown',
      null,
    ],
    [
      'DiT-like blocks without a patch embedding (not enough to call it Wan)',
      ['blocks.0.self_attn.q.weight', 'blocks.0.norm.weight'],
      'unknown',
      null,
    ],
  ];
  for (const [what, names, family, kind] of cases) {
    it(`${what}: ${family}, ${String(kind)}`, async () => {
      const facts = await describeTensors(names);
      expect(facts.family).toBe(family);
      expect(facts.kind).toBe(kind);
      expect(facts.format).toBe('safetensors');
      expect(facts.tensorCount).toBe(names.length);
    });
  }

  it('tells SD1, SD2 and SDXL LoRAs apart by the cross-attention width', async () => {
    const lora = (width: number) => ({
      'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.lora.down.weight': {
        dtype: 'F16',
        shape: [4, width],
      },
      'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.lora.up.weight': {
        dtype: 'F16',
        shape: [640, 4],
      },
    });
    expect((await describeTensors(lora(768), undefined, 'a.safetensors')).family).toBe('sd15');
    expect((await describeTensors(lora(1024), undefined, 'b.safetensors')).family).toBe('sd2');
    expect((await describeTensors(lora(2048), undefined, 'c.safetensors')).family).toBe('sdxl');
    expect((await describeTensors(lora(999), undefined, 'd.safetensors')).family).toBe('unknown');
  });

  it('tells an SD2 kohya LoRA from an SD1 one by its text encoder width', async () => {
    const facts = await describeTensors({
      'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': {
        dtype: 'F16',
        shape: [4, 1024],
      },
    });
    expect(facts.family).toBe('sd2');
  });
});

describe('describeModelFile: what the metadata says', () => {
  it('believes modelspec.architecture over the tensor names, and keeps it', async () => {
    const facts = await describeTensors(sd1Checkpoint, {
      'modelspec.architecture': 'stable-diffusion-xl-v1-base',
    });
    expect(facts.family).toBe('sdxl');
    expect(facts.architecture).toBe('stable-diffusion-xl-v1-base');
    expect(facts.baseModel).toBe('SDXL 1.0');
  });

  it('maps every modelspec architecture to its family and a readable base model', async () => {
    const cases: [string, ModelFacts['family'], string][] = [
      ['stable-diffusion-v1', 'sd15', 'SD 1.x'],
      ['stable-diffusion-v2-768-v', 'sd2', 'SD 2.x (768, v-prediction)'],
      ['stable-diffusion-v2-512', 'sd2', 'SD 2.x'],
      ['stable-diffusion-xl-v1-refiner', 'sdxl', 'SDXL 1.0 Refiner'],
      ['stable-diffusion-3-medium', 'sd3', 'SD 3 Medium'],
      ['stable-diffusion-3.5-large/lora', 'sd3', 'SD 3.5 Large'],
      ['stable-diffusion-v3-medium', 'sd3', 'SD 3 Medium'],
      ['flux-1-dev/lora', 'flux', 'Flux.1 Dev'],
      ['flux-1-schnell', 'flux', 'Flux.1 Schnell'],
      ['wan-2.1-t2v-14b', 'wan', 'wan-2.1-t2v-14b'],
      ['some-new-model', 'unknown', 'some-new-model'],
    ];
    for (const [architecture, family, baseModel] of cases) {
      const facts = await describeTensors(['x.weight'], {
        'modelspec.architecture': architecture,
      });
      expect([architecture, facts.family, facts.baseModel]).toEqual([
        architecture,
        family,
        baseModel,
      ]);
    }
  });

  it('uses ss_base_model_version when there is no modelspec', async () => {
    const cases: [string, ModelFacts['family'], string][] = [
      ['sd_v1', 'sd15', 'SD 1.x'],
      ['sd_v2', 'sd2', 'SD 2.x'],
      ['sd_v2_768_v', 'sd2', 'SD 2.x (v-prediction)'],
      ['sdxl_base_v1-0', 'sdxl', 'SDXL 1.0'],
      ['flux1', 'flux', 'Flux.1'],
      ['sd3', 'sd3', 'SD 3'],
    ];
    for (const [version, family, baseModel] of cases) {
      const facts = await describeTensors(['lora_unet_x.lora_down.weight'], {
        ss_base_model_version: version,
      });
      expect([version, facts.family, facts.baseModel]).toEqual([version, family, baseModel]);
    }
  });

  it('a modelspec LoRA architecture makes a file a LoRA when its names say nothing', async () => {
    const facts = await describeTensors(['emb.weight'], {
      'modelspec.architecture': 'stable-diffusion-v1/lora',
    });
    expect(facts.kind).toBe('lora');
    expect(facts.family).toBe('sd15');
  });

  it("reads a kohya LoRA's training record: base model, resolution, trigger words, title", async () => {
    const tagFrequency = JSON.stringify({
      '10_ohwx man': { 'ohwx man': 30, ' smiling': 5, beard: 12 },
      '1_reg': { man: 20, smiling: 10, 'ohwx man': 2, '': 99, odd: 'x' },
    });
    const facts = await describeTensors(
      ['lora_te1_x.lora_down.weight', 'lora_te2_x.lora_down.weight'],
      {
        ss_output_name: 'ohwx-portrait',
        ss_base_model_version: 'sdxl_base_v1-0',
        ss_sd_model_name: '/content/models/ponyDiffusionV6XL_v6.safetensors',
        ss_resolution: '(1024, 768)',
        ss_tag_frequency: tagFrequency,
        ss_network_dim: '16',
      },
    );
    expect(facts).toMatchObject({
      kind: 'lora',
      family: 'sdxl',
      architecture: null,
      baseModel: 'SDXL 1.0 (ponyDiffusionV6XL_v6)',
      resolution: '1024x768',
      triggerWords: ['ohwx man', 'man', 'smiling', 'beard'],
      title: 'ohwx-portrait',
      description: null,
    });
    expect(facts.metadata.ss_network_dim).toBe('16');
    expect(facts.metadata.ss_tag_frequency).toBe(tagFrequency);
  });

  it('puts the modelspec trigger phrase first and keeps at most 20 words', async () => {
    const tags = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`tag${i}`, 100 - i]));
    const facts = await describeTensors(['lora_unet_x.lora_down.weight'], {
      'modelspec.trigger_phrase': 'sks dog, Tag3 ',
      'modelspec.title': 'Sks Dog',
      'modelspec.description': 'A dog LoRA',
      ss_output_name: 'sks_dog_v1',
      ss_tag_frequency: JSON.stringify({ '5_dog': tags }),
    });
    expect(facts.triggerWords).toHaveLength(20);
    expect(facts.triggerWords.slice(0, 5)).toEqual(['sks dog', 'Tag3', 'tag0', 'tag1', 'tag2']);
    expect(facts.triggerWords).not.toContain('tag3'); // the same word as the phrase's "Tag3"
    expect(facts.triggerWords.at(-1)).toBe('tag18');
    expect(facts.title).toBe('Sks Dog');
    expect(facts.description).toBe('A dog LoRA');
  });

  it('shrugs at a tag table that is not JSON', async () => {
    const facts = await describeTensors(['lora_unet_x.lora_down.weight'], {
      ss_tag_frequency: '{"5_dog": {"dog": 3',
    });
    expect(facts.triggerWords).toEqual([]);
  });

  it('reads resolutions however they are written', async () => {
    const cases: [Record<string, string>, string | null][] = [
      [{ ss_resolution: '(512, 512)' }, '512x512'],
      [{ ss_resolution: '768' }, '768x768'],
      [{ ss_resolution: '[1024,1024]' }, '1024x1024'],
      [{ 'modelspec.resolution': '1024x1024', ss_resolution: '(512, 512)' }, '1024x1024'],
      [{ ss_resolution: 'None' }, null],
      [{}, null],
    ];
    for (const [meta, resolution] of cases) {
      const facts = await describeTensors(['lora_unet_x.lora_down.weight'], meta);
      expect([meta, facts.resolution]).toEqual([meta, resolution]);
    }
  });

  it('names the base model by its Hugging Face id when kohya recorded one', async () => {
    const facts = await describeTensors(['lora_unet_x.lora_down.weight'], {
      ss_base_model_version: 'sd_v1',
      ss_sd_model_name: 'runwayml/stable-diffusion-v1-5',
    });
    expect(facts.baseModel).toBe('SD 1.x (runwayml/stable-diffusion-v1-5)');
    const windows = await describeTensors(['lora_unet_x.lora_down.weight'], {
      ss_sd_model_name: 'C:\\sd\\models\\dreamshaper_8.ckpt',
    });
    expect(windows.baseModel).toBe('dreamshaper_8');
  });

  it('caps metadata values at 4 KB and leaves out tag tables over 64 KB', async () => {
    const bigTags = JSON.stringify({
      '1_x': Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`tag number ${i}`, i])),
    });
    expect(bigTags.length).toBeGreaterThan(64 * 1024);
    const dirs = JSON.stringify({ a: 'b'.repeat(10_000) });
    const thumbnail = `data:image/jpeg;base64,${'A'.repeat(20_000)}`;
    const facts = await describeTensors(['lora_unet_x.lora_down.weight'], {
      ss_training_comment: 'c'.repeat(10_000),
      ss_tag_frequency: bigTags,
      ss_dataset_dirs: dirs,
      'modelspec.thumbnail': thumbnail,
    });
    expect(facts.metadata['modelspec.thumbnail']).toBe(thumbnail);
    expect(facts.metadata.ss_training_comment).toHaveLength(4096);
    expect(facts.metadata.ss_training_comment?.endsWith('c…')).toBe(true);
    expect(facts.metadata).not.toHaveProperty('ss_tag_frequency');
    expect(facts.metadata.ss_dataset_dirs).toBe(dirs); // whole: cutting JSON would break it
    expect(facts.triggerWords[0]).toBe('tag number 4999'); // still read from the big table
  });

  it('reads .sft files as safetensors', async () => {
    const facts = await describeTensors(fluxTransformer, undefined, 'flux1-dev.sft');
    expect(facts).toMatchObject({ format: 'safetensors', family: 'flux', kind: 'checkpoint' });
  });
});

describe('factsFromMetadata (a header an engine server hands over, without tensor names)', () => {
  it('reads family, kind and training record from the metadata alone', () => {
    const facts = factsFromMetadata({
      'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora',
      ss_output_name: 'inkwash',
      ss_resolution: '(1024, 1024)',
      ss_tag_frequency: JSON.stringify({ '8_ink': { 'ink wash': 40, mountains: 9 } }),
      ss_num_epochs: 10 as unknown as string, // a server may send numbers; kept as text
    });
    expect(facts).toMatchObject({
      format: 'safetensors',
      kind: 'lora',
      family: 'sdxl',
      baseModel: 'SDXL 1.0',
      resolution: '1024x1024',
      triggerWords: ['ink wash', 'mountains'],
      title: 'inkwash',
      tensorCount: 0,
    });
    expect(facts.metadata.ss_num_epochs).toBe('10');
  });

  it('says nothing it does not know', () => {
    expect(factsFromMetadata({})).toMatchObject({ kind: null, family: 'unknown', baseModel: null });
  });
});

describe('describeModelFile: GGUF', () => {
  it('takes the family from general.architecture and the kind from the tensor names', async () => {
    const file = path.join(dir, 'flux1-dev-Q4_K_S.gguf');
    writeGguf(
      file,
      {
        'general.architecture': 'flux',
        'general.name': 'FLUX.1 dev',
        'general.description': 'quantised',
        'general.quantization_version': 2,
        'general.base_model.0.name': 'FLUX.1 [dev]',
        'test.list': ['a', 'b'],
        'test.long': Array.from({ length: 100 }, (_, i) => i),
      },
      {
        'double_blocks.0.img_attn.qkv.weight': { dims: [256, 768], type: 12 },
        'single_blocks.0.linear1.weight': { dims: [256, 32], type: 8 },
      },
    );
    const facts = await describeModelFile(file);
    expect(facts).toEqual({
      format: 'gguf',
      kind: 'checkpoint',
      family: 'flux',
      architecture: 'flux',
      baseModel: 'FLUX.1 [dev]',
      resolution: null,
      triggerWords: [],
      title: 'FLUX.1 dev',
      description: 'quantised',
      metadata: {
        'general.architecture': 'flux',
        'general.name': 'FLUX.1 dev',
        'general.description': 'quantised',
        'general.quantization_version': '2',
        'general.base_model.0.name': 'FLUX.1 [dev]',
        'test.list': '["a","b"]',
        'test.long': '[100 items]',
      },
      tensorCount: 2,
    } satisfies ModelFacts);
  });

  it('maps the GGUF architecture names of sd.cpp and ComfyUI-GGUF', async () => {
    const cases: [string, ModelFacts['family']][] = [
      ['sd1', 'sd15'],
      ['sdxl', 'sdxl'],
      ['sd3', 'sd3'],
      ['wan', 'wan'],
      ['llama', 'unknown'],
    ];
    for (const [arch, family] of cases) {
      const file = path.join(dir, `${arch}.gguf`);
      writeGguf(file, { 'general.architecture': arch }, { 'x.weight': { dims: [4] } });
      expect([arch, (await describeModelFile(file)).family]).toEqual([arch, family]);
    }
  });

  it('falls back on tensor names, and says nothing about a language model', async () => {
    const sd = path.join(dir, 'sd15-q8.gguf');
    writeGguf(sd, {}, Object.fromEntries(sd1Checkpoint.map((n) => [n, { dims: [4] }])));
    expect(await describeModelFile(sd)).toMatchObject({ family: 'sd15', kind: 'checkpoint' });

    const llm = path.join(dir, 'llama.gguf');
    writeGguf(
      llm,
      { 'general.architecture': 'llama' },
      { 'token_embd.weight': { dims: [8, 4] }, 'blk.0.attn_q.weight': { dims: [8, 8] } },
    );
    expect(await describeModelFile(llm)).toMatchObject({
      family: 'unknown',
      kind: null,
      architecture: 'llama',
    });
  });
});

describe('describeModelFile: pickle files are checked, never opened', () => {
  /** The first local header of a zip holding `name`: all the checker looks at. */
  function zipStart(name: string): Buffer {
    const h = Buffer.alloc(30);
    h.write('PK\x03\x04', 0, 'latin1');
    h.writeUInt16LE(Buffer.byteLength(name), 26);
    return Buffer.concat([h, Buffer.from(name), Buffer.alloc(64)]);
  }

  it('accepts a torch zip and a bare pickle, and says nothing more about them', async () => {
    const ckpt = path.join(dir, 'v1-5-pruned.ckpt');
    writeFileSync(ckpt, zipStart('archive/data.pkl'));
    expect(await describeModelFile(ckpt)).toEqual({
      format: 'ckpt',
      kind: null,
      family: 'unknown',
      architecture: null,
      baseModel: null,
      resolution: null,
      triggerWords: [],
      title: null,
      description: null,
      metadata: {},
      tensorCount: 0,
    } satisfies ModelFacts);

    const pt = path.join(dir, 'embedding.pt');
    writeFileSync(pt, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00]));
    expect((await describeModelFile(pt)).format).toBe('pt');

    const pth = path.join(dir, '4x-UltraSharp.PTH');
    writeFileSync(pth, zipStart('4x-UltraSharp/data.pkl'));
    expect((await describeModelFile(pth)).format).toBe('pth');

    const bin = path.join(dir, 'diffusion_pytorch_model.bin');
    writeFileSync(bin, Buffer.from([0x80, 0x04, 0x95]));
    expect((await describeModelFile(bin)).format).toBe('bin');
  });

  it('says what a file under a pickle name really is', async () => {
    const cases: [string, Buffer, string][] = [
      ['empty.ckpt', Buffer.alloc(0), 'empty file (0 bytes): not a model'],
      [
        'photo.pth',
        Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 0x43]),
        'not a model: it starts like a JPEG image',
      ],
      [
        'render.pt',
        Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(16)]),
        'not a model: it starts like a PNG image',
      ],
      [
        'model.bin',
        Buffer.from('<!doctype html>\n<html lang="en">'),
        'not a model: it starts like a web page (HTML): the download probably saved a sign-in or error page',
      ],
      [
        'readme.ckpt',
        Buffer.from('This model is licensed under…\n'),
        'not a model: it starts like a text file',
      ],
      [
        'pack.ckpt',
        zipStart('images/photo.png'),
        'not a model: it is a zip archive (its first file is "images/photo.png"), not a PyTorch checkpoint',
      ],
      [
        'noise.pth',
        Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05]),
        'not a model: it is neither a PyTorch checkpoint nor a pickle',
      ],
      [
        'flux.bin',
        Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(20)]),
        'a GGUF model named .bin: rename it to .gguf',
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      expect(await problem(file), name).toBe(message);
    }
    const renamed = path.join(dir, 'lora.ckpt');
    writeSafetensors(renamed, tinyTensors(['lora_unet_x.lora_down.weight']));
    expect(await problem(renamed)).toBe(
      'a safetensors model named .ckpt: rename it to .safetensors',
    );
  });
});

describe('describeModelFile: refusals', () => {
  it('refuses extensions it does not read', async () => {
    const onnx = path.join(dir, 'model.onnx');
    writeFileSync(onnx, 'x');
    expect(await problem(onnx)).toBe(
      'not a model file type (.onnx): model files end in .safetensors, .gguf, .ckpt, .pt, .pth or .bin',
    );
    const bare = path.join(dir, 'model');
    writeFileSync(bare, 'x');
    expect(await problem(bare)).toBe(
      'no file extension: model files end in .safetensors, .gguf, .ckpt, .pt, .pth or .bin',
    );
  });

  it("passes on the readers' reasons", async () => {
    const jpg = path.join(dir, 'cover.safetensors');
    writeFileSync(jpg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]));
    expect(await problem(jpg)).toBe('not a safetensors file: it starts like a JPEG image');
    const txt = path.join(dir, 'notes.gguf');
    writeFileSync(txt, 'remember to download the VAE too\n');
    expect(await problem(txt)).toBe('not a GGUF file: it starts like a text file');
  });
});
