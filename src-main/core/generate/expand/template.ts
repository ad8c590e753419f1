/**
 * Templates: a prompt (or a lookup value) parsed once into literal text, product dimensions
 * (`[a,b]` in a prompt), per-item draws (`[colour]`, `__colour__`, `[colour_1]`), back-references
 * (`[=colour]`) and picks (`[a,b,c:2]`); then rendered once per item against its digits (which
 * option of each dimension) and its own seeded draw state.
 */
import type { Rng } from './rng';
import { clip } from './text';

export type Seg =
  | { k: 't'; s: string }
  /** Product dimension `d` of the part (an index into Parsed.dims). */
  | { k: 'dim'; d: number }
  /** A draw from lookup `base`; `stream` is `base` or an alias (`base_2`) with its own pool. */
  | { k: 'draw'; stream: string; base: string; name: string }
  | { k: 'ref'; stream: string; base: string; name: string }
  | { k: 'pick'; opts: Template[]; n: number };
export type Template = Seg[];

export interface Parsed {
  tpl: Template;
  /** Each product dimension's options (only in a prompt; a lookup value has none). */
  dims: Template[][];
  warnings: string[];
}

export const MAX_DEPTH = 12;
export const MAX_DRAWS_PER_ITEM = 1000;
export const MAX_ITEM_CHARS = 400_000;

const IDENT = /^[A-Za-z0-9][\w\-/.]*$/;
const BACKREF = /^=\s*([A-Za-z0-9][\w\-/.]*)$/;
const WILDCARD = /__([A-Za-z0-9][\w\-/.]*?)__/g;

/** A lookup name as written → its pool: `colour`, or `colour_2` (an alias) when only `colour`
 * is a lookup. */
export function resolveName(
  lookups: ReadonlyMap<string, string[]>,
  name: string,
): { stream: string; base: string } | null {
  const lower = name.toLowerCase();
  if (lookups.has(lower)) return { stream: lower, base: lower };
  const m = /^(.+)_(\d+)$/.exec(lower);
  if (m && lookups.has(m[1]!)) return { stream: lower, base: m[1]! };
  return null;
}

class Builder {
  readonly tpl: Template = [];
  text(s: string): void {
    if (s === '') return;
    const last = this.tpl[this.tpl.length - 1];
    if (last?.k === 't') last.s += s;
    else this.tpl.push({ k: 't', s });
  }
  push(seg: Seg): void {
    if (seg.k === 't') this.text(seg.s);
    else this.tpl.push(seg);
  }
}

/** Splits bracket content on commas outside (), <>, {}; notes where the colons outside them are. */
function splitTop(
  content: string,
  grouped: boolean,
): { opts: string[]; colons: [number, number][] } {
  const opts: string[] = [];
  const colons: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (grouped && (c === '(' || c === '<' || c === '{')) depth++;
    else if (grouped && (c === ')' || c === '>' || c === '}')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && c === ',') {
      opts.push(content.slice(start, i));
      start = i + 1;
    } else if (depth === 0 && c === ':') colons.push([opts.length, i - start]);
  }
  opts.push(content.slice(start));
  if (grouped && depth !== 0) return splitTop(content, false);
  return { opts, colons };
}

