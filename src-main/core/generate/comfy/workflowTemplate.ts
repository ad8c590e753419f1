/**
 * ComfyUI workflow templates: API-format graphs shipped in resources/workflows/<name>.json, with
 * the inputs each generation parameter patches, where a LoRA chain goes, and which nodes save
 * the results. `buildComfyGraph` turns a template and one item's parameters into the graph that
 * is POSTed to ComfyUI's /prompt — pure, so the graph sent can be checked without a server.
 *
 * Template file:
 *   { "name", "description", "kind": "txt2img" | "img2img" | "upscale" | "video",
 *     "graph": { "<id>": { "class_type", "inputs", "_meta"? } },          API format, as exported
 *     "patch": { "<param>": [{ "node": "3", "input": "seed" }, …], … },   see `comfyParams`
 *     "lora"?: { "insertAfter": { "model": ["4", 0], "clip"?: ["4", 1] } },
 *     "outputs": ["9"] }
 * `lora.insertAfter` names the outputs a LoRA chain goes after (the loader's MODEL and CLIP):
 * with `clip` the chain is LoraLoader nodes, without it LoraLoaderModelOnly (Wan and other
 * diffusion-model-only LoRAs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../contract/errors';
import { appRoot } from '../../util/version';

/** The generation parameters a template may patch into its graph. */
export const comfyParams = [
  'checkpoint',
  'prompt',
  'negative',
  'width',
  'height',
  'steps',
  'cfg',
  'sampler',
  'scheduler',
  'seed',
  'denoise',
  'initImage',
  'filenamePrefix',
  'batchSize',
  'frames',
  'fps',
  'flowShift',
  'upscaleModel',
  'unet',
  'clip',
  'vae',
] as const;
export type ComfyParam = (typeof comfyParams)[number];

export const workflowKinds = ['txt2img', 'img2img', 'upscale', 'video'] as const;
export type WorkflowKind = (typeof workflowKinds)[number];

/** A link in an API-format graph: [source node id, output index]. */
export type ComfyLink = [string, number];

export interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title: string };
}
export type ComfyGraph = Record<string, ComfyNode>;

const link = z.tuple([z.string().min(1), z.number().int().min(0)]);

const nodeSchema = z.object({
  class_type: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()),
  _meta: z.object({ title: z.string() }).optional(),
});

const patchTarget = z.strictObject({ node: z.string().min(1), input: z.string().min(1) });

export const workflowTemplateSchema = z.strictObject({
  name: z.string().trim().min(1),
  description: z.string(),
  kind: z.enum(workflowKinds),
  graph: z.record(z.string().min(1), nodeSchema),
  patch: z.partialRecord(z.enum(comfyParams), z.array(patchTarget).min(1)),
  lora: z
    .strictObject({
      insertAfter: z.strictObject({ model: link, clip: link.optional() }),
    })
    .optional(),
  outputs: z.array(z.string().min(1)),
});
export type WorkflowTemplate = z.output<typeof workflowTemplateSchema>;

/** What one generation asks of a template; a parameter left out keeps the template's value. */
export interface ComfyGraphInput {
  checkpoint?: string;
  prompt: string;
  negative: string;
  width: number;
  height: number;
  steps: number;
  cfg: number;
  /** A ComfyUI, stable-diffusion.cpp or A1111 name: mapped by `comfySamplerScheduler`. */
  sampler?: string;
  scheduler?: string;
  /** ≥ 0: resolve -1 (random) before building. */
  seed: number;
  denoise?: number;
  /** The name /upload/image returned. */
  initImage?: string;
  /** As ComfyUI lists them (GET /models/loras), e.g. "style/foo.safetensors". */
  loras: { name: string; weight: number }[];
  filenamePrefix: string;
  batchSize?: number;
  frames?: number;
  fps?: number;
  /** Wan and other flow models: ModelSamplingSD3's shift. */
  flowShift?: number;
  upscaleModel?: string;
  /** Split-file models (Wan, Flux…): the diffusion model, text encoder and VAE. */
  unet?: string;
  clip?: string;
  vae?: string;
}

/**
 * Parameters that choose what is loaded: given to a template that does not take them, the result
 * would silently ignore them (a txt2img with the user's init image dropped), so that is refused.
 */
