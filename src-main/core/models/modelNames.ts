import type { ModelKind } from '../../contract/models';

/**
 * How generation metadata names a model is matched to what the creator recorded about it: A1111
 * writes `juggernautXL_v9`, ComfyUI `SDXL/juggernautXL_v9.safetensors`, a LoRA tag
 * `<lora:JuggernautXL_v9:0.8>`. Folders, the weights file's extension and case are dropped.
 */
export function matchKey(name: string): string {
  const base = name.trim().split(/[\\/]/).pop() ?? '';
  return base
    .replace(/\.(safetensors|ckpt|pt|pth|bin|gguf)$/i, '')
    .trim()
    .toLowerCase();
}

/** The columns of an asset that say what it was made with. */
export interface GenerationFields {
  model: string | null;
  model_hash: string | null;
  prompt: string | null;
  generation_params: string | null;
}

export interface UsedModel {
  name: string;
  key: string;
  kind: ModelKind;
  /** The short hash the metadata gave (A1111 "Model hash"), lower-case; checkpoints only. */
  hash: string | null;
}

/**
 * The models and LoRAs one asset was made with: its checkpoint (the model column, or the
 * generation params' `model`), LoRAs from `<lora:name:weight>` tags in the prompt and from the
 * params' `loras` list (ingest's dialects put ComfyUI's LoraLoader and InvokeAI's LoRAs there).
 */
export function modelsOfAsset(a: GenerationFields): UsedModel[] {
  const out = new Map<string, UsedModel>();
  const add = (name: unknown, kind: ModelKind, hash: string | null = null) => {
    if (typeof name !== 'string') return;
    const key = matchKey(name);
    if (!key || out.has(key)) return;
    out.set(key, { name: name.trim(), key, kind, hash: hash?.trim().toLowerCase() || null });
  };
  add(a.model, 'checkpoint', a.model_hash);
  let params: Record<string, unknown> | null = null;
  try {
    const p: unknown = JSON.parse(a.generation_params ?? 'null');
    if (p && typeof p === 'object') params = p as Record<string, unknown>;
  } catch {
    // Not JSON: only the tags in the texts below can name LoRAs.
  }
  if (params)
    add(params.model, 'checkpoint', typeof params.modelHash === 'string' ? params.modelHash : null);
  for (const text of [a.prompt ?? '', typeof params?.prompt === 'string' ? params.prompt : '']) {
    for (const m of text.matchAll(/<lora:([^:>]+)/gi)) add(m[1], 'lora');
  }
  const loras = params && (params.loras ?? params.lora);
  if (Array.isArray(loras))
    for (const l of loras)
      add(typeof l === 'string' ? l : (l as { name?: unknown } | null)?.name, 'lora');
  return [...out.values()];
}