export function parseTemplate(
  text: string,
  lookups: ReadonlyMap<string, string[]>,
  mode: 'prompt' | 'value',
): Parsed {
  const b = new Builder();
  const dims: Template[][] = [];
  const warnings = new Set<string>();
  const warn = (m: string): void => {
    warnings.add(m);
  };

  /** Literal text, with its `__name__` draws. */
  const literal = (s: string, into: Builder): void => {
    if (!s.includes('__')) return into.text(s);
    let pos = 0;
    WILDCARD.lastIndex = 0;
    for (let m = WILDCARD.exec(s); m; m = WILDCARD.exec(s)) {
      const r = resolveName(lookups, m[1]!);
      if (!r) {
        warn(`${clip(m[0])}: no lookup named '${clip(m[1]!.toLowerCase())}'; left as text`);
        continue;
      }
      into.text(s.slice(pos, m.index));
      into.push({ k: 'draw', ...r, name: m[1]! });
      pos = m.index + m[0].length;
    }
    into.text(s.slice(pos));
  };

  /** One option (or a one-option token): a back-reference, a lookup, or literal text. */
  const option = (raw: string): Template => {
    const o = new Builder();
    const t = raw.trim();
    const ref = BACKREF.exec(t);
    if (ref) {
      const r = resolveName(lookups, ref[1]!);
      if (r) o.push({ k: 'ref', ...r, name: ref[1]! });
      else {
        warn(`[=${clip(ref[1]!)}]: no lookup named '${clip(ref[1]!.toLowerCase())}'; used as text`);
        o.text(ref[1]!);
      }
      return o.tpl;
    }
    const r = IDENT.test(t) ? resolveName(lookups, t) : null;
    if (r) o.push({ k: 'draw', ...r, name: t });
    else literal(t, o);
    return o.tpl;
  };

  /** One innermost `[…]`: true when it expanded (false: left as text). */
  const token = (content: string): boolean => {
    if (content.trim() === '') {
      b.text(`[${content}]`);
      return false;
    }
    const { opts, colons } = splitTop(content, true);
    if (colons.length === 0) {
      if (opts.length === 1 && opts[0]!.includes('|')) {
        // A1111 alternation [a|b]: untouched.
        literal(`[${content}]`, b);
        return false;
      } else if (opts.length === 1) {
        for (const seg of option(opts[0]!)) b.push(seg);
      } else if (mode === 'prompt') {
        dims.push(opts.map(option));
        b.push({ k: 'dim', d: dims.length - 1 });
      } else {
        b.push({ k: 'pick', opts: opts.map(option), n: 1 });
      }
      return true;
    }
    // `[a,b,c:N]`: the one colon outside groups sits in the last of two or more options.
    const [onlyOpt, at] = colons[0]!;
    const lastIdx = opts.length - 1;
    if (colons.length === 1 && opts.length >= 2 && onlyOpt === lastIdx) {
      const last = opts[lastIdx]!;
      const n = last.slice(at + 1).trim();
      if (/^\d{1,9}$/.test(n)) {
        const choices = [...opts.slice(0, lastIdx), last.slice(0, at)].map(option);
        let count = Number(n);
        if (count === 0) warn(`[${clip(content)}] picks none of its options`);
        if (count > choices.length) {
          warn(
            `[${clip(content)}] asks for ${count} of ${choices.length} options; all ${choices.length} used`,
          );
          count = choices.length;
        }
        b.push({ k: 'pick', opts: choices, n: count });
        return true;
      }
    }
    // A1111 prompt editing ([from:to:when], [to:when], [from::when]) and anything else with a
    // colon outside groups: untouched (its `__name__` draws still happen).
    literal(`[${content}]`, b);
    return false;
  };

  // Innermost bracket pairs are tokens; a pair with pairs inside stays as text.
  const stack: { pos: number; child: boolean }[] = [];
  const pairs: { open: number; close: number; nested: boolean }[] = [];
  let unmatched = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */) stack.push({ pos: i, child: false });
    else if (c === 93 /* ] */) {
      const top = stack.pop();
      if (!top) {
        unmatched = true;
        continue;
      }
      if (!top.child) pairs.push({ open: top.pos, close: i, nested: stack.length > 0 });
      const parent = stack[stack.length - 1];
      if (parent) parent.child = true;
    }
  }
  if (stack.length > 0) unmatched = true;

  let pos = 0;
  let nestedToken = false;
  for (const p of pairs) {
    literal(text.slice(pos, p.open), b);
    if (token(text.slice(p.open + 1, p.close)) && p.nested) nestedToken = true;
    pos = p.close + 1;
  }
  literal(text.slice(pos), b);
  if (unmatched) warn(`a '[' or ']' has no partner; left as text (write \\[ or \\] for one)`);
  if (nestedToken)
    warn(`brackets inside brackets: only the innermost […] expands, the outer ones stay as text`);
  return { tpl: b.tpl, dims, warnings: [...warnings] };
}

/** One item's draws: each pool's values used so far, each pool's latest pick. */
export interface DrawState {
  rng: Rng;
  /** Per pool: how many drawn, and the swaps of its lazy shuffle. */
  used: Map<string, { k: number; swaps: Map<number, number> }>;
  last: Map<string, string>;
  draws: number;
  chars: number;
}

