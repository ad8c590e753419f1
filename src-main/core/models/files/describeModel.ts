import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ModelFamily } from '../../../contract/models';
import { readGgufHeader, type GgufHeader } from './gguf';
import {
  describeStart,
  ModelFileError,
  readAt,
  readSafetensorsHeader,
  type SafetensorsHeader,
} from './safetensors';

export type ModelFormat = 'safetensors' | 'gguf' | 'ckpt' | 'pt' | 'pth' | 'bin';
export type ModelFileKind = 'checkpoint' | 'lora' | 'vae' | 'upscaler';

/** What a model file says about itself, read from its header. */
export interface ModelFacts {
  format: ModelFormat;
  /** null: the file does not tell; the folder it sits in decides. */
  kind: ModelFileKind | null;
  family: ModelFamily;
  /** modelspec.architecture, or GGUF general.architecture, as written. */
  architecture: string | null;
  /** What it was trained from, for people: "SDXL 1.0 (ponyDiffusionV6XL)". */
  baseModel: string | null;
  /** "512x512". */
  resolution: string | null;
  /** The trigger phrase, then the training's most frequent tags, most frequent first (≤ 20). */
  triggerWords: string[];
  title: string | null;
  description: string | null;
  /** The header's metadata as text, each value cut at 4 KB (tag tables kept whole up to 64 KB). */
  metadata: Record<string, string>;
  /** 0 for pickle files, which are never opened up (see checkPickle). */
  tensorCount: number;
}

const formatByExtension: Record<string, ModelFormat> = {
  '.safetensors': 'safetensors',
  '.sft': 'safetensors',
  '.gguf': 'gguf',
  '.ckpt': 'ckpt',
  '.pt': 'pt',
  '.pth': 'pth',
  '.bin': 'bin',
};

/**
 * Reads what a model file says about itself from its header, never its weights. Throws
 * ModelFileError, with a reason for the creator, when the file is not a usable model.
 */
export async function describeModelFile(file: string): Promise<ModelFacts> {
  const ext = path.extname(file).toLowerCase();
  const format = formatByExtension[ext];
  if (!format) {
    throw new ModelFileError(
      `${ext ? `not a model file type (${ext})` : 'no file extension'}: model files end in .safetensors, .gguf, .ckpt, .pt, .pth or .bin`,
    );
  }
  if (format === 'safetensors') return fromSafetensors(await readSafetensorsHeader(file));
  if (format === 'gguf') return fromGguf(await readGgufHeader(file));
  await checkPickle(file, format);
  return {
    format,
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
  };
}

function fromSafetensors(h: SafetensorsHeader): ModelFacts {
  const names = [...h.tensors.keys()];
  return safetensorsFacts(h.metadata, names, (n) => h.tensors.get(n)?.shape);
}

/**
 * What a safetensors `__metadata__` says on its own, for a file Atelier can only ask about (an
 * engine server's ComfyUI `/view_metadata`): with no tensor names, family and kind come from the
 * metadata or stay unknown, and tensorCount is 0.
 */
export function factsFromMetadata(metadata: Record<string, unknown>): ModelFacts {
  const meta: Record<string, string> = {};
  // It came over the network: the format says text, but nothing enforced it.
  for (const [k, v] of Object.entries(metadata)) {
    meta[k] = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  }
  return safetensorsFacts(meta, [], () => undefined);
}

function safetensorsFacts(
  meta: Record<string, string>,
  names: string[],
  shapeOf: (name: string) => number[] | undefined,
): ModelFacts {
  const architecture = meta['modelspec.architecture'] || null;
  return {
    format: 'safetensors',
    kind: kindFromTensors(names) ?? kindFromArchitecture(architecture),
    family:
      familyFromArchitecture(architecture) ??
      familyFromBaseVersion(meta['ss_base_model_version']) ??
      familyFromTensors(names, shapeOf),
    architecture,
    baseModel: baseModelOf(meta),
    resolution: resolutionOf(meta['modelspec.resolution']) ?? resolutionOf(meta['ss_resolution']),
    triggerWords: triggerWordsOf(meta),
    title: meta['modelspec.title'] || meta['ss_output_name'] || null,
    description: meta['modelspec.description'] || null,
    metadata: cappedMetadata(meta),
    tensorCount: names.length,
  };
}

