import { describe, expect, it } from 'vitest';
import { expandPrompt, hasExpansionSyntax } from '../../../../src-main/core/generate/expand';
import { ex, negatives, prompts } from './helpers';

describe('meta (rule 1)', () => {
  it('meta:debug:dryrun sets dryRun and leaves the prompt', () => {
    const r = ex('meta:debug:dryrun, a cat');
    expect(r.dryRun).toBe(true);
    expect(r.meta).toEqual({ debug: 'dryrun' });
    expect(prompts(r)).toEqual(['a cat']);
    expect(r.warnings).toEqual([]);
  });

  it('unknown commands pass through as order parameters, without a warning', () => {
    const r = ex('a cat meta:project:Spring_Sale (&) a dog', {
      negative: 'blurry META:Client:"Ada L"',
    });
    expect(r.meta).toEqual({ project: 'Spring_Sale', client: 'Ada L' });
    expect(r.dryRun).toBe(false);
    expect(prompts(r)).toEqual(['a cat', 'a dog']);
    expect(negatives(r)).toEqual(['blurry', 'blurry']);
    expect(r.warnings).toEqual([]);
  });

  it('a repeated meta command: the last wins, with a warning', () => {
    const r = ex('meta:x:1 meta:x:2 cat');
    expect(r.meta).toEqual({ x: '2' });
    expect(r.warnings).toEqual(['meta:x given more than once; the last (2) wins']);
  });

  it('an unknown debug mode warns and is kept', () => {
    const r = ex('meta:debug:verbose cat');
    expect(r.dryRun).toBe(false);
    expect(r.meta).toEqual({ debug: 'verbose' });
    expect(r.warnings).toEqual([
      'meta:debug:verbose is not a debug mode (dryrun is); kept as a parameter only',
    ]);
  });

  it('is a command only at a word start', () => {
    expect(prompts(ex('xmeta:a:b, meta: nope, meta:a'))).toEqual(['xmeta:a:b, meta: nope, meta:a']);
  });
});

describe('batches (rule 2)', () => {
  it('(&) splits; one negative serves every batch', () => {
    const r = ex('a cat (&) a dog (&) a bird', { negative: 'blurry' });
    expect(r.items.map((i) => [i.batch, i.prompt, i.negative])).toEqual([
      [1, 'a cat', 'blurry'],
      [2, 'a dog', 'blurry'],
      [3, 'a bird', 'blurry'],
    ]);
    expect(r.batches.map((b) => b.index)).toEqual([1, 2, 3]);
    expect(r.batches[1]!.first).toEqual(r.items[1]);
  });

  it('as many negatives as batches pair up one-to-one', () => {
    const r = ex('a cat (&) a dog', { negative: 'no cats (&) no dogs' });
    expect(negatives(r)).toEqual(['no cats', 'no dogs']);
  });

  it('no negative: every batch’s negative is empty', () => {
    expect(negatives(ex('a (&) b'))).toEqual(['', '']);
  });

  it('any other count is an error naming both counts', () => {
    const r = ex('a (&) b (&) c', { negative: 'x (&) y' });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      '3 prompt batches but 2 negative batches: give one negative for all, or one per batch',
    ]);
    expect(r.items).toEqual([]);
    expect(r.total).toBe(0);
    expect(ex('a', { negative: 'x (&) y' }).errors).toEqual([
      '1 prompt batch but 2 negative batches: give one negative for all, or one per batch',
    ]);
  });

  it('an empty batch is skipped with a warning; all empty is an error', () => {
    const r = ex('a (&)  (&) b');
    expect(prompts(r)).toEqual(['a', 'b']);
    expect(r.batches.map((b) => [b.index, b.count, b.combinations])).toEqual([
      [1, 1, 1],
      [2, 0, 0],
      [3, 1, 1],
    ]);
    expect(r.warnings).toEqual(['batch 2: the prompt is empty; skipped']);
    expect(ex(' (&) ').errors).toEqual(['the prompt is empty']);
    expect(ex('').errors).toEqual(['the prompt is empty']);
    expect(ex('meta:debug:dryrun').errors).toEqual(['the prompt is empty']);
  });
});

