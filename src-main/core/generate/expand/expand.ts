/** The expander's driver: the steps of index.ts, in order, for one order. */
import { buildSchema, planParam, type ParamDim, type ParamPlan, type PVal } from './params';
import { Rng, hashWords, numberWords } from './rng';
import {
  newDrawState,
  parseTemplate,
  render,
  type Parsed,
  type RenderEnv,
  type Template,
} from './template';
import {
  clip,
  decodeEscapes,
  encodeEscapes,
  extractCommands,
  normName,
  tidy,
  unquote,
} from './text';
import type { ExpandInput, ExpandedBatch, ExpandedItem, Expansion } from './types';

export const EXPAND_LIMITS = {
  /** Default generations per order. */
  maxItems: 1000,
  /** `maxItems` is clamped to this. */
  hardMaxItems: 10_000,
  defaultBatchLimit: 100,
  /** Longer prompts (or negatives) are refused. */
  maxPromptChars: 200_000,
  maxBatches: 10_000,
  /** All items' prompts and negatives together; past it the expansion stops. */
  maxOutputChars: 8_000_000,
  /** Per batch (and for the order), then "…and N more". */
  maxWarnings: 50,
} as const;

const SAFE = Number.MAX_SAFE_INTEGER;

class Notes {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();
  private more = 0;
  constructor(private readonly prefix: string) {}
  add(msg: string): void {
    const m = this.prefix + msg;
    if (this.seen.has(m)) return;
    this.seen.add(m);
    if (this.list.length < EXPAND_LIMITS.maxWarnings) this.list.push(m);
    else this.more++;
  }
  done(): string[] {
    if (this.more > 0) this.list.push(`${this.prefix}…and ${this.more} more warnings`);
    this.more = 0;
    return this.list;
  }
}

interface Part {
  index: number;
  prompt: Parsed;
  negative: Parsed;
  counts: number[];
  combos: number;
  saturated: boolean;
}

interface BatchPlan {
  index: number;
  notes: Notes;
  empty: boolean;
  parts: Part[];
  params: ParamPlan[];
  limit: number;
  sample: number | undefined;
  combos: number;
  saturated: boolean;
}

interface Key {
  part: Part;
  digits: number[];
  words: number[];
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const blank = (s: string): boolean => tidy(s) === '';

function product(counts: readonly number[]): { combos: number; saturated: boolean } {
  let c = 1;
  for (const n of counts) {
    c *= n;
    if (c > SAFE) return { combos: SAFE, saturated: true };
  }
  return { combos: c, saturated: false };
}

function decode(l: number, counts: readonly number[]): number[] {
  const digits = new Array<number>(counts.length);
  let rest = l;
  for (let d = counts.length - 1; d >= 0; d--) {
    const c = counts[d]!;
    digits[d] = rest % c;
    rest = Math.floor(rest / c);
  }
  return digits;
}

function failed(
  errors: string[],
  warnings: string[] = [],
  meta: Record<string, string> = {},
  dryRun = false,
): Expansion {
  return {
    ok: false,
    errors,
    warnings,
    meta,
    dryRun,
    total: 0,
    truncated: false,
    batches: [],
    items: [],
  };
}

function option(
  value: unknown,
  fallback: number,
  label: string,
  hardMax: number,
  errors: string[],
  notes: Notes,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    errors.push(`${label} must be a whole number above 0`);
    return fallback;
  }
  if (value > hardMax) {
    notes.add(`${label} ${value} is over the most, ${hardMax}; using ${hardMax}`);
    return hardMax;
  }
  return value;
}

export function expandPrompt(input: ExpandInput): Expansion {
  try {
    return expand(input);
  } catch (e) {
    return failed([`the expander failed: ${e instanceof Error ? e.message : String(e)}`]);
  }
}

