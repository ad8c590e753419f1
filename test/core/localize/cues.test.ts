import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parsePocketsphinx08,
  parsePocketsphinx5,
  parseWhisperJson,
} from '../../../src-main/core/localize/asrOutput';
import { breakLines, wordsToCues, type Word } from '../../../src-main/core/localize/cueRules';
import { fitSpeech } from '../../../src-main/core/localize/fitSpeech';
import { parseSubtitles, toSrt, toVtt } from '../../../src-main/core/util/subtitleFormats';

const w = (text: string, startMs: number, endMs: number): Word => ({
  text,
  startMs,
  endMs,
  confidence: 0.9,
});

describe('recognised words', () => {
  it("reads pocketsphinx 0.8's timed words (a real run over three flite sentences)", () => {
    const words = parsePocketsphinx08(
      readFileSync('test/fixtures/engines/pocketsphinx-0.8-three-sentences.txt', 'utf8'),
    );
    expect(words.map((x) => x.text).join(' ')).toBe(
      'the quick brown fox jumped over the lazy dog today we will paint a mountain at sunset thank you for watching this short video',
    );
    expect(words[0]).toEqual({
      text: 'the',
      startMs: 660,
      endMs: 780,
      confidence: expect.any(Number),
    });
    const cues = wordsToCues(words);
    expect(cues.map((c) => [c.startMs, c.text])).toEqual([
      [660, 'the quick brown fox\njumped over the lazy dog'],
      [4680, 'today we will paint a mountain at sunset'],
      [9180, 'thank you for watching this short video'],
    ]);
  });
  it('reads pocketsphinx 5 JSON and whisper.cpp JSON (tokens, or segments alone)', () => {
    const ps5 =
      '{"b":0.0,"d":1.2,"p":0.9,"t":"hello world","w":[{"b":0.0,"d":0.1,"p":1.0,"t":"<s>"},{"b":0.1,"d":0.4,"p":0.9,"t":"hello"},{"b":0.5,"d":0.5,"p":0.8,"t":"world(2)"}]}\n';
    expect(parsePocketsphinx5(ps5)).toEqual([
      { text: 'hello', startMs: 100, endMs: 500, confidence: 0.9 },
      { text: 'world', startMs: 500, endMs: 1000, confidence: 0.8 },
    ]);
    const wj = JSON.stringify({
      transcription: [
        {
          offsets: { from: 0, to: 2000 },
          text: ' Hello there.',
          tokens: [
            { text: '[_BEG_]', offsets: { from: 0, to: 0 }, p: 1 },
            { text: ' Hel', offsets: { from: 0, to: 300 }, p: 0.8 },
            { text: 'lo', offsets: { from: 300, to: 600 }, p: 0.6 },
            { text: ' there.', offsets: { from: 700, to: 1500 }, p: 0.9 },
          ],
        },
        { offsets: { from: 3000, to: 4000 }, text: ' Good bye' },
      ],
    });
    expect(parseWhisperJson(wj)).toEqual([
      { text: 'Hello', startMs: 0, endMs: 600, confidence: 0.7 },
      { text: 'there.', startMs: 700, endMs: 1500, confidence: 0.9 },
      { text: 'Good', startMs: 3000, endMs: 3500, confidence: null },
      { text: 'bye', startMs: 3500, endMs: 4000, confidence: null },
    ]);
  });
});

describe('cue rules', () => {
  it('at most 42 characters a line and 2 lines, balanced', () => {
    expect(breakLines('a b c'.split(' '))).toEqual(['a b c']);
    const lines = breakLines(
      'the quick brown fox jumps over the lazy dog and runs into the woods'.split(' '),
    );
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(42);
    const words = Array.from({ length: 40 }, (_, i) => w(`word${i}`, i * 150, i * 150 + 140));
    const cues = wordsToCues(words);
    for (const c of cues) {
      const ls = c.text.split('\n');
      expect(ls.length).toBeLessThanOrEqual(2);
      for (const l of ls) expect(l.length).toBeLessThanOrEqual(42);
      expect(c.endMs - c.startMs).toBeLessThanOrEqual(7000);
    }
    expect(cues.flatMap((c) => c.words).length).toBe(40);
  });
  it('splits at pauses and at 7 s, drops repeats and empty cues, holds short cues', () => {
    const slow = Array.from({ length: 12 }, (_, i) => w(`w${i}`, i * 700, i * 700 + 650));
    expect(wordsToCues(slow).every((c) => c.endMs - c.startMs <= 7000)).toBe(true);
    const cues = wordsToCues([
      w('yes', 0, 200),
      w('yes', 2000, 2200),
      w('  ', 3000, 3100),
      w('no', 5000, 5300),
    ]);
    expect(cues.map((c) => c.text)).toEqual(['yes', 'no']);
    expect(cues[0]!.endMs).toBe(1000);
    expect(cues.map((c) => c.index)).toEqual([1, 2]);
  });
});

describe('subtitle files', () => {
  it('writes SRT and VTT and reads them back', () => {
    const cues = [
      { startMs: 660, endMs: 3390, text: 'the quick brown fox' },
      { startMs: 3_723_004, endMs: 3_725_000, text: 'two\nlines' },
    ];
    const srt = toSrt(cues);
    expect(srt).toBe(
      '1\n00:00:00,660 --> 00:00:03,390\nthe quick brown fox\n\n2\n01:02:03,004 --> 01:02:05,000\ntwo\nlines\n',
    );
    expect(
      toVtt(cues, 'es').startsWith('WEBVTT\nLanguage: es\n\n00:00:00.660 --> 00:00:03.390\n'),
    ).toBe(true);
    expect(parseSubtitles(srt)).toEqual(cues);
    expect(parseSubtitles(toVtt(cues))).toEqual(cues);
  });
});

describe('fitting a spoken line to its slot', () => {
  const slot = { startMs: 1000, endMs: 3000 };
  it('never slows speech; speeds up with the engine to 1.3×, then stretches to 1.5×', () => {
    expect(fitSpeech(1500, slot, 5000)).toEqual({
      engineRate: 1,
      stretch: 1,
      endMs: 3000,
      tooLong: false,
    });
    expect(fitSpeech(2400, slot, 5000)).toEqual({
      engineRate: 1.2,
      stretch: 1,
      endMs: 3000,
      tooLong: false,
    });
    const f = fitSpeech(2900, slot, 5000);
    expect(f.engineRate).toBe(1.3);
    expect(f.engineRate * f.stretch).toBeGreaterThanOrEqual(1.45);
    expect(f.tooLong).toBe(false);
  });
  it('borrows the silence before the next cue, else flags the line', () => {
    const borrow = fitSpeech(3600, slot, 5000);
    expect(borrow).toMatchObject({ tooLong: false, endMs: 3400 });
    const flagged = fitSpeech(6000, slot, 4000);
    expect(flagged.tooLong).toBe(true);
    expect(flagged.endMs).toBe(3920);
  });
});