function fromGguf(h: GgufHeader): ModelFacts {
  const text = (k: string) => {
    const v = h.kv[k];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const architecture = text('general.architecture');
  const arch = architecture?.toLowerCase() ?? '';
  // GGUF keeps no shapes here (and lists dimensions innermost first): names only.
  return {
    format: 'gguf',
    kind: kindFromTensors(h.tensorNames),
    family: ggufFamilies[arch] ?? familyFromTensors(h.tensorNames, () => undefined),
    architecture,
    baseModel: text('general.base_model.0.name'),
    resolution: null,
    triggerWords: [],
    title: text('general.name'),
    description: text('general.description'),
    metadata: cappedMetadata(ggufMetadataText(h.kv)),
    tensorCount: h.tensorCount,
  };
}

// --- kind ---------------------------------------------------------------------------------------

/** kohya (lora_unet_…, lora_te1_…), diffusers/PEFT (….lora_A.weight) and LyCORIS keys. */
const LORA_KEY =
  /^lora_(unet|te\d?|transformer)_|\.(lora_[AB]|lora_down|lora_up|lora\.down|lora\.up)\.weight$|\.(hada_w1_a|lokr_w1|lokr_w1_a)$/;
/** An autoencoder alone: SD's KL-f8 (ldm or diffusers names), TAESD, Wan's (top-level conv1/2). */
const VAE_KEY =
  /^(first_stage_model\.|vae\.)?(encoder|decoder|quant_conv|post_quant_conv|conv1|conv2)\./;
const DIFFUSION_KEY =
  /^model\.diffusion_model\.|(^|\.)(input_blocks|double_blocks|single_blocks|joint_blocks|single_transformer_blocks)\.\d+\.|^(unet\.)?down_blocks\.\d+\.(attentions|resnets)\.|^transformer_blocks\.\d+\./;

function kindFromTensors(names: string[]): ModelFileKind | null {
  if (names.some((n) => LORA_KEY.test(n))) return 'lora';
  if (isVaeOnly(names)) return 'vae';
  if (isUpscaler(names)) return 'upscaler';
  // A ControlNet copies the UNet's input blocks but cannot make an image on its own.
  if (names.some((n) => /^control_model\.|^controlnet_/.test(n))) return null;
  if (names.some((n) => DIFFUSION_KEY.test(n)) || isWan(names, false)) return 'checkpoint';
  return null;
}

/** A decoder is required: a T5 text encoder is `encoder.` keys too. */
function isVaeOnly(names: string[]): boolean {
  return (
    names.some((n) => /^(first_stage_model\.|vae\.)?decoder\./.test(n)) &&
    names.every((n) => VAE_KEY.test(n))
  );
}

/** ESRGAN (both key styles), Real-ESRGAN compact, SwinIR/HAT/DAT-style (conv_first + body/layers). */
function isUpscaler(raw: string[]): boolean {
  const names = raw.map((n) => n.replace(/^(params_ema|params|module)\./, ''));
  const has = (re: RegExp) => names.some((n) => re.test(n));
  if (has(/\.rdb\d\./i) || has(/^RRDB_trunk\./)) return true;
  if (names.includes('conv_first.weight') && has(/^(body|layers)\.\d+\./)) return true;
  if (names.includes('model.0.weight') && has(/^model\.\d+\.sub\./)) return true;
  return names.length >= 3 && names.every((n) => /^body\.\d+\.(weight|bias)$/.test(n));
}

function kindFromArchitecture(architecture: string | null): ModelFileKind | null {
  const adapter = architecture?.split('/')[1]?.toLowerCase();
  return adapter === 'lora' ? 'lora' : adapter === 'vae' ? 'vae' : null;
}

// --- family -------------------------------------------------------------------------------------

function familyFromArchitecture(architecture: string | null): ModelFamily | null {
  const a = architecture?.split('/')[0]?.toLowerCase() ?? '';
  if (a.startsWith('stable-diffusion-xl')) return 'sdxl';
  if (a.startsWith('stable-diffusion-v1')) return 'sd15';
  if (a.startsWith('stable-diffusion-v2')) return 'sd2';
  if (/^stable-diffusion-v?3/.test(a)) return 'sd3';
  if (a.startsWith('flux')) return 'flux';
  if (a.startsWith('wan')) return 'wan';
  return null;
}

function familyFromBaseVersion(version: string | undefined): ModelFamily | null {
  const v = version?.toLowerCase() ?? '';
  if (v.startsWith('sdxl')) return 'sdxl';
  if (v.startsWith('sd_v1')) return 'sd15';
  if (v.startsWith('sd_v2')) return 'sd2';
  if (v.startsWith('sd3')) return 'sd3';
  if (v.startsWith('flux')) return 'flux';
  if (v.startsWith('wan')) return 'wan';
  return null;
}

/** city96's ComfyUI-GGUF and stable-diffusion.cpp names. */
const ggufFamilies: Record<string, ModelFamily> = {
  sd1: 'sd15',
  sd15: 'sd15',
  sd2: 'sd2',
  sdxl: 'sdxl',
  sd3: 'sd3',
  flux: 'flux',
  wan: 'wan',
};

/** The cross-attention width says which text encoder a UNet was trained against. */
const familyByContextWidth: Record<number, ModelFamily> = {
  768: 'sd15',
  1024: 'sd2',
  2048: 'sdxl',
};

/** Tensor names (and, for safetensors, a few shapes) when the metadata says nothing. */
function familyFromTensors(
  names: string[],
  shapeOf: (name: string) => number[] | undefined,
): ModelFamily {
  const has = (re: RegExp) => names.some((n) => re.test(n));
  const widthOf = (re: RegExp) => {
    const name = names.find((n) => re.test(n));
    return name ? shapeOf(name)?.[1] : undefined;
  };
  if (has(/(^|\.)conditioner\.embedders\.1\./)) return 'sdxl';
  if (has(/(^|\.)label_emb\./) && has(/(^|\.)input_blocks\./)) return 'sdxl';
  // HunyuanVideo also has double/single blocks; its token refiner tells it apart from Flux.
  if (has(/(^|[._])(double|single)_blocks[._]\d/) || has(/(^|\.)single_transformer_blocks\./)) {
    return has(/individual_token_refiner/) ? 'unknown' : 'flux';
  }
  if (has(/(^|[._])joint_blocks[._]\d/)) return 'sd3';
  if (
    isWan(
      names,
      names.some((n) => LORA_KEY.test(n)),
    )
  )
    return 'wan';
  if (has(/(^|\.)cond_stage_model\.model\./)) return 'sd2';
  if (has(/(^|\.)cond_stage_model\.transformer\./) && has(/(^|\.)input_blocks\./)) return 'sd15';
  // kohya names an SDXL UNet the SGM way and has two text encoders; SD1/2 LoRAs use diffusers
  // names and one. SD1 and SD2 then differ only in widths.
  if (has(/^lora_te[12]_/) || has(/^text_encoder_2\./)) return 'sdxl';
  if (has(/^lora_unet_(input_blocks|output_blocks|middle_block)_/)) return 'sdxl';
  const context = widthOf(
    /attn2[._]to_k(\.weight|[._]lora_down\.weight|\.lora_A\.weight|\.lora\.down\.weight)$/,
  );
  if (context !== undefined && familyByContextWidth[context]) return familyByContextWidth[context];
  const textWidth = widthOf(/^lora_te_.*[._]q_proj[._]lora_down\.weight$/);
  if (textWidth === 1024) return 'sd2';
  if (has(/^lora_te_/) || has(/^lora_unet_(down|up)_blocks_/)) return 'sd15';
  return 'unknown';
}

/** Wan's DiT: blocks.N.self_attn; a full model also has its patch embedding (a LoRA may not). */
function isWan(names: string[], lora: boolean): boolean {
  const blocks = names.some((n) => /(^|[._])blocks[._]\d+[._](self_attn|cross_attn)[._]/.test(n));
  return blocks && (lora || names.some((n) => n.includes('patch_embedding')));
}

// --- what the metadata says ---------------------------------------------------------------------

function baseModelOf(meta: Record<string, string>): string | null {
  const label =
    baseVersionLabel(meta['ss_base_model_version']) ??
    architectureLabel(meta['modelspec.architecture']);
  const trainedFrom = modelName(meta['ss_sd_model_name']);
  if (label && trainedFrom) return `${label} (${trainedFrom})`;
  return label ?? trainedFrom;
}

function baseVersionLabel(v: string | undefined): string | null {
  if (!v) return null;
  const xl = /^sdxl_base_v(\d+)-(\d+)/.exec(v);
  if (xl) return `SDXL ${xl[1]}.${xl[2]}`;
  if (v.startsWith('sdxl_refiner')) return 'SDXL Refiner';
  if (v === 'sd_v1') return 'SD 1.x';
  if (/^sd_v2.*_v$/.test(v)) return 'SD 2.x (v-prediction)';
  if (v.startsWith('sd_v2')) return 'SD 2.x';
  if (v === 'sd3') return 'SD 3';
  if (v === 'flux1') return 'Flux.1';
  return v;
}

function architectureLabel(architecture: string | undefined): string | null {
  const a = architecture?.split('/')[0];
  if (!a) return null;
  if (a === 'stable-diffusion-v1') return 'SD 1.x';
  if (a === 'stable-diffusion-v2-768-v') return 'SD 2.x (768, v-prediction)';
  if (a.startsWith('stable-diffusion-v2')) return 'SD 2.x';
  if (a === 'stable-diffusion-xl-v1-base') return 'SDXL 1.0';
  if (a === 'stable-diffusion-xl-v1-refiner') return 'SDXL 1.0 Refiner';
  const sd3 = /^stable-diffusion-v?3(?:[.-](5))?(?:-(\w+))?$/.exec(a);
  if (sd3) return `SD 3${sd3[1] ? '.5' : ''}${sd3[2] ? ` ${capitalise(sd3[2])}` : ''}`;
  const flux = /^flux-1(?:-(\w+))?$/.exec(a);
  if (flux) return `Flux.1${flux[1] ? ` ${capitalise(flux[1])}` : ''}`;
  return a;
}

/** kohya records a path, a file name or a Hugging Face id: keep the id, else the file's stem. */
function modelName(v: string | undefined): string | null {
  const s = v?.trim();
  if (!s) return null;
  if (/^[\w.-]+\/[\w.-]+$/.test(s) && !/\.(safetensors|ckpt|pt|pth|bin|sft)$/i.test(s)) return s;
  const stem = s
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(safetensors|ckpt|pt|pth|bin|sft)$/i, '');
  return stem || null;
}