const mustBeUsed: readonly ComfyParam[] = [
  'checkpoint',
  'initImage',
  'upscaleModel',
  'unet',
  'clip',
  'vae',
  'frames',
];

function fail(label: string, msg: string): never {
  throw new AppError('invalid_input', `workflow template '${label}': ${msg}`);
}

function isLink(v: unknown): v is ComfyLink {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[0] === 'string' &&
    typeof v[1] === 'number' &&
    Number.isInteger(v[1]) &&
    v[1] >= 0
  );
}

const describeNode = (id: string, node: ComfyNode) => `node ${id} (${node.class_type})`;

/**
 * Checks a parsed template file: its shape, then that every patch, link, output and LoRA
 * insertion point names a node (and input) the graph has. `label` names it in messages.
 */
export function validateWorkflowTemplate(raw: unknown, label: string): WorkflowTemplate {
  const parsed = workflowTemplateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.map(String).join('.') : 'the file';
    if (issue.code === 'unrecognized_keys' && where === 'patch')
      fail(
        label,
        `patch '${issue.keys[0]}' is not a parameter (one of: ${comfyParams.join(', ')})`,
      );
    fail(label, `${where}: ${issue.message}`);
  }
  const t = parsed.data;
  const { graph } = t;

  for (const [id, node] of Object.entries(graph)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (isLink(value) && !graph[value[0]])
        fail(
          label,
          `${describeNode(id, node)} input '${input}' links to node ${value[0]}, which is not in the graph`,
        );
    }
  }

  for (const [param, targets] of Object.entries(t.patch)) {
    for (const { node: id, input } of targets ?? []) {
      const node = graph[id];
      if (!node) fail(label, `patch '${param}' points at node ${id}, which is not in the graph`);
      if (!Object.hasOwn(node.inputs, input))
        fail(
          label,
          `patch '${param}' points at node ${id}'s input '${input}', which ${describeNode(id, node)} does not have`,
        );
      const value = node.inputs[input];
      if (isLink(value))
        fail(
          label,
          `patch '${param}' points at node ${id}'s input '${input}', which is a link to node ${value[0]}, not a value`,
        );
    }
  }

  if (t.outputs.length === 0) fail(label, 'has no outputs (list the nodes that save the results)');
  for (const id of t.outputs) {
    if (!graph[id]) fail(label, `output node ${id} is not in the graph`);
  }

  if (t.lora) {
    for (const which of ['model', 'clip'] as const) {
      const at = t.lora.insertAfter[which];
      if (at && !graph[at[0]])
        fail(label, `lora.insertAfter.${which} points at node ${at[0]}, which is not in the graph`);
    }
  }
  return t;
}

/** resources/workflows in the repository or the installed app. */
export function workflowsDir(): string {
  return path.join(appRoot(), 'resources', 'workflows');
}

/** The names of the templates in `dir` (the shipped ones by default), sorted. */
export function listWorkflowTemplates(dir = workflowsDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * A template by name (resources/workflows/<name>.json, or <dir>/<name>.json) or by path (any
 * argument with a slash or ending in .json). Missing → not_found; malformed → invalid_input
 * naming the file and the node.
 */
export function loadWorkflowTemplate(nameOrPath: string, dir?: string): WorkflowTemplate {
  const isPath = /[\\/]/.test(nameOrPath) || nameOrPath.endsWith('.json');
  if (!isPath && !/^[\w.-]+$/.test(nameOrPath))
    throw new AppError('invalid_input', `'${nameOrPath}' is not a workflow template name`);
  const file = isPath ? nameOrPath : path.join(dir ?? workflowsDir(), `${nameOrPath}.json`);
  const label = path.basename(file).replace(/\.json$/, '');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('not_found', `No workflow template '${label}' (${file})`);
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(label, `${file} is not valid JSON (${(e as Error).message})`);
  }
  return validateWorkflowTemplate(raw, label);
}

/**
 * The graph to POST as `prompt`, and the nodes whose outputs (in /history) are the results.
 * Deep-copies the template's graph, sets every declared input of each parameter the input has,
 * and puts one LoRA loader per LoRA between the template's model/CLIP loader and everything that
 * used it.
 */
