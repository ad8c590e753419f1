import { describe, expect, it } from 'vitest';
import { ex, prompts } from './helpers';

describe('option lists (rule 4)', () => {
  it('multiply across every list, the last varying fastest', () => {
    const r = ex('a [red,blue] [cat,dog]');
    expect(r.ok).toBe(true);
    expect(prompts(r)).toEqual(['a red cat', 'a red dog', 'a blue cat', 'a blue dog']);
    expect(r.batches[0]).toMatchObject({ index: 1, count: 4, combinations: 4, truncated: false });
  });

  it('trim their options', () => {
    expect(prompts(ex('a [ red , blue ] cat'))).toEqual(['a red cat', 'a blue cat']);
  });

  it('multiply with the negative’s lists after the prompt’s', () => {
    const r = ex('a [cat,dog]', { negative: '[blurry,ugly]' });
    expect(r.items.map((i) => [i.prompt, i.negative])).toEqual([
      ['a cat', 'blurry'],
      ['a cat', 'ugly'],
      ['a dog', 'blurry'],
      ['a dog', 'ugly'],
    ]);
  });

  it('an empty option leaves no double space or stray comma', () => {
    expect(prompts(ex('x [a,b,] y'))).toEqual(['x a y', 'x b y', 'x y']);
    expect(prompts(ex('cat, [red,], dog'))).toEqual(['cat, red, dog', 'cat, dog']);
    expect(prompts(ex('[,big] cat'))).toEqual(['cat', 'big cat']);
    expect(prompts(ex('cat, [,red]'))).toEqual(['cat', 'cat, red']);
    expect(prompts(ex('[a,,b]'))).toEqual(['a', '', 'b']);
  });

  it('tidies every prompt: spaces, commas, ends', () => {
    expect(prompts(ex('  a   cat ,  , dog ,  '))).toEqual(['a cat, dog']);
    expect(prompts(ex('line one \n  line two'))).toEqual(['line one\nline two']);
  });

  it('[a] is literal a, [foo] with no lookup foo is literal foo', () => {
    const r = ex('[a] [foo] [big red cat]');
    expect(prompts(r)).toEqual(['a foo big red cat']);
    expect(r.warnings).toEqual([]);
  });

  it('duplicate options stay two items', () => {
    expect(prompts(ex('[a,a]'))).toEqual(['a', 'a']);
  });

  it('commas and colons inside (), <> and {} do not split', () => {
    expect(prompts(ex('[(red, blue:1.2), <lora:x:0.8>, {a,b}]'))).toEqual([
      '(red, blue:1.2)',
      '<lora:x:0.8>',
      '{a,b}',
    ]);
    // An unbalanced group falls back to plain splitting.
    expect(prompts(ex('[a<b, c]'))).toEqual(['a<b', 'c']);
  });
});

describe('picks [a,b,c:N] (rule 4)', () => {
  it('picks N distinct options per item, in written order, seeded', () => {
    expect(prompts(ex('a [a,b,c,d,e:2] thing', { seed: 1 }))).toEqual(['a a, e thing']);
    expect(prompts(ex('a [a,b,c,d,e:2] thing', { seed: 1 }))).toEqual(['a a, e thing']);
    expect(prompts(ex('a [a,b,c,d,e:2] thing', { seed: 2 }))).toEqual(['a a, b thing']);
  });

  it('is a draw, not a product dimension', () => {
    const r = ex('[a,b,c:1] [x,y]');
    expect(r.total).toBe(2);
    expect(r.batches[0]!.combinations).toBe(2);
  });

  it('over the seeds, every option gets picked', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 60; seed++)
      for (const p of prompts(ex('[a,b,c,d:2]', { seed }))) {
        const parts = p.split(', ');
        expect(parts).toHaveLength(2);
        expect(new Set(parts).size).toBe(2);
        expect([...parts].sort()).toEqual(parts);
        for (const x of parts) seen.add(x);
      }
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('N above the count uses them all (warning); N = 0 is empty (warning)', () => {
    const all = ex('[a,b:5] x');
    expect(prompts(all)).toEqual(['a, b x']);
    expect(all.warnings).toEqual(['batch 1: [a,b:5] asks for 5 of 2 options; all 2 used']);
    const none = ex('[a,b:0] x');
    expect(prompts(none)).toEqual(['x']);
    expect(none.warnings).toEqual(['batch 1: [a,b:0] picks none of its options']);
  });

  it('skips empty options in the join', () => {
    expect(prompts(ex('[a,,:2]', { seed: 3 }))[0]).toMatch(/^(a|)$/);
  });
});