/** "(512, 512)", "512,768", "1024x1024" or "768" → "WxH". */
function resolutionOf(v: string | undefined): string | null {
  const nums = (v?.match(/\d+/g) ?? []).map(Number).filter((n) => n > 0 && n <= 65_536);
  if (nums.length === 0) return null;
  return `${nums[0]}x${nums[1] ?? nums[0]}`;
}

const MAX_TRIGGER_WORDS = 20;

function triggerWordsOf(meta: Record<string, string>): string[] {
  const phrases = (meta['modelspec.trigger_phrase'] ?? '').split(',').map((s) => s.trim());
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of [...phrases, ...topTags(meta['ss_tag_frequency'])]) {
    const key = w.toLowerCase();
    if (!w || seen.has(key)) continue;
    seen.add(key);
    out.push(w);
    if (out.length === MAX_TRIGGER_WORDS) break;
  }
  return out;
}

/** kohya's ss_tag_frequency is {datasetDir: {tag: count}}: counts summed over the dirs. */
function topTags(json: string | undefined): string[] {
  if (!json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return []; // written by hand or cut short: the tags are a nicety, not a reason to fail
  }
  if (!isRecord(parsed)) return [];
  const counts = new Map<string, number>();
  for (const dir of Object.values(parsed)) {
    if (!isRecord(dir)) continue;
    for (const [tag, count] of Object.entries(dir)) {
      const t = tag.trim();
      if (t && typeof count === 'number' && Number.isFinite(count)) {
        counts.set(t, (counts.get(t) ?? 0) + count);
      }
    }
  }
  // Stable sort: equal counts keep the order the trainer wrote them in.
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_TRIGGER_WORDS)
    .map(([t]) => t);
}