export function buildComfyGraph(
  template: WorkflowTemplate,
  input: ComfyGraphInput,
): { graph: ComfyGraph; outputNodeIds: string[] } {
  const label = template.name;
  const graph = structuredClone(template.graph) as ComfyGraph;

  if (!Number.isSafeInteger(input.seed) || input.seed < 0)
    fail(label, `seed must be a whole number ≥ 0, not ${input.seed} (pick the random seed first)`);

  const { sampler, scheduler } = comfySamplerScheduler(input.sampler, input.scheduler);
  const values: Record<ComfyParam, unknown> = {
    checkpoint: input.checkpoint,
    prompt: input.prompt,
    negative: input.negative,
    width: input.width,
    height: input.height,
    steps: input.steps,
    cfg: input.cfg,
    sampler,
    scheduler,
    seed: input.seed,
    denoise: input.denoise,
    initImage: input.initImage,
    filenamePrefix: input.filenamePrefix,
    batchSize: input.batchSize,
    frames: input.frames,
    fps: input.fps,
    flowShift: input.flowShift,
    upscaleModel: input.upscaleModel,
    unet: input.unet,
    clip: input.clip,
    vae: input.vae,
  };

  for (const p of mustBeUsed) {
    if (values[p] !== undefined && !template.patch[p])
      fail(label, `takes no '${p}' (it declares: ${Object.keys(template.patch).join(', ')})`);
  }
  if (template.patch.initImage && input.initImage === undefined)
    fail(label, 'needs an init image (upload it and pass its name as initImage)');

  for (const [param, targets] of Object.entries(template.patch) as [
    ComfyParam,
    WorkflowTemplate['patch'][ComfyParam],
  ][]) {
    const value = values[param];
    if (value === undefined) continue;
    for (const { node, input: name } of targets ?? []) graph[node]!.inputs[name] = value;
  }

  if (input.loras.length > 0) insertLoras(template, graph, input.loras);
  return { graph, outputNodeIds: [...template.outputs] };
}

function insertLoras(
  template: WorkflowTemplate,
  graph: ComfyGraph,
  loras: ComfyGraphInput['loras'],
): void {
  const label = template.name;
  if (!template.lora) return fail(label, 'takes no LoRAs (it has no "lora" insertion point)');
  const { model, clip } = template.lora.insertAfter;
  for (const l of loras) {
    if (!l.name.trim()) fail(label, 'a LoRA has an empty name');
    if (!Number.isFinite(l.weight)) fail(label, `LoRA '${l.name}' has weight ${l.weight}`);
  }

  const originalIds = Object.keys(graph);
  let nextId =
    Math.max(0, ...originalIds.filter((id) => /^\d+$/.test(id)).map((id) => Number(id))) + 1;
  let prevModel: ComfyLink = [model[0], model[1]];
  let prevClip: ComfyLink | undefined = clip ? [clip[0], clip[1]] : undefined;
  let last = '';
  for (const l of loras) {
    last = String(nextId++);
    graph[last] = prevClip
      ? {
          class_type: 'LoraLoader',
          inputs: {
            model: prevModel,
            clip: prevClip,
            lora_name: l.name,
            strength_model: l.weight,
            strength_clip: l.weight,
          },
        }
      : {
          class_type: 'LoraLoaderModelOnly',
          inputs: { model: prevModel, lora_name: l.name, strength_model: l.weight },
        };
    prevModel = [last, 0];
    if (prevClip) prevClip = [last, 1];
  }

  const same = (v: ComfyLink, at: readonly [string, number]) => v[0] === at[0] && v[1] === at[1];
  for (const id of originalIds) {
    const inputs = graph[id]!.inputs;
    for (const [name, value] of Object.entries(inputs)) {
      if (!isLink(value)) continue;
      if (same(value, model)) inputs[name] = [last, 0];
      else if (clip && same(value, clip)) inputs[name] = [last, 1];
    }
  }
}

