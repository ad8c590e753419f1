import { describe, expect, it } from 'vitest';
import { highlight, parseSearch } from '../../../src-main/core/browse/ftsQuery';

describe('parseSearch', () => {
  it('quotes words, keeps prefixes, phrases, OR and exclusions; every plain word is a prefix', () => {
    expect(parseSearch('neon city')).toMatchObject({
      match: '("neon"* AND "city"*)',
      exclude: null,
    });
    expect(parseSearch('cyber')).toMatchObject({ match: '"cyber"*' });
    expect(parseSearch('cyber ')).toMatchObject({ match: '"cyber"*' });
    expect(parseSearch('"cyber"')).toMatchObject({ match: '"cyber"' });
    expect(parseSearch('cyber* "golden hour"')).toMatchObject({
      match: '("cyber"* AND "golden hour")',
    });
    expect(parseSearch('fox OR whale -cartoon')).toMatchObject({
      match: '"fox"* OR "whale"*',
      exclude: '"cartoon"',
    });
    expect(parseSearch('-anime')).toMatchObject({ match: null, exclude: '"anime"' });
    expect(parseSearch('title:x NEAR(a')).toMatchObject({ match: '("title:x"* AND "NEAR(a"*)' });
    expect(parseSearch('say "hi')).toMatchObject({ match: '("say"* AND "hi")' });
    expect(parseSearch('* -- ()')).toMatchObject({ match: null, exclude: null });
    expect(parseSearch('Café*').terms).toEqual([{ text: 'cafe', prefix: true }]);
  });
});

describe('highlight', () => {
  it('marks whole words and prefixes, ignoring case and accents, in a window', () => {
    const terms = parseSearch('cyber* cafe').terms;
    expect(highlight('A Cyberpunk CAFÉ at night', terms)).toEqual([
      { text: 'A ', hit: false },
      { text: 'Cyberpunk', hit: true },
      { text: ' ', hit: false },
      { text: 'CAFÉ', hit: true },
      { text: ' at night', hit: false },
    ]);
    expect(highlight('cafeteria', parseSearch('"cafe"').terms)).toBeNull();
    expect(highlight('cafeteria', parseSearch('cafe').terms)).toEqual([
      { text: 'cafeteria', hit: true },
    ]);
    const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ') + ' dragon tail';
    const parts = highlight(long, parseSearch('dragon').terms)!;
    expect(parts[0]!.text.startsWith('…')).toBe(true);
    expect(parts.find((p) => p.hit)?.text).toBe('dragon');
  });
});