const MAX_VALUE_CHARS = 4096;
const MAX_TABLE_CHARS = 64 * 1024;
/**
 * Values that would be useless cut in half (JSON tables, the thumbnail's data: URL): kept whole
 * when modest, else left out.
 */
const WHOLE_OR_NOTHING = new Set(['ss_tag_frequency', 'ss_dataset_dirs', 'modelspec.thumbnail']);

function cappedMetadata(meta: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (WHOLE_OR_NOTHING.has(k)) {
      if (v.length <= MAX_TABLE_CHARS) out[k] = v;
    } else {
      out[k] = v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS - 1)}…` : v;
    }
  }
  return out;
}

function ggufMetadataText(kv: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(kv)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (isRecord(v) && v.type === 'array' && typeof v.length === 'number') {
      out[k] = `[${v.length} items]`;
    } else out[k] = JSON.stringify(v) ?? '';
  }
  return out;
}

// --- pickle files -------------------------------------------------------------------------------

/**
 * .ckpt/.pt/.pth/.bin are Python pickles, bare or inside torch's zip. Loading a pickle runs
 * whatever code it names, so Atelier never unpickles: it only checks that the file starts like
 * one, which catches the common mistakes (an image or a saved web page under a model's name).
 */
async function checkPickle(file: string, format: ModelFormat): Promise<void> {
  const fh = await open(file, 'r');
  let start: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    start = await readAt(fh, 0, Math.min(size, 512));
  } finally {
    await fh.close();
  }
  if (size === 0) throw new ModelFileError('empty file (0 bytes): not a model');
  const ascii = start.toString('latin1');
  if (ascii.startsWith('PK\x03\x04')) {
    // torch ≥ 1.6 writes a zip whose first entry is <name>/data.pkl.
    const nameLength = start.length >= 30 ? start.readUInt16LE(26) : 0;
    const first = start.subarray(30, 30 + nameLength).toString('utf8');
    if (/(^|\/)(data\.pkl|version|byteorder)$|\.pkl$/.test(first)) return;
    throw new ModelFileError(
      `not a model: it is a zip archive${first ? ` (its first file is "${first.slice(0, 120)}")` : ''}, not a PyTorch checkpoint`,
    );
  }
  // Pickle protocol 2+ (torch < 1.6 and plain pickles) opens with PROTO.
  if (start[0] === 0x80 && start[1] !== undefined && start[1] >= 2 && start[1] <= 5) return;
  if (ascii.startsWith('GGUF')) {
    throw new ModelFileError(`a GGUF model named .${format}: rename it to .gguf`);
  }
  if (looksLikeSafetensors(start, size)) {
    throw new ModelFileError(`a safetensors model named .${format}: rename it to .safetensors`);
  }
  const looks = describeStart(start);
  throw new ModelFileError(
    looks
      ? `not a model: it starts like ${looks}`
      : 'not a model: it is neither a PyTorch checkpoint nor a pickle',
  );
}

function looksLikeSafetensors(start: Buffer, size: number): boolean {
  if (start.length < 9) return false;
  const n = start.readBigUInt64LE(0);
  return n > 0n && 8n + n <= BigInt(size) && start[8] === 0x7b; // '{'
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
