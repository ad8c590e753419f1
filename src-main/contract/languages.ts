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
