import { describe, expect, it } from 'vitest';
import { ex, negatives, prompts } from './helpers';

const lookups = {
  colour: ['red', 'green', 'blue', 'gold'],
  animal: ['cat', 'dog'],
  one: ['only'],
  warm: ['orange', 'amber'],
  mood: ['[warm] light'],
  a: ['A[b]'],
  b: ['B[a]'],
  empty: [],
};

describe('lookups (rule 5)', () => {
  it('[name] is one random draw per item, not a dimension', () => {
    const r = ex('a [colour] cat', { lookups });
    expect(r.total).toBe(1);
    expect(r.batches[0]!.combinations).toBe(1);
    expect(prompts(r)).toEqual(['a red cat']);
  });

  it('draws are seeded: same seed same draws, and they vary over seeds', () => {
    const p = 'a [colour] [animal] x';
    expect(ex(p, { lookups, seed: 7 })).toEqual(ex(p, { lookups, seed: 7 }));
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) seen.add(prompts(ex('[colour]', { lookups, seed }))[0]!);
    expect([...seen].sort()).toEqual(['blue', 'gold', 'green', 'red']);
  });

  it('each item of a product draws on its own', () => {
    const r = ex('[colour] [1,2,3,4,5,6,7,8]', { lookups });
    expect(new Set(prompts(r).map((p) => p.split(' ')[0])).size).toBeGreaterThan(1);
  });

  it('names match case-insensitively, and the table’s names are lower-cased', () => {
    expect(prompts(ex('[ONE] [One]', { lookups: { One: ['x', 'y'] } }))[0]).toMatch(/^(x y|y x)$/);
  });

  it('mixed lists: an option may be a lookup', () => {
    const r = ex('[colour,teal] hat', { lookups });
    expect(prompts(r)).toEqual(['red hat', 'teal hat']);
    expect(r.batches[0]!.combinations).toBe(2);
  });

  it('never repeats a value within one item', () => {
    for (let seed = 0; seed < 30; seed++) {
      const [p] = prompts(ex('[colour] [colour] [colour] [colour]', { lookups, seed }));
      expect(new Set(p!.split(' ')).size).toBe(4);
    }
    expect(prompts(ex('[colour] [colour] [colour] [colour]', { lookups, seed: 1 }))).toEqual([
      'red gold green blue',
    ]);
  });

  it('a list used more often than it has values starts over, with a warning', () => {
    const r = ex('[animal] [animal] [animal]', { lookups });
    expect(prompts(r)[0]!.split(' ')).toHaveLength(3);
    expect(r.warnings).toEqual([
      "batch 1: lookup 'animal' has 2 values, fewer than one item draws from it; values repeat",
    ]);
  });

  it('no-repeat spans prompt and negative', () => {
    for (let seed = 0; seed < 20; seed++) {
      const r = ex('[animal]', { lookups, seed, negative: '[animal]' });
      expect(r.items[0]!.prompt).not.toBe(r.items[0]!.negative);
    }
  });

  it('aliases [colour_1], [colour_2] draw with their own pools', () => {
    const r = ex('[colour] [colour] [colour_1] [colour_2] [=colour] [=colour_1] __animal__', {
      lookups,
      seed: 1,
    });
    expect(prompts(r)).toEqual(['red gold gold blue gold gold cat']);
    // An alias pool never repeats itself either.
    for (let seed = 0; seed < 20; seed++) {
      const [p] = prompts(ex('[colour_1] [colour_1]', { lookups, seed }));
      const [x, y] = p!.split(' ');
      expect(x).not.toBe(y);
    }
  });

  it('a name with _N that is itself a lookup is that lookup', () => {
    expect(prompts(ex('[colour_1]', { lookups: { colour: ['red'], colour_1: ['one'] } }))).toEqual([
      'one',
    ]);
  });

  it('[=name] repeats the latest draw in the item', () => {
    for (let seed = 0; seed < 10; seed++) {
      const [p] = prompts(
        ex('[colour] hat, [=colour] shoes, [colour] scarf, [=colour] socks', { lookups, seed }),
      );
      const m = /^(\w+) hat, (\w+) shoes, (\w+) scarf, (\w+) socks$/.exec(p!)!;
      expect(m[2]).toBe(m[1]);
      expect(m[4]).toBe(m[3]);
      expect(m[3]).not.toBe(m[1]);
    }
  });

  it('[=name] in the negative repeats the prompt’s draw', () => {
    const r = ex('[colour] cat', { lookups, negative: '[=colour] dog' });
    expect(r.items[0]!.prompt.split(' ')[0]).toBe(r.items[0]!.negative.split(' ')[0]);
  });

  it('[=name] before any draw is the first value, with a warning', () => {
    const r = ex('[=colour] then [colour]', { lookups, seed: 4 });
    expect(prompts(r)[0]).toMatch(/^red then \w+$/);
    expect(r.warnings).toEqual([
      'batch 1: [=colour] comes before any draw from colour; used its first value',
    ]);
  });

  it('[=name] of no lookup is the name as text, with a warning', () => {
    const r = ex('[=nothing] x', { lookups });
    expect(prompts(r)).toEqual(['nothing x']);
    expect(r.warnings).toEqual(["batch 1: [=nothing]: no lookup named 'nothing'; used as text"]);
  });

  it('__name__ is the same draw as [name], anywhere in the text', () => {
    expect(prompts(ex('__colour__', { lookups, seed: 1 }))).toEqual(
      prompts(ex('[colour]', { lookups, seed: 1 })),
    );
    expect(prompts(ex('a __Animal__-like [big __animal__, tiny]', { lookups, seed: 2 }))).toEqual([
      'a cat-like big dog',
      'a cat-like tiny',
    ]);
    // Inside A1111 prompt editing too.
    expect(prompts(ex('[__one__:__one__:0.5]', { lookups }))).toEqual(['[only:only:0.5]']);
    // And no-repeat holds across both spellings.
    expect(prompts(ex('__animal__ [animal]', { lookups }))[0]!.split(' ').sort()).toEqual([
      'cat',
      'dog',
    ]);
  });

  it('an unknown __name__ stays as text, with a warning', () => {
    const r = ex('a __nope__ b', { lookups });
    expect(prompts(r)).toEqual(['a __nope__ b']);
    expect(r.warnings).toEqual(["batch 1: __nope__: no lookup named 'nope'; left as text"]);
  });

  it('nests: a value may hold [name] references (and lists, which pick one)', () => {
    expect(prompts(ex('[mood]', { lookups, seed: 1 }))[0]).toMatch(/^(orange|amber) light$/);
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++)
      seen.add(
        prompts(ex('[x]', { seed, lookups: { x: ['[a,b,c] [=y] [y,z:2]'], y: ['Y'] } }))[0]!,
      );
    expect([...seen].every((p) => /^[abc] Y (Y, z|Y|z)$/.test(p))).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('a bare value equal to a lookup name is just text', () => {
    expect(prompts(ex('[x]', { lookups: { x: ['warm'], warm: ['orange'] } }))).toEqual(['warm']);
  });

  it('a cycle is refused with a warning and left as its name', () => {
    const r = ex('[a]', { lookups });
    expect(prompts(r)).toEqual(['ABa']);
    expect(r.warnings).toEqual(["batch 1: lookup cycle a → b → a: not followed, left as 'a'"]);
    const self = ex('[s]', { lookups: { s: ['more [s]'] } });
    expect(prompts(self)).toEqual(['more s']);
  });

  it('escapes in values are literal', () => {
    expect(prompts(ex('[x]', { lookups: { x: ['\\[y\\]'], y: ['no'] } }))).toEqual(['[y]']);
  });

  it('an empty lookup draws nothing, with a warning', () => {
    const r = ex('a [empty] b', { lookups });
    expect(prompts(r)).toEqual(['a b']);
    expect(r.warnings).toEqual(["batch 1: lookup 'empty' is empty"]);
  });

  it('bad lookup entries are ignored with a warning', () => {
    const r = ex('[x] [y]', { lookups: { x: 'nope', y: ['ok', 3] } as never });
    expect(prompts(r)).toEqual(['x ok']);
    expect(r.warnings).toEqual([
      "lookup 'x' is not a list; ignored",
      "lookup 'y' has values that are not text; those are ignored",
    ]);
  });

  it('a lookup named like an Object.prototype key is just a name', () => {
    expect(prompts(ex('[constructor] [toString] __proto__', { lookups: {} }))).toEqual([
      'constructor toString __proto__',
    ]);
    expect(prompts(ex('[constructor]', { lookups: { constructor: ['c'] } as never }))).toEqual([
      'c',
    ]);
  });

  it('deep nesting stops at depth 12, with a warning', () => {
    const chain: Record<string, string[]> = {};
    for (let i = 0; i < 30; i++) chain[`l${i}`] = [`${i} [l${i + 1}]`];
    chain.l30 = ['end'];
    const r = ex('[l0]', { lookups: chain });
    expect(prompts(r)[0]).toBe('0 1 2 3 4 5 6 7 8 9 10 11 l12');
    expect(r.warnings).toEqual(["batch 1: lookups nest deeper than 12; 'l12' left as text"]);
  });

  it('exponential nesting is bounded per item', () => {
    const boom: Record<string, string[]> = {};
    for (let i = 0; i < 20; i++) boom[`b${i}`] = [`[b${i + 1}] [b${i + 1}_1]`];
    boom.b20 = ['x'];
    const t = performance.now();
    const r = ex('[b0] [1,2,3,4,5,6,7,8,9,10]', { lookups: boom });
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.total).toBe(10);
    expect(r.warnings.some((w) => w.includes('lookup draws'))).toBe(true);
  });

  it('negatives draw from lookups too', () => {
    expect(
      negatives(ex('x', { lookups: { bad: ['blurry'] }, negative: '[bad], __bad__' })),
    ).toEqual(['blurry, blurry']);
  });
});
