import { existsSync } from 'node:fs';
import path from 'node:path';
import { which } from './ffmpeg';

/**
 * The speech and translation engines localisation drives, found the way every engine is: an
 * environment variable, then PATH. Never bundled.
 * - recognition: whisper.cpp's `whisper-cli` with a ggml model the creator chooses
 *   (ATELIER_WHISPER_BIN, ATELIER_WHISPER_MODEL), else pocketsphinx (0.8's
 *   `pocketsphinx_continuous` or 5.x's `pocketsphinx`, English model from Debian's
 *   pocketsphinx-en-us);
 * - translation: Apertium (`apertium`, with the language pairs installed), Argos Translate
 *   (`argos-translate`, or ATELIER_ARGOS_BIN; its `argospm` lists the installed packages), or an
 *   OpenAI-compatible chat server added in Settings → Engines (kind llm);
 * - speech: Piper (`piper`, or ATELIER_PIPER_BIN, with an .onnx voice in ATELIER_PIPER_VOICE),
 *   else espeak-ng.
 */
export interface SpeechEngines {
  whisper: { bin: string; model: string } | null;
  pocketsphinx: { bin: string; flavour: '0.8' | '5' } | null;
  apertium: string | null;
  /** `pm` is null when argospm is not found: the installed pairs are then unknown. */
  argos: { bin: string; pm: string | null } | null;
  piper: { bin: string; voice: string } | null;
  espeak: string | null;
  flite: string | null;
}

export function resolveSpeechEngines(env: NodeJS.ProcessEnv = process.env): SpeechEngines {
  const whisperBin = env.ATELIER_WHISPER_BIN?.trim() || which('whisper-cli', env);
  const whisperModel = env.ATELIER_WHISPER_MODEL?.trim();
  const ps08 = which('pocketsphinx_continuous', env);
  const ps5 = ps08 ? null : which('pocketsphinx', env);
  const piperBin = env.ATELIER_PIPER_BIN?.trim() || which('piper', env);
  const argosBin = env.ATELIER_ARGOS_BIN?.trim() || which('argos-translate', env);
  const piperVoice = env.ATELIER_PIPER_VOICE?.trim();
  return {
    piper:
      piperBin && piperVoice && existsSync(piperVoice)
        ? { bin: piperBin, voice: piperVoice }
        : null,
    whisper:
      whisperBin && whisperModel && existsSync(whisperModel)
        ? { bin: whisperBin, model: whisperModel }
        : null,
    pocketsphinx: ps08 ? { bin: ps08, flavour: '0.8' } : ps5 ? { bin: ps5, flavour: '5' } : null,
    apertium: env.ATELIER_APERTIUM_BIN?.trim() || which('apertium', env),
    argos: argosBin
      ? {
          bin: argosBin,
          pm:
            env.ATELIER_ARGOSPM_BIN?.trim() ||
            argospmBeside(argosBin, env) ||
            which('argospm', env),
        }
      : null,
    espeak: env.ATELIER_ESPEAK_BIN?.trim() || which('espeak-ng', env),
    flite: which('flite', env),
  };
}

/**
 * pip installs argospm in the same folder as argos-translate (a virtual environment's bin/ is
 * often not on PATH); on Windows both end in .exe, so the sibling keeps the program's extension.
 */
function argospmBeside(bin: string, env: NodeJS.ProcessEnv): string | null {
  const here = { ...env, PATH: path.dirname(bin) };
  return which('argospm', here) ?? which(`argospm${path.extname(bin)}`, here);
}