describe('escapes', () => {
  it('\\[ \\] \\, are literal in the output', () => {
    expect(prompts(ex('a \\[b\\] c\\, d'))).toEqual(['a [b] c, d']);
    expect(prompts(ex('[x\\,y, z]'))).toEqual(['x,y', 'z']);
    expect(prompts(ex('\\[a,b\\]'))).toEqual(['[a,b]']);
  });

  it('\\( and other backslashes pass through; \\\\[ keeps one backslash', () => {
    expect(prompts(ex('\\(cat\\) a\\b'))).toEqual(['\\(cat\\) a\\b']);
    expect(prompts(ex('\\\\[x\\\\]'))).toEqual(['\\[x\\]']);
  });

  it('an escaped comma is not tidied away', () => {
    expect(prompts(ex('a \\, \\,'))).toEqual(['a , ,']);
  });
});

describe('A1111 syntax passes through untouched', () => {
  it.each([
    '(word:1.2)',
    '((word))',
    '<lora:x:0.8>',
    '<hypernet:y:1>',
    '[from:to:0.5]',
    '[from:to:10]',
    '[cat:10]',
    '[cat:0.5]',
    '[from::5]',
    '[a:b]',
    '[a|b|c]',
    '[a, b:c:0.5]',
    '[]',
    'a BREAK b',
    'embedding:foo',
  ])('%s', (text) => {
    const r = ex(`masterpiece, ${text}, cat`);
    expect(prompts(r)).toEqual([`masterpiece, ${text}, cat`]);
    expect(r.warnings).toEqual([]);
  });

  it('[a,b:c] (a colon that is not :N) is untouched', () => {
    expect(prompts(ex('[a,b:c]'))).toEqual(['[a,b:c]']);
    expect(prompts(ex('[a,b:1.5]'))).toEqual(['[a,b:1.5]']);
    expect(prompts(ex('[a:1,b:2]'))).toEqual(['[a:1,b:2]']);
  });

  it('options and emphasis mix', () => {
    expect(prompts(ex('([red,blue] hair:1.2) <lora:[a,b]:0.5>'))).toEqual([
      '(red hair:1.2) <lora:a:0.5>',
      '(red hair:1.2) <lora:b:0.5>',
      '(blue hair:1.2) <lora:a:0.5>',
      '(blue hair:1.2) <lora:b:0.5>',
    ]);
  });
});

describe('unbalanced and nested brackets', () => {
  it('an unmatched bracket stays as text, with a warning', () => {
    const r = ex('a [b c');
    expect(prompts(r)).toEqual(['a [b c']);
    expect(r.warnings).toEqual([
      "batch 1: a '[' or ']' has no partner; left as text (write \\[ or \\] for one)",
    ]);
    expect(prompts(ex('a] [x,y]'))).toEqual(['a] x', 'a] y']);
  });

  it('only the innermost brackets expand; the outer stay, with a warning', () => {
    const r = ex('[a,[b,c]]');
    expect(prompts(r)).toEqual(['[a,b]', '[a,c]']);
    expect(r.warnings).toEqual([
      'batch 1: brackets inside brackets: only the innermost […] expands, the outer ones stay as text',
    ]);
  });

  it('nested A1111 prompt editing stays untouched without a warning', () => {
    const r = ex('[[a:b:0.3]:c:0.6]');
    expect(prompts(r)).toEqual(['[[a:b:0.3]:c:0.6]']);
    expect(r.warnings).toEqual([]);
  });
});
