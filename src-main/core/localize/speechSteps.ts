import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { SpeechEngines } from '../engines/speech';
import type { JobContext } from '../jobs/types';
import { parsePocketsphinx08, parsePocketsphinx5, parseWhisperJson } from './asrOutput';
import type { Word } from './cueRules';
import { languageCode, languageName, languageTag } from '../../contract/languages';

/** What a step used, for the outputs' record and the pack check. */
export interface EngineUse {
  stage: 'recognition' | 'translation' | 'speech';
  name: string;
  license: string;
  /** Its licence forbids selling what it makes: the pack check blocks the outputs in commercial packs. */
  nonCommercial?: boolean;
}

/**
 * Models and voices whose licences are known to forbid commercial use: Meta's NLLB and
 * SeamlessM4T (CC BY-NC 4.0), Coqui's XTTS (Coqui Public Model License), M2M-100's NC releases.
 */
export function knownNonCommercial(name: string): boolean {
  return /\b(nllb|seamless|xtts|coqui)|m2m100.*nc|cc[- ]by[- ]nc|non[- ]?commercial/i.test(name);
}

/** Speech recognition of a 16 kHz mono WAV: whisper.cpp when set up, else pocketsphinx (English). */
export async function recognize(
  ctx: JobContext,
  engines: SpeechEngines,
  wav: string,
  lang: string,
  progressRange: [number, number],
): Promise<{ words: Word[]; use: EngineUse }> {
  const code = languageCode(lang);
  if (engines.whisper) {
    const base = ctx.tempPath('whisper');
    await ctx.spawn(
      engines.whisper.bin,
      ['-m', engines.whisper.model, '-f', wav, '-l', code, '-ojf', '-of', base, '-pp', '-np'],
      {
        label: 'whisper.cpp',
        progressRange,
        parser: {
          feed: (line) => {
            const m = /progress\s*=\s*(\d+)%/.exec(line);
            return m ? { fraction: Number(m[1]) / 100, message: `Transcribing ${m[1]}%` } : null;
          },
        },
      },
    );
    const words = parseWhisperJson(await readFile(`${base}.json`, 'utf8'));
    return {
      words,
      use: {
        stage: 'recognition',
        name: `whisper.cpp (${path.basename(engines.whisper.model)})`,
        license: 'MIT (whisper.cpp); the model’s own licence (OpenAI Whisper models: MIT)',
      },
    };
  }
  if (!engines.pocketsphinx)
    throw new AppError(
      'engine_missing',
      'No speech recogniser was found: install whisper.cpp (whisper-cli, with ATELIER_WHISPER_MODEL set to a ggml model) or pocketsphinx with its English model.',
    );
  if (code !== 'en')
    throw new AppError(
      'invalid_input',
      `pocketsphinx here recognises English only; ${languageName(code)} needs whisper.cpp (set ATELIER_WHISPER_BIN and ATELIER_WHISPER_MODEL).`,
    );
  const ps = engines.pocketsphinx;
  const r = await ctx.spawn(
    ps.bin,
    ps.flavour === '0.8'
      ? ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null']
      : ['single', wav],
    { label: 'pocketsphinx', captureStdout: 'text', progressRange },
  );
  const words = ps.flavour === '0.8' ? parsePocketsphinx08(r.stdout) : parsePocketsphinx5(r.stdout);
  return {
    words,
    use: {
      stage: 'recognition',
      name: `pocketsphinx ${ps.flavour} (en-us)`,
      license: 'BSD-2-Clause',
    },
  };
}

/** Apertium's installed pairs (`apertium -l`), as "eng-spa". */
export function parseApertiumPairs(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z_]+-[a-z_]+(_[A-Za-z]+)?$/.test(l));
}

/** The Apertium mode for a language pair (three-letter or two-letter names), or null. */
export function apertiumMode(pairs: string[], from: string, to: string): string | null {
  const wanted = [
    `${languageTag(from)}-${languageTag(to)}`,
    `${languageCode(from)}-${languageCode(to)}`,
  ];
  return pairs.find((p) => wanted.includes(p)) ?? null;
}

/**
 * Translation of cue texts, one a line (Apertium's default text mode keeps each line and its
 * final punctuation; `-u` leaves unknown words unmarked).
 */
export async function translateLines(
  ctx: JobContext,
  engines: SpeechEngines,
  /** The installed pairs, asked once per run (`apertium -l`). */
  pairs: string[],
  lines: string[],
  from: string,
  to: string,
): Promise<{ lines: string[]; use: EngineUse }> {
  if (!engines.apertium)
    throw new AppError(
      'engine_missing',
      'No translator was found: install Apertium with the language pair (e.g. apertium-eng-spa).',
    );
  const mode = apertiumMode(pairs, from, to);
  if (!mode)
    throw new AppError(
      'invalid_input',
      `Apertium cannot translate ${languageName(from)} to ${languageName(to)}. Installed pairs: ${pairs.length ? pairs.map((p) => p.replace('-', '→')).join(', ') : 'none'}. Install the pair's package (apertium-${languageTag(from)}-${languageTag(to)}).`,
    );
  const input = ctx.tempPath(`apertium-${Date.now()}.txt`);
  await writeFile(input, lines.map((l) => l.replace(/\s*\n\s*/g, ' ').trim()).join('\n') + '\n');
  const r = await ctx.spawn(engines.apertium, ['-u', mode, input], {
    label: 'apertium',
    captureStdout: 'text',
  });
  const out = r.stdout.replace(/\n$/, '').split('\n');
  if (out.length !== lines.length)
    throw new AppError(
      'engine_failed',
      `Apertium answered ${out.length} lines for ${lines.length}: the cues could not be matched.`,
    );
  return {
    lines: out.map((l) => l.replace(/\s{2,}/g, ' ').trim()),
    use: { stage: 'translation', name: `Apertium ${mode}`, license: 'GPL-3.0 (output is yours)' },
  };
}

/** espeak-ng's words a minute at natural speed. */
const ESPEAK_WPM = 175;

/** Speaks one line into a WAV, at `rate` × natural speed (the engine's own control). */
export async function speak(
  ctx: JobContext,
  engines: SpeechEngines,
  text: string,
  lang: string,
  rate: number,
  out: string,
): Promise<EngineUse> {
  const textFile = `${out}.txt`;
  await writeFile(textFile, text);
  if (engines.piper) {
    // Piper reads the text on stdin; --length_scale below 1 speaks faster.
    await ctx.spawn(
      engines.piper.bin,
      [
        '--model',
        engines.piper.voice,
        '--output_file',
        out,
        '--length_scale',
        (1 / rate).toFixed(3),
      ],
      { label: 'Piper', input: `${text.replace(/\s*\n\s*/g, ' ')}\n` },
    );
    const voice = path.basename(engines.piper.voice).replace(/\.onnx$/, '');
    return {
      stage: 'speech',
      name: `Piper (${voice})`,
      license: 'the voice’s own licence: see its MODEL_CARD',
      nonCommercial: knownNonCommercial(voice),
    };
  }
  if (!engines.espeak)
    throw new AppError('engine_missing', 'No speech engine was found: install Piper or espeak-ng.');
  await ctx.spawn(
    engines.espeak,
    [
      '-v',
      languageCode(lang),
      '-s',
      String(Math.round(ESPEAK_WPM * rate)),
      '-w',
      out,
      '-f',
      textFile,
    ],
    { label: 'espeak-ng' },
  );
  return {
    stage: 'speech',
    name: `espeak-ng (${languageCode(lang)})`,
    license: 'GPL-3.0 (output is yours)',
  };
}