/*
 * Sampler and scheduler names. ComfyUI's KSampler takes its own names (comfy/samplers.py:
 * KSampler.SAMPLERS / SCHEDULERS); orders carry stable-diffusion.cpp names (sd-cli
 * --sampling-method, sd-server capabilities) or A1111 names (from a PNG's `parameters`). A name
 * ComfyUI already knows, or one not in these tables, is returned unchanged (custom nodes add
 * samplers; ComfyUI's 400 `value_not_in_list` then names what it accepts). Matching is
 * case-insensitive; a k-diffusion "k_" prefix is dropped (k_euler_ancestral → euler_ancestral).
 *
 *   stable-diffusion.cpp sampler   ComfyUI
 *   euler, heun, lms, lcm          the same
 *   ipndm, ipndm_v, er_sde         the same
 *   res_multistep, euler_cfg_pp    the same
 *   euler_a                        euler_ancestral
 *   euler_a_cfg_pp                 euler_ancestral_cfg_pp
 *   euler_ge                       gradient_estimation
 *   dpm2                           dpm_2
 *   dpm++2s_a                      dpmpp_2s_ancestral
 *   dpm++2m                        dpmpp_2m
 *   dpm++2mv2                      dpmpp_2m        (closest: 2M with a tweaked last step)
 *   dpm++2m_sde, dpm++2m_sde_bt    dpmpp_2m_sde    (ComfyUI's already uses Brownian-tree noise)
 *   ddim_trailing                  ddim
 *   tcd                            lcm             (closest: TCD is LCM with a gamma)
 *   res_2s                         res_multistep   (closest in core)
 *
 *   A1111 sampler                  ComfyUI
 *   Euler, Heun, LMS, DDIM, DDPM   euler, heun, lms, ddim, ddpm
 *   LCM, DEIS, IPNDM               lcm, deis, ipndm
 *   Euler a                        euler_ancestral
 *   DPM2, DPM2 a                   dpm_2, dpm_2_ancestral
 *   DPM++ 2S a                     dpmpp_2s_ancestral
 *   DPM++ 2M                       dpmpp_2m
 *   DPM++ SDE                      dpmpp_sde
 *   DPM++ 2M SDE (Heun)            dpmpp_2m_sde (dpmpp_2m_sde_heun)
 *   DPM++ 3M SDE                   dpmpp_3m_sde
 *   DPM fast, DPM adaptive         dpm_fast, dpm_adaptive
 *   UniPC                          uni_pc
 *   PLMS                           lms             (closest)
 *   "<sampler> Karras"             <sampler> + scheduler karras (also Exponential,
 *                                  SGM Uniform): old combined names, "DPM++ 2M Karras"
 *
 *   scheduler (sd.cpp / A1111)     ComfyUI
 *   normal, karras, exponential,   the same
 *   simple, beta, sgm_uniform,
 *   kl_optimal
 *   discrete, Uniform, Automatic   normal
 *   Polyexponential                exponential     (closest)
 *   ays, Align Your Steps, gits    karras          (closest; ComfyUI has AYS only as a node)
 *   smoothstep                     normal          (closest)
 *   lcm                            sgm_uniform     (what ComfyUI's LCM examples use)
 *   flux, flux2, ltx2,             simple          (ComfyUI applies the model's own shift)
 *   logit_normal
 *   bong_tangent                   beta            (closest)
 *   DDIM                           ddim_uniform
 *   SGM Uniform, KL Optimal        sgm_uniform, kl_optimal
 */

/** ComfyUI's KSampler sampler names (0.3.x). */
export const COMFY_SAMPLERS: readonly string[] = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'euler_ancestral_cfg_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_2s_ancestral_cfg_pp',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_cfg_pp',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_2m_sde_heun',
  'dpmpp_2m_sde_heun_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'res_multistep',
  'res_multistep_cfg_pp',
  'res_multistep_ancestral',
  'res_multistep_ancestral_cfg_pp',
  'gradient_estimation',
  'gradient_estimation_cfg_pp',
  'er_sde',
  'seeds_2',
  'seeds_3',
  'sa_solver',
  'sa_solver_pece',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
];

/** ComfyUI's KSampler scheduler names (0.3.x). */
export const COMFY_SCHEDULERS: readonly string[] = [
  'simple',
  'sgm_uniform',
  'karras',
  'exponential',
  'ddim_uniform',
  'beta',
  'normal',
  'linear_quadratic',
  'kl_optimal',
];