function expand(input: ExpandInput): Expansion {
  if (!input || typeof input !== 'object') return failed(['the input is not an object']);
  const errors: string[] = [];
  const order = new Notes('');

  // --- The input.
  const prompt: unknown = input.prompt;
  const negative: unknown = input.negative ?? '';
  const seed: unknown = input.seed;
  if (typeof prompt !== 'string') errors.push('the prompt is not text');
  if (typeof negative !== 'string') errors.push('the negative prompt is not text');
  if (typeof seed !== 'number' || !Number.isFinite(seed)) errors.push('the seed is not a number');
  for (const [label, s] of [
    ['the prompt', prompt],
    ['the negative prompt', negative],
  ] as const) {
    if (typeof s === 'string' && s.length > EXPAND_LIMITS.maxPromptChars)
      errors.push(
        `${label} has ${s.length} characters; the most is ${EXPAND_LIMITS.maxPromptChars}`,
      );
  }
  const maxItems = option(
    input.maxItems,
    EXPAND_LIMITS.maxItems,
    'maxItems',
    EXPAND_LIMITS.hardMaxItems,
    errors,
    order,
  );
  const defaultLimit = option(
    input.defaultBatchLimit,
    EXPAND_LIMITS.defaultBatchLimit,
    'defaultBatchLimit',
    EXPAND_LIMITS.hardMaxItems,
    errors,
    order,
  );
  const lookups = new Map<string, string[]>();
  const rawLookups: unknown = input.lookups;
  if (rawLookups !== undefined && rawLookups !== null) {
    if (typeof rawLookups !== 'object' || Array.isArray(rawLookups))
      errors.push('the lookups are not a table of named lists');
    else
      for (const [name, values] of Object.entries(rawLookups as Record<string, unknown>)) {
        if (!Array.isArray(values)) {
          order.add(`lookup '${clip(name)}' is not a list; ignored`);
          continue;
        }
        const key = name.toLowerCase();
        const strings = values.filter((v): v is string => typeof v === 'string');
        if (strings.length !== values.length)
          order.add(`lookup '${clip(key)}' has values that are not text; those are ignored`);
        lookups.set(key, [...(lookups.get(key) ?? []), ...strings]);
      }
  }
  const schema = buildSchema(input.params, (m) => order.add(m));
  if (errors.length > 0 || typeof prompt !== 'string' || typeof negative !== 'string')
    return failed(errors, order.done());
  const [seedLo, seedHi] = numberWords(seed as number);

  // --- 1. meta:command:value, for the whole order.
  const mp = extractCommands(encodeEscapes(prompt), 'meta');
  const mn = extractCommands(encodeEscapes(negative), 'meta');
  const metaMap = new Map<string, string>();
  for (const c of [...mp.commands, ...mn.commands]) {
    const name = c.name.toLowerCase();
    const value = decodeEscapes(unquote(c.value));
    if (metaMap.has(name))
      order.add(`meta:${name} given more than once; the last (${clip(value)}) wins`);
    metaMap.set(name, value);
  }
  const debug = metaMap.get('debug');
  const dryRun = debug?.toLowerCase() === 'dryrun';
  if (debug !== undefined && !dryRun)
    order.add(
      `meta:debug:${clip(debug)} is not a debug mode (dryrun is); kept as a parameter only`,
    );
  const meta = Object.fromEntries(metaMap);

  // --- 2. Batches, and their negatives.
  const pBatches = mp.text.split('(&)');
  const nBatches = mn.text.split('(&)');
  if (nBatches.length !== 1 && nBatches.length !== pBatches.length)
    errors.push(
      `${plural(pBatches.length, 'prompt batch', 'prompt batches')} but ${plural(nBatches.length, 'negative batch', 'negative batches')}: give one negative for all, or one per batch`,
    );
  if (pBatches.length > EXPAND_LIMITS.maxBatches)
    errors.push(
      `the prompt has ${pBatches.length} batches; the most is ${EXPAND_LIMITS.maxBatches}`,
    );
  if (errors.length > 0) return failed(errors, order.done(), meta, dryRun);

  let current = order;
  const parsed = new Map<string, Parsed>();
  const parse = (text: string): Parsed => {
    let p = parsed.get(text);
    if (!p) parsed.set(text, (p = parseTemplate(text, lookups, 'prompt')));
    for (const w of p.warnings) current.add(w);
    return p;
  };
  const values = new Map<string, Template>();
  const env: RenderEnv = {
    lookups,
    value(v) {
      let t = values.get(v);
      if (!t) {
        const p = parseTemplate(encodeEscapes(v), lookups, 'value');
        for (const w of p.warnings) current.add(`in a lookup value '${clip(v)}': ${w}`);
        values.set(v, (t = p.tpl));
      }
      return t;
    },
    warn: (m) => current.add(m),
  };

  // --- 3, 7, 8, 9. Per batch: its commands, its parameters, its sub-prompts and their product.
  const plans: BatchPlan[] = [];
  for (let bi = 0; bi < pBatches.length; bi++) {
    const index = bi + 1;
    const notes = new Notes(`batch ${index}: `);
    current = notes;
    const pc = extractCommands(pBatches[bi]!, 'batch');
    const nc = extractCommands(nBatches.length === 1 ? nBatches[0]! : nBatches[bi]!, 'batch');
    const commands = [...pc.commands, ...nc.commands];

    const batchValues = new Map<string, number>();
    for (const c of commands) {
      if (c.prefix !== 'batch') continue;
      const name = normName(c.name);
      if (name !== 'maxbatchitems' && name !== 'sample') {
        notes.add(`batch:${clip(c.name)} is not a batch command (maxbatchitems, sample); ignored`);
        continue;
      }
      if (!/^\d{1,9}$/.test(c.value) || Number(c.value) < 1) {
        notes.add(`batch:${name}: '${clip(c.value)}' is not a whole number above 0; ignored`);
        continue;
      }
      if (batchValues.has(name))
        notes.add(`batch:${name} given more than once; the last (${clip(c.value)}) wins`);
      batchValues.set(name, Number(c.value));
    }

    const paramPlans = new Map<string, ParamPlan>();
    for (const c of commands) {
      if (c.prefix !== 'pipeline') continue;
      const plan = planParam(schema, c.name, c.value, (m) => notes.add(m));
      const canon = schema.get(normName(c.name))?.name ?? c.name;
      const key = normName(canon);
      if (!plan) continue;
      if (paramPlans.has(key))
        notes.add(`pipeline:${clip(canon)} given more than once; the last (${clip(c.value)}) wins`);
      paramPlans.set(key, plan);
    }
    const params = [...paramPlans.values()];
    const paramDims: ParamDim[] = [];
    for (const p of params) if (p.kind === 'dim') paramDims.push(p.dim);

    const pParts = pc.text.split('||');
    const nParts = nc.text.split('||');
    const plan: BatchPlan = {
      index,
      notes,
      empty: false,
      parts: [],
      params,
      limit: batchValues.get('maxbatchitems') ?? defaultLimit,
      sample: batchValues.get('sample'),
      combos: 0,
      saturated: false,
    };
    plans.push(plan);
    if (nParts.length !== 1 && nParts.length !== pParts.length) {
      errors.push(
        `batch ${index}: ${plural(pParts.length, 'prompt part', 'prompt parts')} (||) but ${plural(nParts.length, 'negative part', 'negative parts')}: give one negative for all, or one per part`,
      );
      continue;
    }
    if (pParts.every(blank)) {
      plan.empty = true;
      notes.add('the prompt is empty; skipped');
      continue;
    }
    for (let pi = 0; pi < pParts.length; pi++) {
      if (blank(pParts[pi]!)) {
        notes.add(`part ${pi + 1} (between ||) is empty; skipped`);
        continue;
      }
      const promptT = parse(pParts[pi]!);
      const negT = parse(nParts.length === 1 ? nParts[0]! : nParts[pi]!);
      const counts = [
        ...promptT.dims.map((d) => d.length),
        ...negT.dims.map((d) => d.length),
        ...paramDims.map((d) => d.count),
      ];
      const { combos, saturated } = product(counts);
      plan.parts.push({
        index: pi + 1,
        prompt: promptT,
        negative: negT,
        counts,
        combos,
        saturated,
      });
      plan.combos += combos;
      if (saturated || plan.combos > SAFE) {
        plan.saturated = true;
        plan.combos = SAFE;
      }
    }
  }
  if (errors.length > 0)
    return failed(errors, [...order.done(), ...plans.flatMap((p) => p.notes.done())], meta, dryRun);
  if (plans.every((p) => p.empty))
    return failed(
      ['the prompt is empty'],
      [...order.done(), ...plans.flatMap((p) => p.notes.done())],
      meta,
      dryRun,
    );

  // --- 6, 10. Items: each batch's first `limit` combinations (or its sample), up to the order cap.
  const items: ExpandedItem[] = [];
  const batches: ExpandedBatch[] = [];
  let outChars = 0;
  let capDropped = 0;
  let stop: 'cap' | 'chars' | null = null;
  for (const plan of plans) {
    current = plan.notes;
    const batch: ExpandedBatch = {
      index: plan.index,
      count: 0,
      combinations: plan.empty ? 0 : plan.combos,
      truncated: false,
      dropped: 0,
      first: null,
      warnings: [],
    };
    batches.push(batch);
    if (plan.empty) {
      batch.warnings = plan.notes.done();
      continue;
    }
    const shown = plan.saturated ? `more than ${SAFE}` : String(plan.combos);
    let sample = plan.sample;
    if (sample !== undefined && sample > plan.limit) {
      plan.notes.add(
        `sample ${sample} is more than the batch limit ${plan.limit}; sampled ${plan.limit}`,
      );
      sample = plan.limit;
    }
    if (sample !== undefined && !plan.saturated && sample >= plan.combos) {
      plan.notes.add(`sample ${sample} but only ${shown} combinations; kept them all`);
      sample = undefined;
    }
    const wanted = sample ?? plan.combos;
    const keep = Math.min(wanted, plan.limit);
    if (sample === undefined && wanted > plan.limit)
      plan.notes.add(
        `${shown} combinations, kept the first ${plan.limit} (${plan.saturated ? shown : wanted - plan.limit} dropped)`,
      );
    const take = stop ? 0 : Math.min(keep, maxItems - items.length);
    const keys =
      take === 0
        ? []
        : sample === undefined
          ? firstKeys(plan, take)
          : sampleKeys(plan, sample, take);

    for (const key of keys) {
      const item = renderItem(plan, key, env);
      const size = item.prompt.length + item.negative.length;
      if (outChars + size > EXPAND_LIMITS.maxOutputChars) {
        stop = 'chars';
        break;
      }
      outChars += size;
      items.push(item);
      batch.count++;
      batch.first ??= item;
    }
    if (!stop && take < keep) stop = 'cap';
    capDropped += keep - batch.count;
    batch.dropped = wanted - batch.count;
    batch.truncated = batch.dropped > 0;
    batch.warnings = plan.notes.done();
  }
  if (capDropped > 0 && stop === 'chars')
    order.add(
      `the prompts passed ${EXPAND_LIMITS.maxOutputChars} characters in all; stopped after ${items.length} generations (${capDropped} left out)`,
    );
  else if (capDropped > 0)
    order.add(`the order stops at ${maxItems} generations: ${capDropped} more left out`);

  return {
    ok: true,
    errors: [],
    warnings: [...order.done(), ...batches.flatMap((b) => b.warnings)],
    meta,
    dryRun,
    total: items.length,
    truncated: batches.some((b) => b.truncated),
    batches,
    items,
  };

  function itemWords(index: number, part: Part, l: number): number[] {
    const [lo, hi] = numberWords(l);
    return [seedLo, seedHi, index, part.index, lo, hi];
  }

  /** The first `take` combinations in product order (parts in order, last dimension fastest). */
  function firstKeys(plan: BatchPlan, take: number): Key[] {
    const keys: Key[] = [];
    for (const part of plan.parts) {
      for (let l = 0; l < part.combos && keys.length < take; l++)
        keys.push({ part, digits: decode(l, part.counts), words: itemWords(plan.index, part, l) });
      if (keys.length >= take) break;
    }
    return keys;
  }

  /** `sample` distinct combinations drawn with the order seed, in product order; the first
   * `take` of them. */
  function sampleKeys(plan: BatchPlan, sample: number, take: number): Key[] {
    const rng = new Rng([seedLo, seedHi, plan.index, 0x53414d50]);
    if (!plan.saturated) {
      const keys: Key[] = [];
      let p = 0;
      let start = 0;
      for (const g of rng.distinct(plan.combos, sample)) {
        while (g - start >= plan.parts[p]!.combos) start += plan.parts[p++]!.combos;
        const part = plan.parts[p]!;
        const l = g - start;
        keys.push({ part, digits: decode(l, part.counts), words: itemWords(plan.index, part, l) });
        if (keys.length >= take) break;
      }
      return keys;
    }
    // Too many to number: draw each digit, and drop repeats.
    const total = plan.parts.reduce((s, part) => s + part.combos, 0);
    const seen = new Set<string>();
    const drawn: { pi: number; digits: number[] }[] = [];
    for (let tries = 0; drawn.length < sample && tries < sample * 20; tries++) {
      let r = rng.next() * total;
      let pi = 0;
      while (pi < plan.parts.length - 1 && r >= plan.parts[pi]!.combos)
        r -= plan.parts[pi++]!.combos;
      const digits = plan.parts[pi]!.counts.map((c) => rng.int(c));
      const k = `${pi}:${digits.join(',')}`;
      if (seen.has(k)) continue;
      seen.add(k);
      drawn.push({ pi, digits });
    }
    drawn.sort((a, b) => {
      if (a.pi !== b.pi) return a.pi - b.pi;
      for (let i = 0; i < a.digits.length; i++)
        if (a.digits[i] !== b.digits[i]) return a.digits[i]! - b.digits[i]!;
      return 0;
    });
    return drawn.slice(0, take).map(({ pi, digits }) => {
      const part = plan.parts[pi]!;
      return {
        part,
        digits,
        words: [seedLo, seedHi, plan.index, part.index, hashWords(digits), 0xffffffff],
      };
    });
  }
}