export interface RenderEnv {
  lookups: ReadonlyMap<string, string[]>;
  /** A lookup value's template (parsed once per expansion). */
  value(v: string): Template;
  warn(msg: string): void;
}

export function newDrawState(rng: Rng): DrawState {
  return { rng, used: new Map(), last: new Map(), draws: 0, chars: 0 };
}

/** Appends the rendering of `tpl` to `out`; `digits[offset + d]` picks dimension d's option. */
export function render(
  tpl: Template,
  dims: Template[][],
  digits: readonly number[],
  offset: number,
  st: DrawState,
  env: RenderEnv,
  out: string[],
  stack: string[] = [],
): void {
  for (const seg of tpl) {
    switch (seg.k) {
      case 't':
        out.push(seg.s);
        st.chars += seg.s.length;
        break;
      case 'dim': {
        const opt = dims[seg.d]?.[digits[offset + seg.d] ?? 0];
        if (opt) render(opt, dims, digits, offset, st, env, out, stack);
        break;
      }
      case 'draw': {
        const v = draw(seg.stream, seg.base, seg.name, st, env, stack);
        out.push(v);
        break;
      }
      case 'ref': {
        const prev = st.last.get(seg.stream);
        if (prev !== undefined) {
          out.push(prev);
          st.chars += prev.length;
          break;
        }
        env.warn(
          `[=${clip(seg.name)}] comes before any draw from ${clip(seg.stream)}; used its first value`,
        );
        const first = env.lookups.get(seg.base)?.[0];
        if (first === undefined || stack.includes(seg.base) || stack.length >= MAX_DEPTH) break;
        const sub: string[] = [];
        render(env.value(first), [], [], 0, st, env, sub, [...stack, seg.base]);
        out.push(sub.join(''));
        break;
      }
      case 'pick': {
        if (seg.n <= 0) break;
        const chosen = st.rng.distinct(seg.opts.length, seg.n);
        const parts: string[] = [];
        for (const i of chosen) {
          const sub: string[] = [];
          render(seg.opts[i]!, dims, digits, offset, st, env, sub, stack);
          const s = sub.join('').trim();
          if (s !== '') parts.push(s);
        }
        out.push(parts.join(', '));
        break;
      }
    }
  }
}

function draw(
  stream: string,
  base: string,
  name: string,
  st: DrawState,
  env: RenderEnv,
  stack: string[],
): string {
  const values = env.lookups.get(base) ?? [];
  if (values.length === 0) {
    env.warn(`lookup '${clip(base)}' is empty`);
    return '';
  }
  if (stack.includes(base)) {
    env.warn(
      `lookup cycle ${clip([...stack, base].join(' → '))}: not followed, left as '${clip(name)}'`,
    );
    return name;
  }
  if (stack.length >= MAX_DEPTH) {
    env.warn(`lookups nest deeper than ${MAX_DEPTH}; '${clip(name)}' left as text`);
    return name;
  }
  if (st.draws >= MAX_DRAWS_PER_ITEM || st.chars > MAX_ITEM_CHARS) {
    env.warn(
      `an item needs more than ${MAX_DRAWS_PER_ITEM} lookup draws or ${MAX_ITEM_CHARS} characters; the rest are left out`,
    );
    return '';
  }
  st.draws++;
  // Without replacement: a sparse Fisher–Yates shuffle per pool, O(1) a draw whatever the size.
  let pool = st.used.get(stream);
  if (!pool) st.used.set(stream, (pool = { k: 0, swaps: new Map() }));
  if (pool.k >= values.length) {
    env.warn(
      `lookup '${clip(base)}' has ${values.length} value${values.length === 1 ? '' : 's'}, fewer than one item draws from it; values repeat`,
    );
    pool.k = 0;
    pool.swaps.clear();
  }
  const j = pool.k + st.rng.int(values.length - pool.k);
  const idx = pool.swaps.get(j) ?? j;
  pool.swaps.set(j, pool.swaps.get(pool.k) ?? pool.k);
  pool.k++;
  const sub: string[] = [];
  render(env.value(values[idx]!), [], [], 0, st, env, sub, [...stack, base]);
  const v = sub.join('');
  st.last.set(stream, v);
  return v;
}
