import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src-main/contract/errors';
import {
  buildComfyGraph,
  COMFY_SAMPLERS,
  COMFY_SCHEDULERS,
  comfySamplerName,
  comfySamplerScheduler,
  comfySchedulerName,
  listWorkflowTemplates,
  loadWorkflowTemplate,
  validateWorkflowTemplate,
  type ComfyGraph,
  type ComfyGraphInput,
} from '../../../../src-main/core/generate/comfy/workflowTemplate';
import { tempDirsPerTest } from '../../../helpers/tempDir';

const recordings = path.join(__dirname, '../../../fixtures/engines/recordings/comfyui');
const newDir = tempDirsPerTest('atelier-workflows-');

/** The graph a recorded POST /prompt sent. */
function recordedPrompt(file: string): ComfyGraph {
  const raw = readFileSync(path.join(recordings, 'http', file), 'utf8');
  const body = raw.slice(
    raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n'),
  );
  return (JSON.parse(body.trim()) as { prompt: ComfyGraph }).prompt;
}

/** `_meta` is for ComfyUI's editor only: the server neither reads nor validates it. */
function withoutMeta(g: ComfyGraph): ComfyGraph {
  return Object.fromEntries(
    Object.entries(g).map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]),
  );
}

/** What the recordings ran: seed 5, 2 steps, 64×64, euler/normal, tiny-sd15. */
const recorded: ComfyGraphInput = {
  checkpoint: 'tiny-sd15.safetensors',
  prompt: 'a red fox in the snow',
  negative: 'blurry',
  width: 64,
  height: 64,
  steps: 2,
  cfg: 7,
  sampler: 'euler',
  scheduler: 'normal',
  seed: 5,
  loras: [],
  filenamePrefix: 'atelier_test',
  batchSize: 1,
};

function expectInvalid(fn: () => unknown, message: string) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('invalid_input');
  expect((err as AppError).message).toEqual(message);
}

