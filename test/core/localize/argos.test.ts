import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizationDetail, LocalizeEngineInfo } from '../../../src-main/contract/localize';
import { JobRunner } from '../../../src-main/core/api/host';
import { which } from '../../../src-main/core/engines/ffmpeg';
import { resolveSpeechEngines } from '../../../src-main/core/engines/speech';
import { jobLogPath } from '../../../src-main/core/jobs/jobLog';
import { argosRoute } from '../../../src-main/contract/languages';
import { parseArgospmList } from '../../../src-main/core/localize/speechSteps';
import { checkPlan } from '../../../src-renderer/src/localize/plan';
import { installArgosPackage } from '../../fakes/argosPackages.mjs';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tempDir } from '../../helpers/tempDir';
import { addAsset } from '../process/mediaFixtures';
import { speakingVideo, speechEnginesProblem } from './speechWorld';

const skip = speechEnginesProblem();
const fakeArgos = path.resolve('test/fakes/argos-translate.mjs');
const fakeArgospm = path.resolve('test/fakes/argospm.mjs');

describe('Argos Translate, pure parts', () => {
  it('reads `argospm list`: one package a line, translate packages only, in order', () => {
    expect(
      parseArgospmList('translate-en_es\ntranslate-es_en\r\nsbd\n\n  translate-en_zt  \nnoise\n'),
    ).toEqual([
      { from: 'en', to: 'es' },
      { from: 'en', to: 'zt' },
      { from: 'es', to: 'en' },
    ]);
    expect(parseArgospmList('')).toEqual([]);
  });

  it('reaches a pair directly or by chaining packages through any installed language', () => {
    const pairs = parseArgospmList('translate-es_en\ntranslate-en_fr\ntranslate-fr_de');
    expect(argosRoute(pairs, 'es', 'en')).toEqual(['es', 'en']);
    expect(argosRoute(pairs, 'es', 'fr')).toEqual(['es', 'en', 'fr']);
    expect(argosRoute(pairs, 'spa', 'deu')).toEqual(['es', 'en', 'fr', 'de']);
    expect(argosRoute(pairs, 'fr', 'es')).toBeNull();
  });

  it('finds argos-translate from ATELIER_ARGOS_BIN or PATH, and argospm beside it, on PATH or from ATELIER_ARGOSPM_BIN', () => {
    const { dir, cleanup } = tempDir();
    try {
      expect(resolveSpeechEngines({ ATELIER_ARGOS_BIN: fakeArgos, PATH: '' }).argos).toEqual({
        bin: fakeArgos,
        pm: fakeArgospm,
      });
      expect(
        resolveSpeechEngines({
          ATELIER_ARGOS_BIN: fakeArgos,
          ATELIER_ARGOSPM_BIN: '/opt/argos/argospm',
          PATH: '',
        }).argos?.pm,
      ).toBe('/opt/argos/argospm');
      const venv = path.join(dir, 'venv', 'bin');
      const elsewhere = path.join(dir, 'elsewhere');
      mkdirSync(venv, { recursive: true });
      mkdirSync(elsewhere);
      symlinkSync(fakeArgos, path.join(venv, 'argos-translate'));
      expect(resolveSpeechEngines({ PATH: venv }).argos).toEqual({
        bin: path.join(venv, 'argos-translate'),
        pm: null,
      });
      symlinkSync(fakeArgospm, path.join(elsewhere, 'argospm'));
      expect(resolveSpeechEngines({ PATH: [venv, elsewhere].join(path.delimiter) }).argos?.pm).toBe(
        path.join(elsewhere, 'argospm'),
      );
      expect(resolveSpeechEngines({ PATH: elsewhere }).argos).toBeNull();
    } finally {
      cleanup();
    }
  });

  const engine = (e: Partial<LocalizeEngineInfo> & Pick<LocalizeEngineInfo, 'id'>) =>
    ({
      stage: 'translation',
      label: e.id,
      path: `/usr/bin/${e.id}`,
      ok: true,
      problem: null,
      languages: [],
      license: 'MIT',
      ...e,
    }) as LocalizeEngineInfo;
  const found: LocalizeEngineInfo[] = [
    engine({ stage: 'recognition', id: 'pocketsphinx', languages: ['en'] }),
    engine({ id: 'apertium', label: 'Apertium', languages: ['eng→spa', 'spa→eng'] }),
    engine({ id: 'argos', label: 'Argos Translate', languages: ['en→fr', 'fr→de'] }),
    engine({ id: 'llm', label: 'Chat server', ok: false, path: null, problem: 'Add one.' }),
  ];

  it('the dialog plan: auto takes Apertium, then Argos (chained too); a chosen translator must have the pair', () => {
    const plan = (to: string, translator?: 'auto' | 'apertium' | 'argos' | 'llm') =>
      checkPlan(found, { mode: 'translate', from: 'en', to, translator });
    expect(plan('es').chosen.translation).toBe('Apertium');
    expect(plan('fr').chosen.translation).toBe('Argos Translate');
    expect(plan('de').chosen.translation).toBe('Argos Translate');
    expect(plan('es', 'argos').problems).toEqual([
      'Argos Translate cannot translate English to Spanish. Its pairs: en→fr, fr→de. Install the Argos Translate package: argospm install translate-en_es.',
    ]);
    expect(plan('fr', 'apertium').problems[0]).toMatch(
      /^Apertium cannot translate English to French\. Its pairs: eng→spa, spa→eng\. Install apertium-eng-fra/,
    );
    expect(plan('es', 'llm').problems).toEqual(['Chat server cannot translate yet: Add one.']);
    expect(plan('it').problems[0]).toMatch(
      /No engine translates English to Italian\. Installed pairs: eng→spa, spa→eng, en→fr, fr→de\. Install apertium-eng-ita if Debian has it\. Install the Argos Translate package: argospm install translate-en_it\./,
    );
    // Subtitles only: the translator is not asked.
    expect(
      checkPlan(found, { mode: 'subtitles', from: 'en', to: null, translator: 'argos' }).problems,
    ).toEqual([]);
  });
});