describe('batch commands (rule 3, 6)', () => {
  it('maxbatchitems limits the batch, with the dropped count', () => {
    const r = ex('[a,b,c,d,e,f] [1,2,3,4] batch:maxbatchitems:5');
    expect(prompts(r)).toEqual(['a 1', 'a 2', 'a 3', 'a 4', 'b 1']);
    expect(r.batches[0]).toMatchObject({
      count: 5,
      combinations: 24,
      truncated: true,
      dropped: 19,
    });
    expect(r.truncated).toBe(true);
    expect(r.warnings).toEqual(['batch 1: 24 combinations, kept the first 5 (19 dropped)']);
  });

  it('the default limit is 100 (defaultBatchLimit), with the spec’s wording', () => {
    const opts = '[' + Array.from({ length: 24 }, (_, i) => `o${i}`).join(',') + ']';
    const r = ex(`a (&) ${opts} [x,y,z,w,v,u,t,s,q,r]`);
    expect(r.batches[1]).toMatchObject({ count: 100, combinations: 240, dropped: 140 });
    expect(r.warnings).toEqual(['batch 2: 240 combinations, kept the first 100 (140 dropped)']);
    expect(ex('[a,b,c] [x,y]', { defaultBatchLimit: 4 }).total).toBe(4);
  });

  it('a repeated command: the last wins, with a warning', () => {
    const r = ex('[a,b,c,d] batch:maxbatchitems:1 batch:maxbatchitems:2');
    expect(r.total).toBe(2);
    expect(r.warnings).toEqual([
      'batch 1: batch:maxbatchitems given more than once; the last (2) wins',
      'batch 1: 4 combinations, kept the first 2 (2 dropped)',
    ]);
  });

  it('commands are per batch', () => {
    const r = ex('[a,b,c] batch:maxbatchitems:1 (&) [x,y,z]');
    expect(prompts(r)).toEqual(['a', 'x', 'y', 'z']);
  });

  it('bad values and unknown commands warn and are ignored', () => {
    const r = ex('[a,b] batch:maxbatchitems:0 batch:sample:lots batch:shuffle:yes');
    expect(r.total).toBe(2);
    expect(r.warnings).toEqual([
      "batch 1: batch:maxbatchitems: '0' is not a whole number above 0; ignored",
      "batch 1: batch:sample: 'lots' is not a whole number above 0; ignored",
      'batch 1: batch:shuffle is not a batch command (maxbatchitems, sample); ignored',
    ]);
  });

  it('sample:N draws N distinct combinations with the seed, in product order', () => {
    const p = '[a,b,c,d,e] [1,2,3,4] batch:sample:4';
    const r = ex(p, { seed: 1 });
    expect(prompts(r)).toEqual(['b 4', 'c 2', 'c 3', 'e 4']);
    expect(r.batches[0]).toMatchObject({
      count: 4,
      combinations: 20,
      truncated: false,
      dropped: 0,
    });
    expect(r.warnings).toEqual([]);
    expect(prompts(ex(p, { seed: 2 }))).toEqual(['a 2', 'b 1', 'd 1', 'd 4']);
    expect(ex(p, { seed: 1 })).toEqual(r);
  });

  it('sample over the limit samples the limit; sample over the combinations keeps all', () => {
    const over = ex('[a,b,c,d,e] [1,2,3,4] batch:sample:10 batch:maxbatchitems:3');
    expect(over.total).toBe(3);
    expect(over.warnings).toEqual(['batch 1: sample 10 is more than the batch limit 3; sampled 3']);
    const all = ex('[a,b] batch:sample:5');
    expect(prompts(all)).toEqual(['a', 'b']);
    expect(all.warnings).toEqual(['batch 1: sample 5 but only 2 combinations; kept them all']);
  });

  it('sample works over an astronomically large product', () => {
    const r = ex('[a,b]'.repeat(80) + ' batch:sample:5');
    expect(r.total).toBe(5);
    expect(new Set(prompts(r)).size).toBe(5);
    expect(r.batches[0]!.combinations).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('[a,b]×40 stops at the limit without building 2^40 combinations', () => {
    const t = performance.now();
    const r = ex('[a,b]'.repeat(40));
    expect(performance.now() - t).toBeLessThan(500);
    expect(r.total).toBe(100);
    expect(r.batches[0]).toMatchObject({ combinations: 2 ** 40, dropped: 2 ** 40 - 100 });
    expect(r.items[0]!.prompt).toBe('a'.repeat(40));
    expect(r.items[1]!.prompt).toBe('a'.repeat(39) + 'b');
  });
});

describe('sub-prompts || (rule 7)', () => {
  it('concatenate their items in order, sharing one negative', () => {
    const r = ex('one [x,y] || two', { negative: 'n' });
    expect(r.items.map((i) => [i.prompt, i.negative])).toEqual([
      ['one x', 'n'],
      ['one y', 'n'],
      ['two', 'n'],
    ]);
    expect(r.batches[0]!.combinations).toBe(3);
  });

  it('pair one negative per part', () => {
    expect(negatives(ex('a || b', { negative: 'na || nb' }))).toEqual(['na', 'nb']);
  });

  it('any other count is an error', () => {
    const r = ex('a || b || c', { negative: 'x || y' });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'batch 1: 3 prompt parts (||) but 2 negative parts: give one negative for all, or one per part',
    ]);
  });

  it('the batch limit applies to the parts as a whole', () => {
    const r = ex('[a,b,c] || [x,y,z] batch:maxbatchitems:4');
    expect(prompts(r)).toEqual(['a', 'b', 'c', 'x']);
    expect(r.warnings).toEqual(['batch 1: 6 combinations, kept the first 4 (2 dropped)']);
  });

  it('sample draws from all parts together', () => {
    const r = ex('[a,b,c] || [x,y,z] batch:sample:6');
    expect(prompts(r)).toEqual(['a', 'b', 'c', 'x', 'y', 'z']);
  });

  it('an empty part is skipped with a warning', () => {
    const r = ex('a || || b');
    expect(prompts(r)).toEqual(['a', 'b']);
    expect(r.warnings).toEqual(['batch 1: part 2 (between ||) is empty; skipped']);
  });

  it('sits inside batches', () => {
    const r = ex('a || b (&) c', { negative: 'na || nb (&) nc' });
    expect(r.items.map((i) => [i.batch, i.prompt, i.negative])).toEqual([
      [1, 'a', 'na'],
      [1, 'b', 'nb'],
      [2, 'c', 'nc'],
    ]);
  });
});

