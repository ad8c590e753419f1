import { describe, expect, it } from 'vitest';
import {
  decodeSubtitleText,
  readSubtitles,
  subtitleLanguage,
} from '../../../src-main/core/util/subtitleFormats';

describe('a subtitle file name or header gives its language the way players read it', () => {
  it.each([
    ['film.es.srt', 'es'],
    ['film.spa.srt', 'es'],
    ['film.pt-BR.srt', 'pt'],
    ['film.en.sdh.srt', 'en'],
    ['film.en.hi.srt', 'en'],
    ['film.fr.forced.srt', 'fr'],
    ['film.hi.srt', 'hi'],
    ['My Trip.de.vtt', 'de'],
  ])('%s → %s', (name, lang) => expect(subtitleLanguage(name, '')).toBe(lang));

  it.each([
    'tour_de_france.srt',
    'london_uk.srt',
    'my_cat_video.srt',
    'chat_with_dan.srt',
    'how_to_make_it.srt',
    'say_hi.srt',
    'trailer-tr.srt',
    'clip_v2.srt',
    'final.cut.srt',
    'film.xx.srt',
    'film.srt',
  ])('%s has no language', (name) => expect(subtitleLanguage(name, '')).toBeNull());

  it('a WebVTT Language header wins over the name', () =>
    expect(subtitleLanguage('film.es.vtt', 'WEBVTT\nLanguage: fr\n\n')).toBe('fr'));
});

describe('reading subtitle text', () => {
  const srt = '1\r\n00:00:01,000 --> 00:00:02,500\r\nLes montagnes\r\n\r\n';
  it('reads UTF-16 with its byte-order mark, either way round, and CRLF lines', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(srt, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const buf of [le, be])
      expect(readSubtitles(buf, 'x.srt').cues).toEqual([
        { startMs: 1000, endMs: 2500, text: 'Les montagnes' },
      ]);
    expect(decodeSubtitleText(Buffer.from('caf\xe9', 'latin1'))).toBe('café');
  });
  it('measures a long file without overflowing the stack', () => {
    const many = Array.from(
      { length: 300_000 },
      (_, i) =>
        `${i + 1}\n00:00:${String(i % 60).padStart(2, '0')},000 --> 00:00:${String(i % 60).padStart(2, '0')},500\nx\n`,
    ).join('\n');
    const facts = readSubtitles(Buffer.from(many), 'long.srt');
    expect(facts.cues).toHaveLength(300_000);
    expect(facts.durationSec).toBe(59.5);
  });
});
