import type { GenerationInfo } from '../../../contract/library';

/**
 * Generation parameters from the text generators embed in their files. Each dialect is a pure
 * function of the text fields; anything unexpected yields less information, never an error.
 */
export function parseGeneration(fields: Record<string, string>): GenerationInfo | null {
  const attempts: Array<() => GenerationInfo | null> = [
    () => (fields.parameters ? parseA1111(fields.parameters) : null),
    () => (fields.invokeai_metadata ? parseInvoke(fields.invokeai_metadata) : null),
    () => (fields['sd-metadata'] ? parseInvokeLegacy(fields['sd-metadata']) : null),
    () => (fields.Dream ? parseDream(fields.Dream) : null),
    () => (fields.prompt || fields.workflow ? parseComfy(fields.prompt, fields.workflow) : null),
    () =>
      fields.Software === 'NovelAI' || /NovelAI/i.test(fields.Source ?? '')
        ? parseNovelAI(fields)
        : null,
    () =>
      fields.Description && isMidjourney(fields.Description)
        ? parseMidjourney(fields.Description, fields.Author)
        : null,
    // JPEG/WebP from A1111/Forge carry `parameters` in EXIF UserComment.
    () =>
      fields.UserComment && /(^|\n)Steps: \d/.test(fields.UserComment)
        ? parseA1111(fields.UserComment)
        : null,
  ];
  for (const attempt of attempts) {
    try {
      const info = attempt();
      if (info) return info;
    } catch {
      // Malformed JSON or text from one dialect: try the next, then give up quietly.
    }
  }
  return null;
}

function blank(tool: string): GenerationInfo {
  return {
    tool,
    prompt: null,
    negativePrompt: null,
    seed: null,
    steps: null,
    sampler: null,
    cfg: null,
    width: null,
    height: null,
    model: null,
    modelHash: null,
    loras: [],
    extra: {},
  };
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null;

const PAIR = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;

/** AUTOMATIC1111 / Forge / sd.cpp `parameters`. */
export function parseA1111(text: string): GenerationInfo | null {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let paramsLine = '';
  if (lines.length > 0 && /(^|, )Steps: /.test(lines[lines.length - 1]!)) paramsLine = lines.pop()!;
  const negIndex = lines.findIndex((l) => l.startsWith('Negative prompt:'));
  const promptLines = negIndex >= 0 ? lines.slice(0, negIndex) : lines;
  const negLines = negIndex >= 0 ? lines.slice(negIndex) : [];
  const prompt = promptLines.join('\n').trim();
  const negative = negLines
    .join('\n')
    .replace(/^Negative prompt:\s*/, '')
    .trim();
  if (!paramsLine && !prompt) return null;

  const params: Record<string, string> = {};
  for (const m of paramsLine.matchAll(PAIR)) {
    let value = m[2]!.trim();
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {}
    }
    params[m[1]!.trim()] = value;
  }
  const version = params.Version ?? '';
  const tool =
    /stable-diffusion\.cpp|sd\.cpp/i.test(version) || /sd\.cpp/i.test(params.Software ?? '')
      ? 'sd.cpp'
      : /^f\d/.test(version) || /forge/i.test(version)
        ? 'Forge'
        : 'AUTOMATIC1111';
  const info = blank(tool);
  info.prompt = prompt || null;
  info.negativePrompt = negative || null;
  info.seed = str(params.Seed);
  info.steps = num(params.Steps);
  info.sampler = str(params.Sampler);
  info.cfg = num(params['CFG scale']);
  const size = /^(\d+)x(\d+)$/.exec(params.Size ?? '');
  if (size) {
    info.width = Number(size[1]);
    info.height = Number(size[2]);
  }
  info.model = str(params.Model);
  info.modelHash = str(params['Model hash']);
  const loras = new Map<string, number | null>();
  for (const m of prompt.matchAll(/<lora:([^:>]+)(?::([-\d.]+))?[^>]*>/g))
    loras.set(m[1]!, num(m[2]));
  if (params['Lora hashes']) {
    for (const part of params['Lora hashes'].split(',')) {
      const name = part.split(':')[0]?.trim();
      if (name && !loras.has(name)) loras.set(name, null);
    }
  }
  info.loras = [...loras].map(([name, weight]) => ({ name, weight }));
  const known = new Set(['Seed', 'Steps', 'Sampler', 'CFG scale', 'Size', 'Model', 'Model hash']);
  for (const [k, v] of Object.entries(params)) if (!known.has(k)) info.extra[k] = v;
  return info;
}