describe('localize.engines lists Argos Translate with its installed pairs', () => {
  let t: TestCore;
  afterEach(async () => {
    delete process.env.ATELIER_ARGOS_BIN;
    delete process.env.ARGOS_PACKAGES_DIR;
    await t.close();
  });

  it('as a translator, its pairs "en→es", or what it needs in words', async () => {
    t = await openTestCore();
    process.env.ATELIER_ARGOS_BIN = fakeArgos;
    process.env.ARGOS_PACKAGES_DIR = path.join(t.root, 'argos-packages');
    mkdirSync(process.env.ARGOS_PACKAGES_DIR);
    const argos = async () => (await t.call('localize.engines', {})).find((e) => e.id === 'argos')!;
    expect(await argos()).toMatchObject({
      stage: 'translation',
      label: 'Argos Translate',
      path: fakeArgos,
      ok: false,
      languages: [],
      problem: expect.stringMatching(/no language package.*argospm install translate-en_es/),
    });
    installArgosPackage(process.env.ARGOS_PACKAGES_DIR, 'en', 'es');
    installArgosPackage(process.env.ARGOS_PACKAGES_DIR, 'es', 'en');
    const e = await argos();
    expect(e).toMatchObject({ ok: true, problem: null, license: expect.stringMatching(/MIT/) });
    expect([...e.languages].sort()).toEqual(['en→es', 'es→en']);
    // Listed between Apertium and the chat server: the order auto tries them in.
    const ids = (await t.call('localize.engines', {})).map((x) => x.id);
    expect(ids.indexOf('argos')).toBe(ids.indexOf('apertium') + 1);
    expect(ids.indexOf('llm')).toBe(ids.indexOf('argos') + 1);
  });
});

