/**
 * Shared by the core and the renderer (the dialog's choices and checks).
 * Languages by their two-letter code (ISO 639-1), with the three-letter one (639-2/B) that
 * ffmpeg's language tags and most Apertium pairs use, and a name for people.
 */
export const languages: [two: string, three: string, name: string][] = [
  ['en', 'eng', 'English'],
  ['es', 'spa', 'Spanish'],
  ['fr', 'fra', 'French'],
  ['de', 'deu', 'German'],
  ['it', 'ita', 'Italian'],
  ['pt', 'por', 'Portuguese'],
  ['ca', 'cat', 'Catalan'],
  ['gl', 'glg', 'Galician'],
  ['eu', 'eus', 'Basque'],
  ['nl', 'nld', 'Dutch'],
  ['sv', 'swe', 'Swedish'],
  ['da', 'dan', 'Danish'],
  ['nb', 'nob', 'Norwegian Bokmål'],
  ['nn', 'nno', 'Norwegian Nynorsk'],
  ['pl', 'pol', 'Polish'],
  ['ru', 'rus', 'Russian'],
  ['uk', 'ukr', 'Ukrainian'],
  ['ro', 'ron', 'Romanian'],
  ['eo', 'epo', 'Esperanto'],
  ['oc', 'oci', 'Occitan'],
  ['ja', 'jpn', 'Japanese'],
  ['zh', 'zho', 'Chinese'],
  ['ko', 'kor', 'Korean'],
  ['ar', 'ara', 'Arabic'],
  ['hi', 'hin', 'Hindi'],
  ['tr', 'tur', 'Turkish'],
];

export function languageTag(code: string): string {
  const c = code.toLowerCase();
  return languages.find(([a, b]) => a === c || b === c)?.[1] ?? c;
}

export function languageCode(code: string): string {
  const c = code.toLowerCase();
  return languages.find(([a, b]) => a === c || b === c)?.[0] ?? c;
}

export function languageName(code: string): string {
  const c = code.toLowerCase();
  return languages.find(([a, b]) => a === c || b === c)?.[2] ?? code;
}

/**
 * The languages Argos Translate goes through from one language to another, or null when its
 * packages cannot. Like argostranslate's get_installed_languages it chains packages through
 * any installed language, not only English (es→fr with es_en and en_fr installed). Shared: the
 * job picks its translator with it, the New localisation dialog its refusals.
 */
export function argosRoute(
  pairs: { from: string; to: string }[],
  from: string,
  to: string,
): string[] | null {
  const start = languageCode(from);
  const goal = languageCode(to);
  const cameFrom = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === goal) {
      const route = [at];
      for (let p = cameFrom.get(at); p; p = cameFrom.get(p)) route.unshift(p);
      return route;
    }
    for (const p of pairs)
      if (p.from === at && !cameFrom.has(p.to)) {
        cameFrom.set(p.to, at);
        queue.push(p.to);
      }
  }
  return null;
}
