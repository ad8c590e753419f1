/**
 * How generation metadata names a model is matched to what the creator recorded about it: A1111
 * writes `juggernautXL_v9`, ComfyUI `SDXL/juggernautXL_v9.safetensors`, a LoRA list
 * `JuggernautXL_v9`. Folders, the weights file's extension, case and surrounding spaces are
 * dropped. asset_models keeps names as written; this runs over the few distinct ones.
 */
export function matchKey(name: string): string {
  const norm = name.trim().replace(/\\/g, '/');
  return norm
    .slice(norm.lastIndexOf('/') + 1)
    .toLowerCase()
    .replace(/\.(safetensors|ckpt|pth|pt|bin|gguf)$/, '')
    .trim();
}