describe('shipped workflow templates', () => {
  it('every template in resources/workflows loads and validates', () => {
    const names = listWorkflowTemplates();
    expect(names).toEqual(expect.arrayContaining(['img2img', 'txt2img', 'upscale', 'wan-video']));
    for (const name of names) {
      const t = loadWorkflowTemplate(name);
      expect(t.name).toBe(name);
      expect(t.outputs.length).toBeGreaterThan(0);
    }
  });

  it('declares the parameters each kind needs', () => {
    const keys = (n: string) => Object.keys(loadWorkflowTemplate(n).patch).sort();
    expect(keys('txt2img')).toEqual(
      [
        'batchSize',
        'cfg',
        'checkpoint',
        'filenamePrefix',
        'height',
        'negative',
        'prompt',
        'sampler',
        'scheduler',
        'seed',
        'steps',
        'width',
      ].sort(),
    );
    expect(keys('img2img')).toContain('initImage');
    expect(keys('img2img')).toContain('denoise');
    expect(keys('upscale')).toEqual(['filenamePrefix', 'initImage', 'upscaleModel']);
    expect(keys('wan-video')).toEqual(
      expect.arrayContaining(['unet', 'clip', 'vae', 'frames', 'fps', 'flowShift']),
    );
    expect(loadWorkflowTemplate('wan-video').kind).toBe('video');
    expect(loadWorkflowTemplate('upscale').lora).toBeUndefined();
  });

  it('txt2img with the recorded values is exactly the graph the real ComfyUI ran', () => {
    const fixture = JSON.parse(
      readFileSync(path.join(recordings, 'graph-txt2img.json'), 'utf8'),
    ) as ComfyGraph;
    const { graph, outputNodeIds } = buildComfyGraph(loadWorkflowTemplate('txt2img'), recorded);
    expect(withoutMeta(graph)).toStrictEqual(fixture);
    expect(withoutMeta(graph)).toStrictEqual(recordedPrompt('10-success-prompt.request'));
    expect(outputNodeIds).toEqual(['9']);
  });

  it('is pure: the template is not changed and absent parameters keep its values', () => {
    const t = loadWorkflowTemplate('txt2img');
    const before = structuredClone(t);
    const { graph } = buildComfyGraph(t, {
      prompt: 'p',
      negative: '',
      width: 768,
      height: 512,
      steps: 4,
      cfg: 3,
      seed: 9,
      loras: [{ name: 'a.safetensors', weight: 1 }],
      filenamePrefix: 'x',
    });
    expect(t).toStrictEqual(before);
    expect(graph['4']!.inputs.ckpt_name).toBe(t.graph['4']!.inputs.ckpt_name);
    expect(graph['3']!.inputs.sampler_name).toBe('euler');
    expect(graph['3']!.inputs.scheduler).toBe('normal');
    expect(graph['5']!.inputs).toMatchObject({ width: 768, height: 512, batch_size: 1 });
  });

  it('img2img takes the uploaded image, scales it to the asked size and uses denoise', () => {
    const { graph } = buildComfyGraph(loadWorkflowTemplate('img2img'), {
      ...recorded,
      initImage: 'atelier-init-1.png',
      denoise: 0.4,
      width: 512,
      height: 768,
      sampler: 'DPM++ 2M Karras',
      scheduler: undefined,
    });
    expect(graph['10']).toMatchObject({
      class_type: 'LoadImage',
      inputs: { image: 'atelier-init-1.png' },
    });
    expect(graph['11']!.inputs).toMatchObject({ width: 512, height: 768, image: ['10', 0] });
    expect(graph['3']!.inputs).toMatchObject({
      denoise: 0.4,
      sampler_name: 'dpmpp_2m',
      scheduler: 'karras',
      latent_image: ['12', 0],
    });
  });

  it('img2img without an init image, or an init image for txt2img, is refused', () => {
    expectInvalid(
      () => buildComfyGraph(loadWorkflowTemplate('img2img'), recorded),
      "workflow template 'img2img': needs an init image (upload it and pass its name as initImage)",
    );
    expectInvalid(
      () => buildComfyGraph(loadWorkflowTemplate('txt2img'), { ...recorded, initImage: 'x.png' }),
      "workflow template 'txt2img': takes no 'initImage' (it declares: checkpoint, prompt, negative, width, height, batchSize, steps, cfg, sampler, scheduler, seed, filenamePrefix)",
    );
  });

  it('upscale: LoadImage → UpscaleModelLoader/ImageUpscaleWithModel → SaveImage', () => {
    const { graph, outputNodeIds } = buildComfyGraph(loadWorkflowTemplate('upscale'), {
      ...recorded,
      checkpoint: undefined,
      initImage: 'in.png',
      upscaleModel: '4x-UltraSharp.pth',
      filenamePrefix: 'atelier/up',
    });
    expect(withoutMeta(graph)).toStrictEqual({
      '1': { class_type: 'LoadImage', inputs: { image: 'in.png' } },
      '2': { class_type: 'UpscaleModelLoader', inputs: { model_name: '4x-UltraSharp.pth' } },
      '3': {
        class_type: 'ImageUpscaleWithModel',
        inputs: { upscale_model: ['2', 0], image: ['1', 0] },
      },
      '4': { class_type: 'SaveImage', inputs: { filename_prefix: 'atelier/up', images: ['3', 0] } },
    });
    expect(outputNodeIds).toEqual(['4']);
  });

  it('wan-video patches the split model files, frames, fps and shift; LoRAs go on the model only', () => {
    const t = loadWorkflowTemplate('wan-video');
    const { graph, outputNodeIds } = buildComfyGraph(t, {
      ...recorded,
      checkpoint: undefined,
      unet: 'wan2.1_t2v_14B_fp8_e4m3fn.safetensors',
      clip: 'umt5_xxl_fp16.safetensors',
      vae: 'wan_2.1_vae.safetensors',
      width: 832,
      height: 480,
      frames: 81,
      fps: 16,
      flowShift: 5,
      sampler: 'euler_a',
      loras: [{ name: 'wan/motion.safetensors', weight: 0.7 }],
    });
    expect(graph['37']!.inputs.unet_name).toBe('wan2.1_t2v_14B_fp8_e4m3fn.safetensors');
    expect(graph['38']!.inputs).toMatchObject({
      clip_name: 'umt5_xxl_fp16.safetensors',
      type: 'wan',
    });
    expect(graph['40']).toMatchObject({
      class_type: 'EmptyHunyuanLatentVideo',
      inputs: { width: 832, height: 480, length: 81 },
    });
    expect(graph['48']!.inputs.shift).toBe(5);
    expect(graph['28']).toMatchObject({
      class_type: 'SaveWEBM',
      inputs: { fps: 16, filename_prefix: 'atelier_test' },
    });
    expect(graph['3']!.inputs.sampler_name).toBe('euler_ancestral');
    expect(graph['49']).toStrictEqual({
      class_type: 'LoraLoaderModelOnly',
      inputs: { model: ['37', 0], lora_name: 'wan/motion.safetensors', strength_model: 0.7 },
    });
    expect(graph['48']!.inputs.model).toEqual(['49', 0]);
    // The text encoder is untouched.
    expect(graph['6']!.inputs.clip).toEqual(['38', 0]);
    expect(outputNodeIds).toEqual(['28']);
    // A checkpoint is not how Wan loads: refused rather than ignored.
    expectInvalid(
      () => buildComfyGraph(t, { ...recorded, unet: 'w.safetensors' }),
      expect.stringContaining("workflow template 'wan-video': takes no 'checkpoint'") as never,
    );
  });
});

