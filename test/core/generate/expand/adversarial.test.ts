import { describe, expect, it } from 'vitest';
import { ex } from './helpers';

const timed = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
};

describe('bounded work on hostile input', () => {
  it('a 100 kB prompt of option lists', () => {
    const [r, ms] = timed(() => ex('[a,b] '.repeat(17_000)));
    expect(r.ok).toBe(true);
    expect(r.batches[0]!.combinations).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.total).toBe(100);
    expect(ms).toBeLessThan(3000);
  });

  it('a 100 kB prompt of plain text with one list, 1,000 items: the character budget stops it', () => {
    const list = '[' + Array.from({ length: 1000 }, (_, i) => i).join(',') + ']';
    const [r, ms] = timed(() =>
      ex(`${'word '.repeat(20_000)} ${list}`, { defaultBatchLimit: 1000 }),
    );
    expect(r.ok).toBe(true);
    expect(r.total).toBeLessThan(1000);
    expect(r.total).toBeGreaterThan(50);
    expect(r.warnings[0]).toMatch(
      /^the prompts passed 8000000 characters in all; stopped after \d+ generations \(\d+ left out\)$/,
    );
    expect(ms).toBeLessThan(3000);
  });

  it('a huge option list', () => {
    const list = '[' + Array.from({ length: 12_000 }, (_, i) => `o${i}`).join(',') + ']';
    const [r, ms] = timed(() => ex(`${list} ${list}`));
    expect(r.total).toBe(100);
    expect(r.batches[0]!.combinations).toBe(144_000_000);
    expect(r.items[99]!.prompt).toBe('o0 o99');
    expect(ms).toBeLessThan(2000);
    const [p] = timed(() => ex(list.slice(0, -1) + ':3]'));
    expect(p.items[0]!.prompt.split(', ')).toHaveLength(3);
  });

  it('a huge lookup drawn many times', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `v${i}`);
    const [r, ms] = timed(() =>
      ex('[x] '.repeat(500) + '[1,2,3,4,5,6,7,8,9,10]', { lookups: { x: big } }),
    );
    expect(r.total).toBe(10);
    expect(new Set(r.items[0]!.prompt.split(' ').slice(0, 500)).size).toBe(500);
    expect(ms).toBeLessThan(2000);
  });

  it('a lookup drawn about as often as it has values, in every item', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    const [r, ms] = timed(() =>
      ex('[x] '.repeat(999) + '[' + Array.from({ length: 100 }, (_, i) => i).join(',') + ']', {
        lookups: { x: values },
      }),
    );
    expect(r.total).toBe(100);
    for (const i of r.items) expect(new Set(i.prompt.split(' ').slice(0, 999)).size).toBe(999);
    expect(ms).toBeLessThan(2000);
  });

  it('a tiny lookup drawn many times (the pool refills)', () => {
    const [r, ms] = timed(() => ex('[x] '.repeat(5000), { lookups: { x: ['a', 'b', 'c'] } }));
    expect(r.total).toBe(1);
    expect(ms).toBeLessThan(2000);
  });

  it('thousands of batches', () => {
    const [r, ms] = timed(() =>
      ex(Array.from({ length: 5000 }, (_, i) => `p${i} [a,b]`).join('(&)')),
    );
    expect(r.total).toBe(1000);
    expect(r.batches).toHaveLength(5000);
    expect(ms).toBeLessThan(3000);
    expect(ex('a(&)'.repeat(10_001)).errors).toEqual([
      'the prompt has 10002 batches; the most is 10000',
    ]);
  });

  it('a long negative shared by many batches is parsed once', () => {
    const [r, ms] = timed(() =>
      ex(Array.from({ length: 2000 }, (_, i) => `p${i}`).join('(&)'), {
        negative: '[x,y] bad '.repeat(400),
      }),
    );
    expect(r.total).toBe(1000);
    expect(ms).toBeLessThan(5000);
  });

  it('long runs that trip naive regexes stay linear', () => {
    for (const p of [
      'a' + '\n'.repeat(150_000) + 'x',
      'a ' + ',\n'.repeat(90_000) + 'x',
      'pipeline:cfg:' + '1'.repeat(150_000) + 'x',
      'pipeline:steps:' + ','.repeat(150_000) + 'x',
      'meta:a:' + ','.repeat(150_000) + 'x',
      '__a' + '_a'.repeat(90_000),
      '[' + 'a_'.repeat(90_000) + '1]',
      '[=' + 'a'.repeat(150_000) + ' b]',
    ]) {
      const [r, ms] = timed(() => ex(p, { lookups: { a: ['x'] } }));
      expect(r.errors.some((e) => e.startsWith('the expander failed'))).toBe(false);
      expect(ms).toBeLessThan(1500);
    }
  });

  it('deep bracket soup', () => {
    const [r, ms] = timed(() => ex('['.repeat(50_000) + 'a,b' + ']'.repeat(50_000)));
    expect(r.ok).toBe(true);
    expect(r.total).toBe(2);
    expect(ms).toBeLessThan(2000);
  });

  it('many __x__ and many warnings stay capped', () => {
    const [r, ms] = timed(() =>
      ex(Array.from({ length: 5000 }, (_, i) => `__nope${i}__`).join(' ')),
    );
    expect(r.warnings).toHaveLength(51);
    expect(r.warnings[50]).toBe('batch 1: …and 4950 more warnings');
    expect(ms).toBeLessThan(2000);
  });
});
