/**
 * `pipeline:key:value` → batch parameters: names matched to a schema (case-, `_`- and
 * `-`-insensitive, with aliases), values coerced to the parameter's type, lists and ranges as
 * product dimensions, `a|b|c` as a per-item choice.
 */
import { clip, decodeEscapes, normName, splitOutsideQuotes, unquote } from './text';
import type { ParamSpec } from './types';

/** The ranges are the order's own (contract/generate.ts generationParams). */
export const DEFAULT_PARAMS: readonly ParamSpec[] = [
  { name: 'steps', type: 'int', min: 1, max: 200 },
  { name: 'cfg', type: 'float', min: 0, max: 50, aliases: ['scale', 'cfg_scale', 'CFG scale'] },
  { name: 'sampler', type: 'enum', aliases: ['sampler_name', 'sampling_method'] },
  { name: 'scheduler', type: 'enum', aliases: ['schedule_type'] },
  { name: 'seed', type: 'int', min: -1, max: Number.MAX_SAFE_INTEGER },
  { name: 'width', type: 'int', min: 64, max: 4096, aliases: ['w'] },
  { name: 'height', type: 'int', min: 64, max: 4096, aliases: ['h'] },
  { name: 'size', type: 'size', min: 64, max: 4096, aliases: ['resolution'] },
  { name: 'clipSkip', type: 'int', min: 1, max: 12, aliases: ['clip_skip'] },
  {
    name: 'strength',
    type: 'float',
    min: 0,
    max: 1,
    aliases: ['denoise', 'denoising_strength', 'denoising'],
  },
];

const TYPES = new Set(['int', 'float', 'enum', 'size', 'string']);
/** More than this many list values in one parameter are dropped (ranges stay lazy). */
const MAX_LIST = 10_000;

export type Schema = Map<string, ParamSpec>;

/** name and aliases (normalised) → spec; bad specs are skipped with a warning. */
export function buildSchema(specs: unknown, warn: (m: string) => void): Schema {
  const schema: Schema = new Map();
  const list: unknown[] = Array.isArray(specs) ? specs : [...DEFAULT_PARAMS];
  for (const raw of list) {
    const s = raw as Partial<ParamSpec> | null;
    if (
      !s ||
      typeof s !== 'object' ||
      typeof s.name !== 'string' ||
      normName(s.name) === '' ||
      typeof s.type !== 'string' ||
      !TYPES.has(s.type)
    ) {
      warn(`a parameter spec is not {name, type}; skipped`);
      continue;
    }
    const spec: ParamSpec = {
      name: s.name,
      type: s.type,
      ...(typeof s.min === 'number' && Number.isFinite(s.min) ? { min: s.min } : {}),
      ...(typeof s.max === 'number' && Number.isFinite(s.max) ? { max: s.max } : {}),
      ...(Array.isArray(s.options)
        ? { options: s.options.filter((o): o is string => typeof o === 'string') }
        : {}),
    };
    const names = [s.name, ...(Array.isArray(s.aliases) ? s.aliases : [])];
    for (const n of names) {
      if (typeof n !== 'string') continue;
      const key = normName(n);
      if (key !== '' && !schema.has(key)) schema.set(key, spec);
    }
  }
  return schema;
}

export type PVal = [string, string | number][];
export interface ParamDim {
  count: number;
  get(i: number): PVal;
}
export type ParamPlan =
  | { kind: 'const'; val: PVal }
  | { kind: 'dim'; dim: ParamDim }
  | { kind: 'choice'; alts: PVal[] };

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const SIZE = /^(\d{1,6})\s*[x×*]\s*(\d{1,6})$/i;
const RANGE = /^([+-]?\d{1,15})\.\.([+-]?\d{1,15})(?:\.\.(\d{1,15}))?$/;

function inRange(spec: ParamSpec, v: number, shown: string, warn: (m: string) => void): boolean {
  if (spec.min !== undefined && v < spec.min) {
    warn(`${spec.name}: ${shown} is below the minimum ${spec.min}; dropped`);
    return false;
  }
  if (spec.max !== undefined && v > spec.max) {
    warn(`${spec.name}: ${shown} is above the maximum ${spec.max}; dropped`);
    return false;
  }
  return true;
}