/** Keys are lower-cased with runs of spaces as one. */
const samplerTable: Record<string, string> = {
  // stable-diffusion.cpp
  euler_a: 'euler_ancestral',
  dpm2: 'dpm_2',
  'dpm++2s_a': 'dpmpp_2s_ancestral',
  'dpm++2m': 'dpmpp_2m',
  'dpm++2mv2': 'dpmpp_2m',
  'dpm++2m_sde': 'dpmpp_2m_sde',
  'dpm++2m_sde_bt': 'dpmpp_2m_sde',
  ddim_trailing: 'ddim',
  tcd: 'lcm',
  res_2s: 'res_multistep',
  euler_a_cfg_pp: 'euler_ancestral_cfg_pp',
  euler_ge: 'gradient_estimation',
  // A1111 / Forge
  'euler a': 'euler_ancestral',
  'dpm2 a': 'dpm_2_ancestral',
  'dpm++ 2s a': 'dpmpp_2s_ancestral',
  'dpm++ 2m': 'dpmpp_2m',
  'dpm++ sde': 'dpmpp_sde',
  'dpm++ 2m sde': 'dpmpp_2m_sde',
  'dpm++ 2m sde heun': 'dpmpp_2m_sde_heun',
  'dpm++ 3m sde': 'dpmpp_3m_sde',
  'dpm fast': 'dpm_fast',
  'dpm adaptive': 'dpm_adaptive',
  unipc: 'uni_pc',
  plms: 'lms',
};

const schedulerTable: Record<string, string> = {
  discrete: 'normal',
  uniform: 'normal',
  automatic: 'normal',
  polyexponential: 'exponential',
  ays: 'karras',
  'align your steps': 'karras',
  gits: 'karras',
  smoothstep: 'normal',
  lcm: 'sgm_uniform',
  flux: 'simple',
  flux2: 'simple',
  ltx2: 'simple',
  logit_normal: 'simple',
  bong_tangent: 'beta',
  ddim: 'ddim_uniform',
  'sgm uniform': 'sgm_uniform',
  'kl optimal': 'kl_optimal',
  'linear quadratic': 'linear_quadratic',
};

/** A1111 combined names' schedule suffixes, longest first. */
const scheduleSuffixes: [string, string][] = [
  [' sgm uniform', 'sgm_uniform'],
  [' exponential', 'exponential'],
  [' karras', 'karras'],
];

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

function splitSampler(name: string): { sampler: string; scheduler?: string } {
  const trimmed = name.trim();
  if (COMFY_SAMPLERS.includes(trimmed)) return { sampler: trimmed };
  let key = norm(trimmed);
  let scheduler: string | undefined;
  for (const [suffix, s] of scheduleSuffixes) {
    if (key.endsWith(suffix)) {
      key = key.slice(0, -suffix.length);
      scheduler = s;
      break;
    }
  }
  if (key.startsWith('k_')) key = key.slice(2);
  const sampler =
    samplerTable[key] ?? (COMFY_SAMPLERS.includes(key) ? key : scheduler ? key : trimmed);
  return scheduler ? { sampler, scheduler } : { sampler };
}

/** A sampler name as ComfyUI's KSampler spells it (see the table above). */
export function comfySamplerName(name: string): string {
  return splitSampler(name).sampler;
}

/** A scheduler name as ComfyUI's KSampler spells it (see the table above). */
export function comfySchedulerName(name: string): string {
  const trimmed = name.trim();
  if (COMFY_SCHEDULERS.includes(trimmed)) return trimmed;
  const key = norm(trimmed);
  return schedulerTable[key] ?? (COMFY_SCHEDULERS.includes(key) ? key : trimmed);
}

/**
 * Both at once: an A1111 combined name ("DPM++ 2M Karras") gives the scheduler too, unless one
 * is asked for explicitly. Absent stays absent (the template's value is kept).
 */
export function comfySamplerScheduler(
  sampler?: string,
  scheduler?: string,
): { sampler?: string; scheduler?: string } {
  const s = sampler === undefined ? undefined : splitSampler(sampler);
  return {
    sampler: s?.sampler,
    scheduler: scheduler !== undefined ? comfySchedulerName(scheduler) : s?.scheduler,
  };
}