type ComfyNode = { class_type?: string; inputs?: Record<string, unknown> };

/** ComfyUI's API-format `prompt` graph (and, failing that, the UI `workflow`). */
export function parseComfy(
  promptJson: string | undefined,
  workflowJson: string | undefined,
): GenerationInfo | null {
  const info = blank('ComfyUI');
  let graph: Record<string, ComfyNode> | null = null;
  if (promptJson) {
    const parsed = JSON.parse(promptJson) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      graph = parsed as Record<string, ComfyNode>;
  }
  if (!graph) {
    if (!workflowJson) return null;
    const wf = JSON.parse(workflowJson) as { nodes?: unknown[] };
    if (!wf || !Array.isArray(wf.nodes)) return null;
    return info; // UI graphs hold widget values positionally: the tool is all we can say reliably.
  }
  const nodes = Object.values(graph).filter((n) => n && typeof n === 'object');
  if (!nodes.some((n) => typeof n.class_type === 'string')) return null;

  const textOf = (ref: unknown, depth = 0): string | null => {
    if (typeof ref === 'string') return ref;
    if (!Array.isArray(ref) || depth > 8) return null;
    const node = graph[String(ref[0])];
    if (!node?.inputs) return null;
    const i = node.inputs;
    return textOf(
      i.text ?? i.text_g ?? i.prompt ?? i.conditioning ?? i.string ?? i.value,
      depth + 1,
    );
  };
  const sampler = nodes.find((n) => /KSampler|SamplerCustom/i.test(n.class_type ?? ''));
  if (sampler?.inputs) {
    const i = sampler.inputs;
    info.seed = str(i.seed ?? i.noise_seed);
    info.steps = num(i.steps);
    info.cfg = num(i.cfg);
    info.sampler = str(i.sampler_name);
    if (str(i.scheduler)) info.extra.scheduler = String(i.scheduler);
    info.prompt = textOf(i.positive);
    info.negativePrompt = textOf(i.negative);
  }
  if (!info.prompt) {
    const enc = nodes.find(
      (n) => /CLIPTextEncode/.test(n.class_type ?? '') && typeof n.inputs?.text === 'string',
    );
    info.prompt = (enc?.inputs?.text as string | undefined) ?? null;
  }
  const ckpt = nodes.find((n) => /Checkpoint|UNETLoader|UnetLoader/i.test(n.class_type ?? ''));
  info.model = str(ckpt?.inputs?.ckpt_name ?? ckpt?.inputs?.unet_name);
  const latent = nodes.find((n) =>
    /EmptyLatentImage|EmptySD3LatentImage/i.test(n.class_type ?? ''),
  );
  info.width = num(latent?.inputs?.width);
  info.height = num(latent?.inputs?.height);
  for (const n of nodes) {
    if (/LoraLoader/i.test(n.class_type ?? '') && typeof n.inputs?.lora_name === 'string') {
      info.loras.push({
        name: n.inputs.lora_name.replace(/\.safetensors$/, ''),
        weight: num(n.inputs.strength_model),
      });
    }
  }
  return info;
}

function modelName(m: unknown): string | null {
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object') {
    const o = m as Record<string, unknown>;
    return str(o.model_name ?? o.name);
  }
  return null;
}

