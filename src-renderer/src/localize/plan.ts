/**
 * What a localisation needs from the engines found (pure: the dialog and its tests share it).
 * Languages come from the contract (two- and three-letter codes, names), the core's table.
 */
import { argosRoute, languages, type LocalizeEngineInfo, type LocalizeMode } from '@contract/index';

export { languages };

const find = (code: string) => {
  const c = code.toLowerCase();
  return languages.find(([a, b]) => a === c || b === c);
};

export const languageName = (code: string): string => find(code)?.[2] ?? code;
export const languageTag = (code: string): string => find(code)?.[1] ?? code.toLowerCase();
export const languageCode = (code: string): string => find(code)?.[0] ?? code.toLowerCase();

export const modeLabels: Record<LocalizeMode, { label: string; short: string; detail: string }> = {
  subtitles: {
    label: 'Subtitles only',
    short: 'Subtitles',
    detail: 'SRT and WebVTT in the spoken language',
  },
  translate: {
    label: 'Translated subtitles',
    short: 'Translated subtitles',
    detail: 'Subtitles in both languages',
  },
  audio: {
    label: 'Dub track',
    short: 'Dub track',
    detail: 'Translated subtitles and a spoken dub (M4A)',
  },
  video: {
    label: 'Localised video',
    short: 'Localised video',
    detail: 'An MP4 with the dub, the original audio and both subtitles',
  },
};

/** The stages a mode runs, in order. */
export function stagesOf(mode: LocalizeMode): LocalizeEngineInfo['stage'][] {
  if (mode === 'subtitles') return ['recognition'];
  if (mode === 'translate') return ['recognition', 'translation'];
  return ['recognition', 'translation', 'speech'];
}

export const stageLabels: Record<LocalizeEngineInfo['stage'], string> = {
  recognition: 'Speech recognition',
  translation: 'Translation',
  speech: 'Speech',
};

/** Who translates: the engine chosen, or auto (the first with the pair, in the engines' order). */
export type TranslatorChoice = 'auto' | 'apertium' | 'argos' | 'llm';

export const translatorLabels: Record<TranslatorChoice, string> = {
  auto: 'Automatic',
  apertium: 'Apertium',
  argos: 'Argos Translate',
  llm: 'Chat server',
};

/** Whether Argos Translate's packages ("en→es") reach one language from another (argosRoute). */
export function argosReaches(pairs: string[], from: string, to: string): boolean {
  const edges = pairs.map((p) => {
    const [a, b] = p.split('→');
    return { from: a!, to: b! };
  });
  return argosRoute(edges, from, to) !== null;
}

/** Whether an engine handles a language (or, for translators, the pair from → to). */
export function engineHandles(e: LocalizeEngineInfo, from: string, to: string | null): boolean {
  if (!e.ok) return false;
  if (e.stage === 'translation') {
    if (!to) return false;
    if (e.languages.includes('any')) return true;
    if (e.id === 'argos') return argosReaches(e.languages, languageCode(from), languageCode(to));
    const wanted = [
      `${languageTag(from)}→${languageTag(to)}`,
      `${languageCode(from)}→${languageCode(to)}`,
    ];
    return e.languages.some((p) => wanted.includes(p));
  }
  if (e.stage === 'recognition') {
    return e.languages.some((l) => l === 'auto' || languageCode(l) === languageCode(from));
  }
  // Speech: espeak-ng says "many"; a voice engine lists its languages.
  return e.languages.some(
    (l) => l === 'many' || l === 'any' || (!!to && languageCode(l) === languageCode(to)),
  );
}

export interface PlanCheck {
  /** Why the engines cannot do it, one sentence a stage; empty when they can. */
  problems: string[];
  /** The engine that will do each stage, by its label. */
  chosen: Partial<Record<LocalizeEngineInfo['stage'], string>>;
}

/** Which engines would do a localisation, and why it cannot run when no engine fits a stage. */
export function checkPlan(
  engines: LocalizeEngineInfo[],
  choice: { mode: LocalizeMode; from: string; to: string | null; translator?: TranslatorChoice },
): PlanCheck {
  const { mode, from } = choice;
  const translator = choice.translator ?? 'auto';
  const to = mode === 'subtitles' ? null : choice.to;
  const problems: string[] = [];
  const chosen: PlanCheck['chosen'] = {};
  if (mode !== 'subtitles' && !to) problems.push('Choose the language to translate to.');
  if (to && languageCode(to) === languageCode(from))
    problems.push(`The video is already in ${languageName(from)}: choose another language.`);
  for (const stage of stagesOf(mode)) {
    const of = engines.filter(
      (e) =>
        e.stage === stage &&
        (stage !== 'translation' || translator === 'auto' || e.id === translator),
    );
    const fit = of.find((e) => engineHandles(e, from, to));
    if (fit) {
      chosen[stage] = fit.label;
      continue;
    }
    if (stage === 'translation' && !to) continue;
    const working = of.filter((e) => e.ok);
    if (stage === 'recognition') {
      problems.push(
        working.length
          ? `No speech recognition for ${languageName(from)}: ${working.map((e) => `${e.label} knows ${e.languages.map(languageName).join(', ')}`).join('; ')}. ${of.find((e) => e.id === 'whisper' && !e.ok)?.problem ?? ''}`.trim()
          : `No speech recognition is installed. ${of
              .map((e) => e.problem)
              .filter(Boolean)
              .join(' ')}`,
      );
    } else if (stage === 'translation' && translator !== 'auto') {
      const e = of[0];
      problems.push(
        !e
          ? `${translatorLabels[translator]} is not among the engines found.`
          : !e.ok
            ? `${e.label} cannot translate yet: ${e.problem ?? 'it is not installed.'}`
            : `${e.label} cannot translate ${languageName(from)} to ${languageName(to!)}. Its pairs: ${e.languages.join(', ') || 'none'}. ${installHint(e.id, from, to!)}`.trim(),
      );
    } else if (stage === 'translation') {
      const pairs = working.flatMap((e) => e.languages);
      // Argos's packages only help where Argos itself is installed.
      const hints = of
        .filter((e) => e.id !== 'argos' || e.path)
        .map((e) => installHint(e.id, from, to!))
        .filter(Boolean);
      problems.push(
        working.length
          ? `No engine translates ${languageName(from)} to ${languageName(to!)}. Installed pairs: ${pairs.join(', ') || 'none'}.${hints.length ? ` ${hints.join(' ')}` : ''}`
          : `No translation engine is installed. ${of
              .map((e) => e.problem)
              .filter(Boolean)
              .join(' ')}`,
      );
    } else {
      problems.push(
        working.length
          ? `No voice speaks ${languageName(to!)}.`
          : `No speech engine is installed. ${of
              .map((e) => e.problem)
              .filter(Boolean)
              .join(' ')}`,
      );
    }
  }
  return { problems, chosen };
}

/** What to install for a pair a translator lacks. */
function installHint(id: LocalizeEngineInfo['id'], from: string, to: string): string {
  if (id === 'apertium')
    return `Install apertium-${languageTag(from)}-${languageTag(to)} if Debian has it.`;
  if (id === 'argos')
    return `Install the Argos Translate package: argospm install translate-${languageCode(from)}_${languageCode(to)}.`;
  return '';
}
