import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandPrompt, type Expansion } from '../../../../src-main/core/generate/expand';

const lookups = {
  colour: ['red', 'green', 'blue'],
  animal: ['cat', 'dog'],
  warm: ['orange', 'amber'],
  mood: ['[warm] light', 'dark __animal__', '[soft,hard] [=warm]'],
  loop: ['[loop]'],
};

/** Bracket soup: the expander's syntax in random order, with a few odd characters. */
const soup = fc
  .array(
    fc.constantFrom(
      '[',
      ']',
      ',',
      ':',
      '|',
      '||',
      '(&)',
      '(',
      ')',
      '\\',
      '__',
      '_',
      '=',
      '<',
      '>',
      '{',
      '}',
      '"',
      ' ',
      '\n',
      'a',
      'b',
      'colour',
      'loop',
      'mood',
      '2',
      '0',
      '..',
      '\uFDD0',
      '\u{1F600}',
      'meta:',
      'meta:debug:dryrun',
      'batch:sample:',
      'batch:maxbatchitems:',
      'pipeline:steps:',
      'pipeline:size:',
      'pipeline:cfg:',
      '__colour__',
      '[=colour]',
      '[colour_1]',
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

const anyText = fc.oneof(
  soup,
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ maxLength: 300 }),
);

const limits = fc.record({
  seed: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  maxItems: fc.integer({ min: 1, max: 60 }),
  defaultBatchLimit: fc.integer({ min: 1, max: 30 }),
});

function checkShape(r: Expansion, maxItems: number): void {
  expect(r.errors.some((e) => e.startsWith('the expander failed'))).toBe(false);
  expect(r.total).toBe(r.items.length);
  expect(r.total).toBeLessThanOrEqual(maxItems);
  if (!r.ok) {
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.items).toEqual([]);
    return;
  }
  expect(r.errors).toEqual([]);
  expect(r.batches.reduce((s, b) => s + b.count, 0)).toBe(r.total);
  const batchOrder = r.items.map((i) => i.batch);
  expect([...batchOrder].sort((a, b) => a - b)).toEqual(batchOrder);
  for (const b of r.batches) {
    expect(Number.isSafeInteger(b.combinations)).toBe(true);
    expect(b.dropped).toBeGreaterThanOrEqual(0);
    expect(b.first).toEqual(r.items.find((i) => i.batch === b.index) ?? null);
  }
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

const maxbatch = (s: string): number =>
  Math.max(0, ...[...s.matchAll(/maxbatchitems:(\d+)/gi)].map((m) => Number(m[1])));

describe('properties', () => {
  it('never throws, and stays within maxItems and each batch’s limit, on any text', () => {
    fc.assert(
      fc.property(anyText, anyText, limits, (prompt, negative, o) => {
        const r = expandPrompt({ prompt, negative, lookups, ...o });
        checkShape(r, o.maxItems);
        const limit = Math.max(o.defaultBatchLimit, maxbatch(prompt + negative));
        for (const b of r.batches) expect(b.count).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 600 },
    );
  });

  it('is deterministic for the same seed (deep-equal)', () => {
    fc.assert(
      fc.property(anyText, anyText, limits, (prompt, negative, o) => {
        const input = { prompt, negative, lookups, ...o };
        expect(expandPrompt(input)).toEqual(expandPrompt(structuredClone(input)));
      }),
      { numRuns: 300 },
    );
  });

  // Valid syntax only: every token expands, so no syntax is left in the output.
  const word = fc.constantFrom('cat', 'red', 'big dog', '(soft:1.2)', '<lora:x:0.5>', 'night sky');
  const opt = fc.oneof(word, fc.constant(''), fc.constantFrom('colour', 'animal', '__warm__'));
  const token = fc.oneof(
    word,
    fc.array(opt, { minLength: 2, maxLength: 4 }).map((a) => `[${a.join(',')}]`),
    fc
      .tuple(fc.array(word, { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 4 }))
      .map(([a, n]) => `[${a.join(', ')}:${n}]`),
    word.map((w) => `[${w}]`),
    fc.constantFrom(
      '[colour]',
      '[Colour]',
      '[colour_1]',
      '[colour_2]',
      '[=colour]',
      '[=colour_1]',
      '__animal__',
      '[mood]',
      '[colour, teal]',
      '__mood__',
      '[animal,colour:1]',
      'pipeline:steps:10,20',
      'pipeline:cfg:5..7',
      'pipeline:sampler:a|b|c',
      'pipeline:size:512x768',
      'batch:sample:3',
      'meta:debug:dryrun',
      'meta:project:x',
    ),
    fc.integer({ min: 1, max: 12 }).map((n) => `batch:maxbatchitems:${n}`),
  );
  const part = fc
    .tuple(word, fc.array(token, { maxLength: 6 }))
    .map(([w, a]) => [w, ...a].join(', '));
  const batch = fc.array(part, { minLength: 1, maxLength: 3 }).map((a) => a.join(' || '));
  const structured = fc.array(batch, { minLength: 1, maxLength: 4 }).map((a) => a.join(' (&) '));

  it('leaves no valid expansion syntax in the items', () => {
    fc.assert(
      fc.property(structured, fc.oneof(fc.constant(''), part), limits, (prompt, negative, o) => {
        const r = expandPrompt({ prompt, negative, lookups, ...o });
        checkShape(r, o.maxItems);
        expect(r.ok).toBe(true);
        for (const i of r.items)
          for (const text of [i.prompt, i.negative]) {
            expect(text).not.toMatch(/[[\]]|__|\(&\)|\|\||meta:|batch:|pipeline:/);
            expect(text).not.toMatch(/ {2}|, ,|^[ ,]|[ ,]$/);
          }
        const limit = Math.max(o.defaultBatchLimit, maxbatch(prompt + negative));
        for (const b of r.batches) expect(b.count).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 500 },
    );
  });

  it('the same lookup never repeats within an item (when it has values to spare)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer(), (n, seed) => {
        const values = ['a', 'b', 'c', 'd', 'e', 'f'];
        const r = expandPrompt({
          prompt: Array.from({ length: n }, () => '[x]').join(' '),
          seed,
          lookups: { x: values },
        });
        const got = r.items[0]!.prompt.split(' ');
        expect(new Set(got).size).toBe(n);
      }),
      { numRuns: 200 },
    );
  });
});