describe('LoRA chain', () => {
  it('two LoRAs: the first reads the checkpoint, the last feeds the sampler and both prompts', () => {
    const { graph } = buildComfyGraph(loadWorkflowTemplate('txt2img'), {
      ...recorded,
      loras: [
        { name: 'style/foo.safetensors', weight: 0.8 },
        { name: 'bar.safetensors', weight: -0.5 },
      ],
    });
    expect(graph['10']).toStrictEqual({
      class_type: 'LoraLoader',
      inputs: {
        model: ['4', 0],
        clip: ['4', 1],
        lora_name: 'style/foo.safetensors',
        strength_model: 0.8,
        strength_clip: 0.8,
      },
    });
    expect(graph['11']).toStrictEqual({
      class_type: 'LoraLoader',
      inputs: {
        model: ['10', 0],
        clip: ['10', 1],
        lora_name: 'bar.safetensors',
        strength_model: -0.5,
        strength_clip: -0.5,
      },
    });
    expect(graph['3']!.inputs.model).toEqual(['11', 0]);
    expect(graph['6']!.inputs.clip).toEqual(['11', 1]);
    expect(graph['7']!.inputs.clip).toEqual(['11', 1]);
    // The VAE still comes from the checkpoint.
    expect(graph['8']!.inputs.vae).toEqual(['4', 2]);
    // Nothing else points at the checkpoint's MODEL or CLIP any more.
    const links = Object.entries(graph)
      .filter(([id]) => id !== '10')
      .flatMap(([, n]) => Object.values(n.inputs))
      .filter((v) => Array.isArray(v) && v[0] === '4');
    expect(links).toEqual([['4', 2]]);
  });

  it('one LoRA gives the graph the real ComfyUI ran with a LoRA (up to the new node id)', () => {
    const { graph } = buildComfyGraph(loadWorkflowTemplate('txt2img'), {
      ...recorded,
      seed: 77,
      loras: [{ name: 'tiny-style.safetensors', weight: 0.8 }],
    });
    // The recorder numbered its LoraLoader 20; the builder takes max id + 1.
    const sent = JSON.stringify(recordedPrompt('15-lora-prompt.request')).replaceAll(
      '"20"',
      '"10"',
    );
    expect(withoutMeta(graph)).toStrictEqual(JSON.parse(sent));
  });

  it('new ids never collide with the graph’s, numeric or not', () => {
    const t = validateWorkflowTemplate(
      {
        name: 'odd',
        description: '',
        kind: 'txt2img',
        graph: {
          '2': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a' } },
          '17': { class_type: 'KSampler', inputs: { model: ['2', 0] } },
          abc: { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['2', 1] } },
          '18': { class_type: 'SaveImage', inputs: { images: ['17', 0] } },
        },
        patch: {},
        lora: { insertAfter: { model: ['2', 0], clip: ['2', 1] } },
        outputs: ['18'],
      },
      'odd',
    );
    const { graph } = buildComfyGraph(t, {
      ...recorded,
      checkpoint: undefined,
      loras: [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 1 },
      ],
    });
    expect(Object.keys(graph).sort()).toEqual(['17', '18', '19', '2', '20', 'abc']);
    expect(graph['17']!.inputs.model).toEqual(['20', 0]);
    expect(graph.abc!.inputs.clip).toEqual(['20', 1]);
  });

  it('a LoRA on a template without a "lora" insertion point is refused', () => {
    expectInvalid(
      () =>
        buildComfyGraph(loadWorkflowTemplate('upscale'), {
          ...recorded,
          checkpoint: undefined,
          initImage: 'a.png',
          loras: [{ name: 'x.safetensors', weight: 1 }],
        }),
      'workflow template \'upscale\': takes no LoRAs (it has no "lora" insertion point)',
    );
  });

  it('a negative seed is refused (resolve -1 first)', () => {
    expectInvalid(
      () => buildComfyGraph(loadWorkflowTemplate('txt2img'), { ...recorded, seed: -1 }),
      "workflow template 'txt2img': seed must be a whole number ≥ 0, not -1 (pick the random seed first)",
    );
  });
});