describe.skipIf(skip !== null)(
  'translating with Argos Translate (its stdin/argparse contract, through a fake)',
  () => {
    let t: TestCore;
    let assetId: string;
    beforeAll(async () => {
      t = await openTestCore();
      const packages = path.join(t.root, 'argos-packages');
      for (const [from, to] of [
        ['en', 'es'],
        ['es', 'en'],
        ['en', 'fr'],
        ['fr', 'de'],
      ] as const)
        installArgosPackage(packages, from, to);
      process.env.ATELIER_ARGOS_BIN = fakeArgos;
      process.env.ARGOS_PACKAGES_DIR = packages;
      const video = speakingVideo(
        t.root,
        [
          { text: 'The quick brown fox jumps over the lazy dog.', atMs: 500 },
          { text: 'Thank you for watching this short video.', atMs: 5000 },
        ],
        9,
      );
      assetId = await addAsset(t.core, video);
    });
    afterEach(() => {
      process.env.ATELIER_ARGOS_BIN = fakeArgos;
      delete process.env.FAKE_ARGOS_CRASH;
    });
    afterAll(async () => {
      delete process.env.ATELIER_ARGOS_BIN;
      delete process.env.ARGOS_PACKAGES_DIR;
      await t.close();
    });
    const run = async (to: string, translator?: 'auto' | 'apertium' | 'argos' | 'llm') => {
      const L = await t.call('localize.start', {
        assetId,
        to,
        mode: 'translate',
        ...(translator ? { translator } : {}),
      });
      const runner = await new JobRunner(t.core, { ignorePause: true }).start();
      await runner.whenIdle();
      await runner.dispose();
      return (await t.call('localize.get', { id: L.id })) as LocalizationDetail;
    };

    it('translates every cue with Argos when it is chosen, one line each, even where Apertium has the pair', async () => {
      const d = await run('es', 'argos');
      expect(d.error).toBeNull();
      expect(d.cues.length).toBe(2);
      expect(d.cues[0]!.translation).toMatch(/zorro/);
      expect(d.cues[1]!.translation).toMatch(/gracias.*vídeo/i);
      const use = d.engines.find((e) => e.stage === 'translation')!;
      expect(use.name).toBe('Argos Translate en→es');
      expect(use.license).toMatch(/MIT.*each language package its own licence/);
      const srt = d.outputs.find((o) => o.kind === 'srt' && o.language === 'es')!;
      expect(readFileSync(srt.path, 'utf8')).toMatch(/zorro/);
    }, 60_000);

    it('auto: Apertium when it has the pair, else Argos, directly or chained through its packages', async () => {
      const es = await run('es');
      expect(es.engines.map((e) => e.name)).toContain('Apertium eng-spa');
      const fr = await run('fr');
      expect(fr.error).toBeNull();
      expect(fr.engines.map((e) => e.name)).toContain('Argos Translate en→fr');
      expect(fr.cues[0]!.translation).toMatch(/renard/);
      const de = await run('de');
      expect(de.error).toBeNull();
      expect(de.engines.map((e) => e.name)).toContain('Argos Translate en→de');
      expect(de.cues[0]!.translation).toMatch(/Fuchs/);
      expect(readFileSync(jobLogPath(t.core, de.jobId!), 'utf8')).toMatch(
        /no en→de package: it chains en→fr→de/,
      );
    }, 120_000);

    it('a pair Argos cannot reach is refused in words, with the installed pairs and the package to install', async () => {
      const d = await run('it', 'argos');
      expect(d.status).toBe('failed');
      expect(d.error).toBe(
        'Argos Translate cannot translate English to Italian, directly or through another language. Installed pairs: en→es, en→fr, es→en, fr→de. Install the pair: argospm install translate-en_it.',
      );
      const auto = await run('it');
      expect(auto.error).toMatch(
        /^Neither Apertium nor Argos Translate can translate English to Italian\. Apertium's pairs: eng→spa.*; Argos Translate's: en→es, en→fr, es→en, fr→de\. Install apertium-eng-ita .*argospm install translate-en_it, or add a chat server/,
      );
    }, 60_000);

    it.skipIf(!!which('argospm'))(
      'without argospm the pairs are unknown: Argos itself refuses (argparse, exit 2), put in words',
      async () => {
        const bin = path.join(t.root, 'pip-bin');
        mkdirSync(bin, { recursive: true });
        if (!existsSync(path.join(bin, 'argos-translate')))
          symlinkSync(fakeArgos, path.join(bin, 'argos-translate'));
        process.env.ATELIER_ARGOS_BIN = path.join(bin, 'argos-translate');
        const d = await run('it', 'argos');
        expect(d.status).toBe('failed');
        expect(d.error).toBe(
          "Argos Translate cannot translate English to Italian (“'it' is not an installed language.”). Install the pair: argospm install translate-en_it.",
        );
      },
      60_000,
    );

    it('an Argos that dies fails the job with its own last words', async () => {
      process.env.FAKE_ARGOS_CRASH = '1';
      const d = await run('es', 'argos');
      expect(d.status).toBe('failed');
      expect(d.error).toMatch(
        /^Argos Translate exited with code 1: RuntimeError: Unable to open file 'model.bin'/,
      );
    }, 60_000);
  },
);

describe('the argos-translate stand-in keeps Argos’s paragraph contract', () => {
  it('an empty first paragraph is stripped from the answer (why Atelier never sends one)', () => {
    const { dir, cleanup } = tempDir();
    try {
      installArgosPackage(dir, 'en', 'es');
      const env = { ...process.env, ARGOS_PACKAGES_DIR: dir };
      const ask = (input: string) =>
        execFileSync(fakeArgos, ['-f', 'en', '-t', 'es'], { input, env, encoding: 'utf8' });
      expect(ask('The dog.\nThe fox.')).toBe('El perro.\nEl zorro.\n');
      expect(ask('\nThe fox.')).toBe('El zorro.\n');
      expect(ask('The fox.\n')).toBe('El zorro.\n\n');
    } finally {
      cleanup();
    }
  });
});