/** InvokeAI 3+/4+ `invokeai_metadata`. */
export function parseInvoke(json: string): GenerationInfo | null {
  const m = JSON.parse(json) as Record<string, unknown>;
  if (!m || typeof m !== 'object') return null;
  const info = blank('InvokeAI');
  info.prompt = str(m.positive_prompt);
  info.negativePrompt = str(m.negative_prompt);
  info.seed = str(m.seed);
  info.steps = num(m.steps);
  info.cfg = num(m.cfg_scale);
  info.sampler = str(m.scheduler);
  info.width = num(m.width);
  info.height = num(m.height);
  info.model = modelName(m.model);
  const model = m.model as Record<string, unknown> | undefined;
  info.modelHash = str(model?.hash);
  if (Array.isArray(m.loras)) {
    for (const l of m.loras as Record<string, unknown>[]) {
      const name = modelName(l?.model ?? l?.lora);
      if (name) info.loras.push({ name, weight: num(l.weight) });
    }
  }
  return info;
}

/** InvokeAI 2.x `sd-metadata`. */
export function parseInvokeLegacy(json: string): GenerationInfo | null {
  const m = JSON.parse(json) as { model_weights?: string; image?: Record<string, unknown> };
  const img = m?.image;
  if (!img) return null;
  const info = blank('InvokeAI');
  const p = img.prompt;
  info.prompt = Array.isArray(p) ? str((p[0] as { prompt?: string })?.prompt) : str(p);
  info.seed = str(img.seed);
  info.steps = num(img.steps);
  info.cfg = num(img.cfg_scale);
  info.sampler = str(img.sampler);
  info.width = num(img.width);
  info.height = num(img.height);
  info.model = str(m.model_weights);
  return info;
}

/** InvokeAI 1.x/2.x `Dream`: "prompt" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms */
export function parseDream(text: string): GenerationInfo | null {
  const m = /^"((?:\\.|[^"])*)"(.*)$/s.exec(text.trim());
  if (!m) return null;
  const info = blank('InvokeAI');
  info.prompt = m[1]!.replace(/\\"/g, '"');
  const flag = (f: string) => new RegExp(`(?:^|\\s)-${f}\\s+(\\S+)`).exec(m[2]!)?.[1] ?? null;
  info.steps = num(flag('s'));
  info.seed = flag('S');
  info.width = num(flag('W'));
  info.height = num(flag('H'));
  info.cfg = num(flag('C'));
  info.sampler = flag('A');
  return info;
}

/** NovelAI: Description = prompt, Comment = JSON with uc (negative), steps, scale, seed, sampler. */
export function parseNovelAI(fields: Record<string, string>): GenerationInfo | null {
  const info = blank('NovelAI');
  info.prompt = str(fields.Description);
  if (fields.Comment) {
    const c = JSON.parse(fields.Comment) as Record<string, unknown>;
    info.negativePrompt = str(c.uc);
    info.steps = num(c.steps);
    info.cfg = num(c.scale);
    info.seed = str(c.seed);
    info.sampler = str(c.sampler);
    info.width = num(c.width);
    info.height = num(c.height);
    if (!info.prompt) info.prompt = str(c.prompt);
  }
  info.model = str(fields.Source);
  return info;
}

function isMidjourney(d: string): boolean {
  return /Job ID:\s*[0-9a-f-]{36}/i.test(d) || /\s--(v|ar|niji|stylize|s|chaos|q)\s+\S+/.test(d);
}

/** Midjourney web downloads: Description = "prompt --ar 3:2 --v 6 Job ID: uuid". */
export function parseMidjourney(description: string, author: string | undefined): GenerationInfo {
  const info = blank('Midjourney');
  const jobId = /Job ID:\s*([0-9a-f-]{36})/i.exec(description)?.[1];
  const body = description.replace(/Job ID:\s*[0-9a-f-]{36}/i, '').trim();
  const firstFlag = body.search(/\s--\w/);
  info.prompt = (firstFlag >= 0 ? body.slice(0, firstFlag) : body).trim() || null;
  for (const m of body.matchAll(/--(\w+)(?:\s+([^\s-][^\s]*))?/g))
    info.extra[m[1]!] = m[2] ?? 'true';
  if (info.extra.seed) info.seed = info.extra.seed;
  if (info.extra.v) info.model = `Midjourney v${info.extra.v}`;
  if (info.extra.no) info.negativePrompt = info.extra.no;
  if (jobId) info.extra.jobId = jobId;
  if (author) info.extra.author = author;
  return info;
}