/** One written value → the entries it sets, or null (dropped, with a warning). */
function coerce(
  spec: ParamSpec | undefined,
  key: string,
  raw: string,
  warn: (m: string) => void,
): PVal | null {
  const v = decodeEscapes(unquote(raw));
  if (!spec) return [[key, FLOAT.test(v) && Number.isFinite(Number(v)) ? Number(v) : v]];
  switch (spec.type) {
    case 'int': {
      const n = Number(v);
      if (!INT.test(v)) {
        warn(`${spec.name}: '${clip(v)}' is not a whole number; dropped`);
        return null;
      }
      if (!Number.isSafeInteger(n)) {
        warn(`${spec.name}: '${clip(v)}' is too large; dropped`);
        return null;
      }
      return inRange(spec, n, String(n), warn) ? [[spec.name, n]] : null;
    }
    case 'float': {
      const n = Number(v);
      if (!FLOAT.test(v) || !Number.isFinite(n)) {
        warn(`${spec.name}: '${clip(v)}' is not a number; dropped`);
        return null;
      }
      return inRange(spec, n, String(n), warn) ? [[spec.name, n]] : null;
    }
    case 'enum': {
      const opts = spec.options;
      if (!opts || opts.length === 0) return v === '' ? null : [[spec.name, v]];
      const found =
        opts.find((o) => o === v) ??
        opts.find((o) => o.toLowerCase() === v.toLowerCase()) ??
        opts.find((o) => normName(o) === normName(v));
      if (found === undefined) {
        const shown = opts.slice(0, 8).join(', ') + (opts.length > 8 ? ', …' : '');
        warn(`${spec.name}: '${clip(v)}' is not one of ${clip(shown)}; dropped`);
        return null;
      }
      return [[spec.name, found]];
    }
    case 'size': {
      const m = SIZE.exec(v);
      if (!m) {
        warn(`${spec.name}: '${clip(v)}' is not a size like 832x1216; dropped`);
        return null;
      }
      const w = Number(m[1]);
      const h = Number(m[2]);
      if (!inRange(spec, w, `width ${w}`, warn) || !inRange(spec, h, `height ${h}`, warn))
        return null;
      return [
        ['width', w],
        ['height', h],
      ];
    }
    case 'string':
      return [[spec.name, v]];
  }
}

type Segment = { vals: PVal[] } | { start: number; step: number; count: number };

/** `a..b[..s]` → the part of it inside the spec's min/max (a lazy segment), or null. */
function range(
  spec: ParamSpec | undefined,
  key: string,
  m: RegExpExecArray,
  warn: (m: string) => void,
): Segment | null {
  const name = spec?.name ?? key;
  if (spec && spec.type !== 'int' && spec.type !== 'float') {
    warn(`${name}: ranges are for numbers; '${clip(m[0])}' dropped`);
    return null;
  }
  const a = Number(m[1]);
  const b = Number(m[2]);
  const s = m[3] === undefined ? 1 : Number(m[3]);
  if (![a, b, s].every(Number.isSafeInteger) || s < 1) {
    warn(`${name}: '${clip(m[0])}' is not a range like 10..20 or 10..20..5; dropped`);
    return null;
  }
  const dir = b >= a ? 1 : -1;
  const count = Math.floor(Math.abs(b - a) / s) + 1;
  let k0 = 0;
  let k1 = count - 1;
  const lo = spec?.min;
  const hi = spec?.max;
  // value(k) = a + dir*s*k
  if (dir === 1) {
    if (lo !== undefined) k0 = Math.max(k0, Math.ceil((lo - a) / s));
    if (hi !== undefined) k1 = Math.min(k1, Math.floor((hi - a) / s));
  } else {
    if (hi !== undefined) k0 = Math.max(k0, Math.ceil((a - hi) / s));
    if (lo !== undefined) k1 = Math.min(k1, Math.floor((a - lo) / s));
  }
  if (k0 > k1) {
    warn(`${name}: '${clip(m[0])}' is outside ${lo ?? '…'}..${hi ?? '…'}; dropped`);
    return null;
  }
  if (k0 > 0 || k1 < count - 1)
    warn(
      `${name}: '${clip(m[0])}' goes outside ${lo ?? '…'}..${hi ?? '…'}; kept ${a + dir * s * k0}..${a + dir * s * k1}`,
    );
  return { start: a + dir * s * k0, step: dir * s, count: k1 - k0 + 1 };
}

/** One `pipeline:key:value` → its plan (null when nothing valid is left). */
export function planParam(
  schema: Schema,
  key: string,
  value: string,
  warn: (m: string) => void,
): ParamPlan | null {
  const spec = schema.get(normName(key));
  if (!spec) warn(`pipeline:${clip(key)} is not a known parameter; passed through as written`);
  const name = spec?.name ?? key;

  const choices = splitOutsideQuotes(value, '|');
  if (choices.length > 1) {
    const alts = choices
      .filter((c) => c.trim() !== '')
      .map((c) => coerce(spec, key, c, warn))
      .filter((v): v is PVal => v !== null);
    if (alts.length === 0) return null;
    return alts.length === 1 ? { kind: 'const', val: alts[0]! } : { kind: 'choice', alts };
  }

  const segments: Segment[] = [];
  let vals: PVal[] = [];
  let listed = 0;
  for (const part of splitOutsideQuotes(value, ',')) {
    if (part.trim() === '') continue;
    const m = RANGE.exec(part.trim());
    if (m) {
      const seg = range(spec, key, m, warn);
      if (seg) {
        if (vals.length) segments.push({ vals });
        vals = [];
        segments.push(seg);
      }
      continue;
    }
    if (++listed > MAX_LIST) {
      warn(`${name}: more than ${MAX_LIST} values; the rest dropped`);
      break;
    }
    const v = coerce(spec, key, part, warn);
    if (v) vals.push(v);
  }
  if (vals.length) segments.push({ vals });
  let count = 0;
  for (const s of segments) count += 'vals' in s ? s.vals.length : s.count;
  if (count === 0) return null;
  const get = (i: number): PVal => {
    let j = i;
    for (const s of segments) {
      const n = 'vals' in s ? s.vals.length : s.count;
      if (j < n) return 'vals' in s ? s.vals[j]! : [[name, s.start + s.step * j]];
      j -= n;
    }
    return [];
  };
  if (count === 1) return { kind: 'const', val: get(0) };
  return { kind: 'dim', dim: { count, get } };
}