describe('malformed templates', () => {
  const good = () =>
    JSON.parse(
      readFileSync(path.join(process.cwd(), 'resources/workflows/txt2img.json'), 'utf8'),
    ) as {
      graph: ComfyGraph;
      patch: Record<string, { node: string; input: string }[]>;
      outputs: string[];
      lora?: unknown;
    };

  function write(name: string, content: unknown): string {
    const dir = newDir();
    writeFileSync(
      path.join(dir, `${name}.json`),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
    return dir;
  }

  const cases: [string, (t: ReturnType<typeof good>) => unknown, string][] = [
    [
      'a patch pointing at an input the node lacks',
      (t) => {
        t.patch.seed = [{ node: '3', input: 'seedz' }];
        return t;
      },
      "workflow template 'txt2img': patch 'seed' points at node 3's input 'seedz', which node 3 (KSampler) does not have",
    ],
    [
      'a patch pointing at a missing node',
      (t) => {
        t.patch.steps = [{ node: '33', input: 'steps' }];
        return t;
      },
      "workflow template 'txt2img': patch 'steps' points at node 33, which is not in the graph",
    ],
    [
      'a patch pointing at a link',
      (t) => {
        t.patch.checkpoint = [{ node: '3', input: 'model' }];
        return t;
      },
      "workflow template 'txt2img': patch 'checkpoint' points at node 3's input 'model', which is a link to node 4, not a value",
    ],
    [
      'an unknown parameter',
      (t) => {
        t.patch.seeed = [{ node: '3', input: 'seed' }];
        return t;
      },
      "workflow template 'txt2img': patch 'seeed' is not a parameter (one of: checkpoint, prompt, negative, width, height, steps, cfg, sampler, scheduler, seed, denoise, initImage, filenamePrefix, batchSize, frames, fps, flowShift, upscaleModel, unet, clip, vae)",
    ],
    [
      'no outputs',
      (t) => {
        t.outputs = [];
        return t;
      },
      "workflow template 'txt2img': has no outputs (list the nodes that save the results)",
    ],
    [
      'a missing output node',
      (t) => {
        t.outputs = ['99'];
        return t;
      },
      "workflow template 'txt2img': output node 99 is not in the graph",
    ],
    [
      'a link to a missing node',
      (t) => {
        t.graph['8']!.inputs.samples = ['30', 0];
        return t;
      },
      "workflow template 'txt2img': node 8 (VAEDecode) input 'samples' links to node 30, which is not in the graph",
    ],
    [
      'a LoRA insertion point at a missing node',
      (t) => {
        t.lora = { insertAfter: { model: ['40', 0], clip: ['4', 1] } };
        return t;
      },
      "workflow template 'txt2img': lora.insertAfter.model points at node 40, which is not in the graph",
    ],
    [
      'a node without class_type',
      (t) => {
        delete (t.graph['5'] as Partial<ComfyGraph[string]>).class_type;
        return t;
      },
      "workflow template 'txt2img': graph.5.class_type: Invalid input: expected string, received undefined",
    ],
  ];

  for (const [what, change, message] of cases) {
    it(`${what}: ${message}`, () => {
      const dir = write('txt2img', change(good()));
      expectInvalid(() => loadWorkflowTemplate('txt2img', dir), message);
    });
  }

  it('bad JSON names the file', () => {
    const dir = write('broken', '{"name": "broken",');
    let err: unknown;
    try {
      loadWorkflowTemplate('broken', dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_input');
    expect((err as AppError).message).toMatch(
      new RegExp(`^workflow template 'broken': .*broken\\.json is not valid JSON \\(`),
    );
  });

  it('loads by path too; a missing template is not_found, a name with a slash a path', () => {
    const dir = write('mine', good());
    expect(loadWorkflowTemplate(path.join(dir, 'mine.json')).name).toBe('txt2img');
    expect(() => loadWorkflowTemplate('nope', dir)).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(() => loadWorkflowTemplate('../etc/passwd')).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(() => loadWorkflowTemplate('a b')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});

describe('sampler and scheduler names', () => {
  const samplers: [string, string][] = [
    // stable-diffusion.cpp
    ['euler', 'euler'],
    ['euler_a', 'euler_ancestral'],
    ['heun', 'heun'],
    ['dpm2', 'dpm_2'],
    ['dpm++2s_a', 'dpmpp_2s_ancestral'],
    ['dpm++2m', 'dpmpp_2m'],
    ['dpm++2mv2', 'dpmpp_2m'],
    ['ipndm', 'ipndm'],
    ['ipndm_v', 'ipndm_v'],
    ['lcm', 'lcm'],
    ['ddim_trailing', 'ddim'],
    ['tcd', 'lcm'],
    ['res_multistep', 'res_multistep'],
    ['res_2s', 'res_multistep'],
    ['er_sde', 'er_sde'],
    ['euler_cfg_pp', 'euler_cfg_pp'],
    ['euler_a_cfg_pp', 'euler_ancestral_cfg_pp'],
    ['euler_ge', 'gradient_estimation'],
    ['dpm++2m_sde', 'dpmpp_2m_sde'],
    ['dpm++2m_sde_bt', 'dpmpp_2m_sde'],
    ['lms', 'lms'],
    // A1111
    ['Euler a', 'euler_ancestral'],
    ['Euler', 'euler'],
    ['DPM++ 2M', 'dpmpp_2m'],
    ['DPM++ 2M Karras', 'dpmpp_2m'],
    ['DPM++ SDE Karras', 'dpmpp_sde'],
    ['DPM++ 2M SDE', 'dpmpp_2m_sde'],
    ['DPM++ 2S a', 'dpmpp_2s_ancestral'],
    ['DPM2 a Karras', 'dpm_2_ancestral'],
    ['DPM++ 3M SDE Exponential', 'dpmpp_3m_sde'],
    ['UniPC', 'uni_pc'],
    ['DDIM', 'ddim'],
    ['k_euler_ancestral', 'euler_ancestral'],
    // Already ComfyUI, or unknown: unchanged.
    ['dpmpp_2m_sde_gpu', 'dpmpp_2m_sde_gpu'],
    ['uni_pc_bh2', 'uni_pc_bh2'],
    ['Restart', 'Restart'],
  ];
  it.each(samplers)('sampler %s → %s', (from, to) => {
    expect(comfySamplerName(from)).toBe(to);
  });

  const schedulers: [string, string][] = [
    ['discrete', 'normal'],
    ['karras', 'karras'],
    ['exponential', 'exponential'],
    ['ays', 'karras'],
    ['gits', 'karras'],
    ['sgm_uniform', 'sgm_uniform'],
    ['simple', 'simple'],
    ['smoothstep', 'normal'],
    ['kl_optimal', 'kl_optimal'],
    ['lcm', 'sgm_uniform'],
    ['flux', 'simple'],
    ['beta', 'beta'],
    ['Karras', 'karras'],
    ['SGM Uniform', 'sgm_uniform'],
    ['Automatic', 'normal'],
    ['Align Your Steps', 'karras'],
    ['linear_quadratic', 'linear_quadratic'],
  ];
  it.each(schedulers)('scheduler %s → %s', (from, to) => {
    expect(comfySchedulerName(from)).toBe(to);
  });

  it('every sd-server sampler and scheduler maps to a ComfyUI name', () => {
    const caps = readFileSync(
      path.join(recordings, '../sd-server/http/01-capabilities.response'),
      'utf8',
    );
    const json = JSON.parse(caps.slice(caps.indexOf('{'))) as {
      samplers: string[];
      schedulers: string[];
    };
    for (const s of json.samplers) expect(COMFY_SAMPLERS).toContain(comfySamplerName(s));
    for (const s of json.schedulers) expect(COMFY_SCHEDULERS).toContain(comfySchedulerName(s));
  });

  it('a combined A1111 name gives the scheduler unless one is asked for', () => {
    expect(comfySamplerScheduler('DPM++ 2M Karras')).toEqual({
      sampler: 'dpmpp_2m',
      scheduler: 'karras',
    });
    expect(comfySamplerScheduler('DPM++ 2M Karras', 'exponential')).toEqual({
      sampler: 'dpmpp_2m',
      scheduler: 'exponential',
    });
    expect(comfySamplerScheduler(undefined, 'discrete')).toEqual({
      sampler: undefined,
      scheduler: 'normal',
    });
    expect(comfySamplerScheduler()).toEqual({ sampler: undefined, scheduler: undefined });
  });
});
