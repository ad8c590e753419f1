import type { AssetDetail, GenerationInfo } from '@contract/index';

/**
 * "Copy all parameters": an AI asset's generation settings as the A1111 `parameters` text
 * (prompt; `Negative prompt: …`; `Steps: …, Sampler: …, CFG scale: …, Seed: …, Size: WxH,
 * Model hash: …, Model: …`), the text A1111's PNG Info, Civitai and Atelier's own ingest read
 * back. The renderer's twin of core/generate/pngParameters.formatA1111 (the renderer may only
 * import the contract), from what ingest parsed out of the file.
 */

type Fields = Pick<
  AssetDetail,
  'prompt' | 'negativePrompt' | 'seed' | 'model' | 'modelHash' | 'width' | 'height'
> & { generation: GenerationInfo | null };

/** Tools whose extra fields are A1111 pairs (ComfyUI's and others' are not). */
const a1111Tools = new Set(['AUTOMATIC1111', 'Forge', 'sd.cpp']);

/** A value with `,` `:` or a newline is JSON-quoted, as A1111 does, so the pair pattern reads it back. */
function quote(v: string): string {
  return /[,:\n"]/.test(v) ? JSON.stringify(v) : v;
}

/** The prompt with a `<lora:name:weight>` for each LoRA it does not already name (A1111 keeps them in the prompt). */
function promptWithLoras(prompt: string, loras: GenerationInfo['loras']): string {
  const missing = loras.filter((l) => !prompt.includes(`<lora:${l.name}`));
  if (!missing.length) return prompt;
  const tags = missing.map((l) => `<lora:${l.name}:${l.weight ?? 1}>`).join(' ');
  return prompt ? `${prompt} ${tags}` : tags;
}

export function formatParameters(d: Fields): string {
  const g = d.generation;
  const prompt = promptWithLoras(g?.prompt ?? d.prompt ?? '', g?.loras ?? []);
  const negative = g?.negativePrompt ?? d.negativePrompt ?? '';
  const width = g?.width ?? d.width;
  const height = g?.height ?? d.height;
  const pairs: [string, string | number | null | undefined][] = [
    ['Steps', g?.steps],
    ['Sampler', g?.sampler],
    ['CFG scale', g?.cfg],
    ['Seed', g?.seed ?? d.seed],
    ['Size', width && height ? `${width}x${height}` : null],
    ['Model hash', g?.modelHash ?? d.modelHash],
    ['Model', g?.model ?? d.model],
  ];
  if (g && a1111Tools.has(g.tool))
    for (const [k, v] of Object.entries(g.extra)) if (v && v.length <= 500) pairs.push([k, v]);
  const line = pairs
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${quote(String(v))}`)
    .join(', ');
  return [prompt, negative ? `Negative prompt: ${negative}` : '', line]
    .filter((s) => s !== '')
    .join('\n');
}

/** The short facts shown beside the prompt, in the order a creator culls by. */
export function generationFacts(d: Fields): [string, string][] {
  const g = d.generation;
  const width = g?.width ?? d.width;
  const height = g?.height ?? d.height;
  const facts: [string, string | number | null | undefined][] = [
    ['Model', g?.model ?? d.model],
    ['Seed', g?.seed ?? d.seed],
    ['Sampler', g?.sampler],
    ['Steps', g?.steps],
    ['CFG', g?.cfg],
    ['Size', width && height ? `${width}×${height}` : null],
    ...(g?.loras ?? []).map(
      (l) => ['LoRA', `${l.name}${l.weight !== null ? ` (${l.weight})` : ''}`] as [string, string],
    ),
  ];
  return facts
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [k, String(v)]);
}

/** Whether an asset carries generation settings worth showing first. */
export function hasGeneration(d: Fields & Pick<AssetDetail, 'provenance'>): boolean {
  return Boolean(
    d.generation || d.prompt || d.seed || (d.provenance === 'ai_generated' && d.model),
  );
}