describe('the order cap (rule 10)', () => {
  it('stops at 1,000 generations, with a warning', () => {
    const list = '[' + Array.from({ length: 100 }, (_, i) => `o${i}`).join(',') + ']';
    const r = ex(Array.from({ length: 12 }, () => list).join(' (&) '));
    expect(r.total).toBe(1000);
    expect(r.truncated).toBe(true);
    expect(r.batches.map((b) => b.count)).toEqual([...Array(10).fill(100), 0, 0]);
    expect(r.batches[10]).toMatchObject({ truncated: true, dropped: 100, first: null });
    expect(r.warnings).toEqual(['the order stops at 1000 generations: 200 more left out']);
  });

  it('cuts a batch midway', () => {
    const r = ex('[a,b,c,d] (&) [x,y,z]', { maxItems: 5 });
    expect(prompts(r)).toEqual(['a', 'b', 'c', 'd', 'x']);
    expect(r.batches[1]).toMatchObject({ count: 1, dropped: 2, truncated: true });
    expect(r.warnings).toEqual(['the order stops at 5 generations: 2 more left out']);
  });

  it('maxItems is clamped to 10,000', () => {
    const r = ex('a', { maxItems: 50_000 });
    expect(r.warnings).toEqual(['maxItems 50000 is over the most, 10000; using 10000']);
  });
});

describe('input', () => {
  it('never throws on bad input: ok false with errors', () => {
    expect(expandPrompt(null as never)).toMatchObject({
      ok: false,
      errors: ['the input is not an object'],
    });
    expect(expandPrompt({ prompt: 3, seed: 1, lookups: {} } as never).errors).toEqual([
      'the prompt is not text',
    ]);
    expect(expandPrompt({ prompt: 'a', seed: Number.NaN, lookups: {} }).errors).toEqual([
      'the seed is not a number',
    ]);
    expect(
      expandPrompt({ prompt: 'a', negative: 5, seed: 1, lookups: {} } as never).errors,
    ).toEqual(['the negative prompt is not text']);
    expect(expandPrompt({ prompt: 'a', seed: 1, lookups: [] as never }).errors).toEqual([
      'the lookups are not a table of named lists',
    ]);
    expect(ex('a', { maxItems: 0 }).errors).toEqual(['maxItems must be a whole number above 0']);
    expect(ex('a', { defaultBatchLimit: 1.5 }).errors).toEqual([
      'defaultBatchLimit must be a whole number above 0',
    ]);
    expect(ex('a'.repeat(200_001)).errors).toEqual([
      'the prompt has 200001 characters; the most is 200000',
    ]);
  });

  it('missing lookups are an empty table; a negative seed or a float seed works', () => {
    expect(expandPrompt({ prompt: '[a,b]', seed: -5.5 } as never).total).toBe(2);
  });

  it('is deterministic for one seed', () => {
    const input = {
      prompt: '[a,b,c:2] [colour] [x,y] pipeline:sampler:p|q|r batch:sample:2',
      seed: 99,
      lookups: { colour: ['r', 'g', 'b'] },
    };
    expect(expandPrompt(input)).toEqual(expandPrompt(input));
  });
});

describe('hasExpansionSyntax', () => {
  it.each([
    ['a [b,c]', true],
    ['a (&) b', true],
    ['a || b', true],
    ['meta:debug:dryrun a', true],
    ['a, batch:sample:3', true],
    ['pipeline:steps:20', true],
    ['a __colour__ b', true],
    ['\\[x\\]', true],
    ['a plain prompt, (emphasis:1.2), <lora:x:0.8>', false],
    ['a | b', false],
    ['xmeta:a:b', false],
    ['snake_case __ apart', false],
  ])('%s → %s', (p, want) => {
    expect(hasExpansionSyntax(p)).toBe(want);
  });
});
