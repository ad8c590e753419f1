/**
 * `npm run bench -- expand`: the prompt expander (core/generate/expand).
 *  1. A 1,000-item preview (10 batches of option lists, lookups with nesting, picks, aliases,
 *     back-references, `||`, parameter lists, ranges and choices): p50/p95/max over 200 runs
 *     after a warm-up. Target: p95 ≤ 50 ms.
 *  2. 100,000 random prompts (plausible syntax, garbage and bracket soup, from a seeded
 *     generator) through the expander: none may throw or fail inside; counts and timings.
 * `--runs N` and `--prompts N` change the sizes; `--seed N` the fuzz seed.
 */
import { parseArgs } from 'node:util';
import { expandPrompt, type ExpandInput } from '../../src-main/core/generate/expand';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    prompts: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '20240601' },
  },
});
const fmt = (n: number, d = 2) => n.toFixed(d);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const lookups: ExpandInput['lookups'] = {
  colour: Array.from({ length: 60 }, (_, i) => `colour${i}`),
  warm: ['amber', 'orange', 'crimson', 'gold', '[colour] tinted'],
  light: ['[warm] rim light', 'soft __warm__ glow', 'hard light', 'golden hour'],
  animal: ['cat', 'fox', 'owl', 'wolf', 'heron', 'hare', 'lynx', 'otter'],
  place: ['a misty forest', 'a neon alley', 'a quiet harbour', '[a,the] [old,new] mill'],
  style: ['oil painting', 'watercolour', 'ink sketch', 'photo, 35mm', 'gouache'],
};

// 10 batches × 100 = 1,000 items.
const batch = (i: number) =>
  [
    `masterpiece, a [colour] [animal,animal_1] in [place], [light], (detailed fur:1.2)`,
    `[wide shot,close-up,portrait] [style,sketch:1] [=colour] accents <lora:detail:0.6>`,
    `[morning,noon,evening,night,dawn] batch:maxbatchitems:100`,
    `pipeline:steps:20,30 pipeline:cfg:5..7 pipeline:sampler:euler|dpmpp_2m pipeline:seed:${i}`,
  ].join(' ');
const preview: ExpandInput = {
  prompt: Array.from({ length: 10 }, (_, i) => batch(i)).join(' (&) '),
  negative: 'blurry, lowres, [bad hands,extra fingers], __warm__ cast',
  seed: 42,
  lookups,
};

function previewBench(runs: number): boolean {
  const first = expandPrompt(preview);
  if (!first.ok || first.total !== 1000) {
    console.log(`preview: expected 1,000 items, got ${first.total} (${first.errors.join('; ')})`);
    return false;
  }
  for (let i = 0; i < 20; i++) expandPrompt(preview);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    expandPrompt({ ...preview, seed: i });
    ms.push(performance.now() - t);
  }
  const p95 = pct(ms, 95);
  console.log(
    `1,000-item preview (${first.batches.length} batches, ${first.batches.reduce((s, b) => s + b.combinations, 0)} combinations, ${first.warnings.length} warnings), ${runs} runs: ` +
      `p50 ${fmt(pct(ms, 50))} ms, p95 ${fmt(p95)} ms (target ≤ 50 ms), max ${fmt(Math.max(...ms))} ms ` +
      `${p95 <= 50 ? 'OK' : 'MISSED'}`,
  );
  console.log(`  e.g. ${JSON.stringify(first.items[0])}`);
  return p95 <= 50;
}

/** mulberry32: the fuzz's own seeded numbers. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const plausible = [
  'a cat',
  'masterpiece',
  '[red,blue,green]',
  '[a,b,]',
  '[a,b,c,d:2]',
  '[colour]',
  '[colour_1]',
  '[=colour]',
  '__animal__',
  '__nope__',
  '[colour,teal]',
  '(word:1.3)',
  '<lora:x:0.8>',
  '[from:to:0.4]',
  '[cat:10]',
  '[a|b]',
  '\\[lit\\]',
  'a\\,b',
  '(&)',
  '||',
  'meta:debug:dryrun',
  'meta:project:x',
  'batch:sample:3',
  'batch:maxbatchitems:7',
  'batch:sample:0',
  'pipeline:steps:10,20',
  'pipeline:steps:1..500',
  'pipeline:cfg:4..9..2',
  'pipeline:sampler:a|b',
  'pipeline:size:512x768,768x512',
  'pipeline:steps:many',
  'pipeline:seed:1..99999999999',
  'BREAK',
];
const soup = [
  '[',
  ']',
  ',',
  ':',
  '|',
  '(',
  ')',
  '<',
  '>',
  '{',
  '}',
  '=',
  '_',
  '__',
  '\\',
  '"',
  '..',
  ' ',
  '\n',
  '&',
  '0',
  '9',
  'x',
  'é',
  '😀',
  '\uFDD1',
];

function randomPrompt(next: () => number): string {
  const kind = next();
  const n = 1 + Math.floor(next() * (kind < 0.1 ? 400 : 24));
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    if (kind < 0.6) parts.push(plausible[Math.floor(r * plausible.length)]!);
    else if (kind < 0.9) parts.push(soup[Math.floor(r * soup.length)]!);
    else parts.push(String.fromCharCode(Math.floor(r * 0x3000)));
  }
  const sep = kind < 0.6 ? ', ' : '';
  return parts.join(sep);
}

function fuzzBench(count: number, seed: number): boolean {
  const next = rng(seed);
  let ok = 0;
  let refused = 0;
  let items = 0;
  let warnings = 0;
  let crashes = 0;
  let internal = 0;
  let maxMs = 0;
  let worst = '';
  const ms: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const prompt = randomPrompt(next);
    const negative = next() < 0.3 ? randomPrompt(next) : '';
    const t = performance.now();
    try {
      const r = expandPrompt({
        prompt,
        negative,
        seed: Math.floor(next() * 2 ** 32),
        lookups,
        maxItems: 1000,
      });
      if (r.ok) ok++;
      else refused++;
      if (r.errors.some((e) => e.startsWith('the expander failed'))) {
        internal++;
        if (internal <= 3)
          console.log(`  internal failure: ${r.errors[0]} on ${JSON.stringify(prompt)}`);
      }
      items += r.total;
      warnings += r.warnings.length;
      if (r.total > 1000) throw new Error(`total ${r.total} over the cap`);
    } catch (e) {
      crashes++;
      if (crashes <= 3) console.log(`  threw: ${String(e)} on ${JSON.stringify(prompt)}`);
    }
    const d = performance.now() - t;
    ms.push(d);
    if (d > maxMs) {
      maxMs = d;
      worst = prompt;
    }
  }
  const total = performance.now() - t0;
  console.log(
    `${count} random prompts (seed ${seed}): ${ok} expanded, ${refused} refused with errors, ` +
      `${crashes} threw, ${internal} internal failures; ${items} items, ${warnings} warnings; ` +
      `${fmt(total / 1000)} s in all, p50 ${fmt(pct(ms, 50), 3)} ms, p99 ${fmt(pct(ms, 99))} ms, max ${fmt(maxMs)} ms ` +
      `${crashes + internal === 0 ? 'OK' : 'FAILED'}`,
  );
  console.log(`  slowest: ${JSON.stringify(worst.slice(0, 120))}${worst.length > 120 ? '…' : ''}`);
  return crashes + internal === 0;
}

const good = [previewBench(Number(opts.runs)), fuzzBench(Number(opts.prompts), Number(opts.seed))];
if (good.includes(false)) process.exitCode = 1;
