/**
 * Text helpers for the expander: escapes (kept out of every parser's way as Unicode
 * noncharacters until the very end), the tidy pass, and the `prefix:command:value` commands.
 */

/** `\[`, `\]`, `\,` while parsing: noncharacters, which never occur in interchanged text. */
export const ESC_OPEN = '\uFDD0';
export const ESC_CLOSE = '\uFDD1';
export const ESC_COMMA = '\uFDD2';

/** Drops any noncharacter U+FDD0–U+FDEF the input carries, then hides the escapes. */
export function encodeEscapes(s: string): string {
  return s
    .replace(/[\uFDD0-\uFDEF]/g, '')
    .replace(/\\([[\],])/g, (_m, c: string) =>
      c === '[' ? ESC_OPEN : c === ']' ? ESC_CLOSE : ESC_COMMA,
    );
}

export function decodeEscapes(s: string): string {
  return s.replace(/[\uFDD0-\uFDD2]/g, (c) => (c === ESC_OPEN ? '[' : c === ESC_CLOSE ? ']' : ','));
}

/**
 * What an empty option or a removed command leaves behind, cleaned up: runs of spaces/tabs become
 * one space, spaces around line breaks and before commas go, a comma after only spaces after a
 * comma goes (`a, , b` → `a, b`), and the whole text loses leading/trailing spaces and commas.
 */
export function tidy(s: string): string {
  const t = s
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/ +,/g, ',')
    .replace(/,(?:[ \t]*,)+/g, ',');
  return trimEnds(t);
}

const isEdge = (c: number): boolean =>
  c === 44 /* , */ ||
  c === 32 ||
  (c >= 9 && c <= 13) ||
  (c > 127 && /\s/.test(String.fromCharCode(c)));

/** Leading/trailing whitespace and commas off (a loop: `/[\s,]+$/` is quadratic on long runs). */
function trimEnds(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isEdge(s.charCodeAt(a))) a++;
  while (b > a && isEdge(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export interface Command {
  prefix: 'meta' | 'batch' | 'pipeline';
  /** As written. */
  name: string;
  value: string;
}

// A command starts the text or follows a space, comma, bracket, paren, `|` or `&`; its value runs
// to the next space or bracket and may quote spaces ("DPM++ 2M"); it never swallows `(&)` or `||`,
// and trailing commas belong to the prompt, not the value.
const VALUE = String.raw`(?:"[^"\n]*"|(?!\(&\)|\|\|)[^\s"\[\]])+`;
const commandRe = (prefixes: string): RegExp =>
  new RegExp(String.raw`(?<![^\s,()\[\]|&])(${prefixes}):([A-Za-z][\w-]*):(${VALUE})`, 'gi');
const META_RE = commandRe('meta');
const BATCH_RE = commandRe('batch|pipeline');

/** Takes the commands out of the text (in the order written). */
export function extractCommands(
  text: string,
  which: 'meta' | 'batch',
): { text: string; commands: Command[] } {
  const commands: Command[] = [];
  const re = which === 'meta' ? META_RE : BATCH_RE;
  re.lastIndex = 0;
  const out = text.replace(re, (_m, prefix: string, name: string, raw: string) => {
    let end = raw.length;
    while (end > 0 && raw.charCodeAt(end - 1) === 44 /* , */) end--;
    const value = raw.slice(0, end);
    if (value === '') return _m;
    commands.push({ prefix: prefix.toLowerCase() as Command['prefix'], name, value });
    return raw.slice(value.length);
  });
  return { text: out, commands };
}

/** Splits on `sep` outside double quotes. */
export function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

export function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"')
    ? t.slice(1, -1)
    : t.replace(/"/g, '');
}

/** Lower-case, without `_`, `-` or spaces: `clip_skip`, `clipSkip`, `Clip Skip` all match. */
export function normName(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}

/** A value as quoted in a warning: at most 60 characters. */
export function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