function renderItem(plan: BatchPlan, key: Key, env: RenderEnv): ExpandedItem {
  const { part, digits, words } = key;
  const st = newDrawState(new Rng(words));
  const out: string[] = [];
  render(part.prompt.tpl, part.prompt.dims, digits, 0, st, env, out);
  const prompt = decodeEscapes(tidy(out.join('')));
  const neg: string[] = [];
  render(part.negative.tpl, part.negative.dims, digits, part.prompt.dims.length, st, env, neg);
  const negative = decodeEscapes(tidy(neg.join('')));
  const entries: PVal = [];
  let d = part.prompt.dims.length + part.negative.dims.length;
  let choices: Rng | null = null;
  for (const p of plan.params) {
    if (p.kind === 'const') entries.push(...p.val);
    else if (p.kind === 'dim') entries.push(...p.dim.get(digits[d++] ?? 0));
    else {
      choices ??= new Rng([...words, 0x43484f49]);
      entries.push(...p.alts[choices.int(p.alts.length)]!);
    }
  }
  return { batch: plan.index, prompt, negative, params: Object.fromEntries(entries) };
}

const QUICK =
  /\[|\(&\)|\|\||(?<![^\s,()[\]|&])(?:meta|batch|pipeline):[A-Za-z]|__[A-Za-z0-9][\w\-/.]*?__/i;

/** A quick check: does the prompt use any expander syntax (`[`, `(&)`, `||`, commands, `__x__`)? */
export function hasExpansionSyntax(prompt: string): boolean {
  return typeof prompt === 'string' && QUICK.test(prompt);
}
