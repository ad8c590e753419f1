import { describe, expect, it } from 'vitest';
import type { LocalizeEngineInfo } from '../../src-main/contract/localize';
import { checkPlan } from '../../src-renderer/src/localize/plan';
import { formatMs, parseMs } from '../../src-renderer/src/localize/time';

const engine = (e: Partial<LocalizeEngineInfo> & Pick<LocalizeEngineInfo, 'stage' | 'id'>) =>
  ({
    label: e.id,
    path: null,
    ok: true,
    problem: null,
    languages: [],
    license: 'MIT',
    ...e,
  }) as LocalizeEngineInfo;

/** What `localize.engines` answers on a Debian machine with the test packages. */
const debian: LocalizeEngineInfo[] = [
  engine({
    stage: 'recognition',
    id: 'whisper',
    label: 'whisper.cpp',
    ok: false,
    problem: 'Set ATELIER_WHISPER_BIN (whisper-cli) and ATELIER_WHISPER_MODEL.',
  }),
  engine({ stage: 'recognition', id: 'pocketsphinx', label: 'pocketsphinx', languages: ['en'] }),
  engine({
    stage: 'translation',
    id: 'apertium',
    label: 'Apertium',
    languages: ['eng→spa', 'spa→eng', 'spa→eng_US'],
  }),
  engine({ stage: 'speech', id: 'espeak-ng', label: 'espeak-ng', languages: ['many'] }),
];

describe('which engines a localisation needs', () => {
  it('English to Spanish runs on pocketsphinx, Apertium eng-spa and espeak-ng', () => {
    const c = checkPlan(debian, { mode: 'video', from: 'en', to: 'es' });
    expect(c.problems).toEqual([]);
    expect(c.chosen).toEqual({
      recognition: 'pocketsphinx',
      translation: 'Apertium',
      speech: 'espeak-ng',
    });
  });

  it('refuses a pair Apertium lacks, listing the installed pairs and the package to install', () => {
    const c = checkPlan(debian, { mode: 'translate', from: 'en', to: 'de' });
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]).toMatch(/English to German/);
    expect(c.problems[0]).toMatch(/eng→spa, spa→eng/);
    expect(c.problems[0]).toMatch(/apertium-eng-deu/);
  });

  it('refuses recognition in a language only Whisper would know, saying how to set Whisper up', () => {
    const c = checkPlan(debian, { mode: 'subtitles', from: 'fr', to: null });
    expect(c.problems[0]).toMatch(/No speech recognition for French/);
    expect(c.problems[0]).toMatch(/ATELIER_WHISPER_BIN/);
  });

  it('subtitles only need recognition; the same language twice is refused', () => {
    expect(checkPlan(debian, { mode: 'subtitles', from: 'en', to: 'de' }).problems).toEqual([]);
    expect(checkPlan(debian, { mode: 'video', from: 'en', to: 'en' }).problems[0]).toMatch(
      /already in English/,
    );
  });

  it('a dub without a speech engine says what to install', () => {
    const none = debian.map((e) =>
      e.stage === 'speech' ? { ...e, ok: false, problem: 'Install espeak-ng.' } : e,
    );
    expect(checkPlan(none, { mode: 'audio', from: 'en', to: 'es' }).problems).toEqual([
      'No speech engine is installed. Install espeak-ng.',
    ]);
    expect(checkPlan(none, { mode: 'translate', from: 'en', to: 'es' }).problems).toEqual([]);
  });
});

describe('cue times', () => {
  it('reads and writes m:ss.mmm', () => {
    expect(formatMs(0)).toBe('00:00.000');
    expect(formatMs(62_500)).toBe('01:02.500');
    expect(formatMs(3_723_004)).toBe('1:02:03.004');
    expect(parseMs('01:02.500')).toBe(62_500);
    expect(parseMs('62.5')).toBe(62_500);
    expect(parseMs('1:02:03,004')).toBe(3_723_004);
    expect(parseMs('7')).toBe(7000);
    expect(parseMs('abc')).toBeNull();
    expect(parseMs('1:2:3:4')).toBeNull();
  });
});
