/**
 * Turns what a person types into FTS5 query text. Every word is quoted, so FTS5's own syntax
 * (AND, OR, NEAR, column filters, parentheses) in a prompt never becomes a syntax error;
 * `word*` keeps a prefix search, `"two words"` a phrase, `-word` excludes.
 */
export interface FtsQuery {
  /** Rows must match this (null: no positive words, so every row is a candidate). */
  match: string | null;
  /** Rows matching this are excluded (null: nothing excluded). */
  exclude: string | null;
  /** The positive words, normalised as the tokenizer does, for highlighting. */
  terms: { text: string; prefix: boolean }[];
}

const tokenPattern = /(-?)"([^"]*)"?|(-?)(\S+)/g;

function quote(text: string, prefix: boolean): string | null {
  // The tokenizer splits on anything that is not a letter or digit: keep a term only if it has one.
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  return `"${text.replace(/"/g, '""')}"${prefix ? '*' : ''}`;
}

/** What unicode61 with remove_diacritics does to a token, closely enough to highlight with. */
export function normalizeToken(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const wordPattern = /[\p{L}\p{N}]+/gu;

/** Words joined by AND; alternatives separated by an upper-case OR; `-word` excluded anywhere. */
export function parseSearch(input: string): FtsQuery {
  const alternatives: string[] = [];
  const negative: string[] = [];
  const terms: { text: string; prefix: boolean }[] = [];
  for (const alt of input.split(/\s+OR\s+/)) {
    const positive: string[] = [];
    for (const m of alt.matchAll(tokenPattern)) {
      const negated = (m[1] ?? m[3]) === '-';
      let text: string;
      let prefix = false;
      if (m[2] !== undefined) text = m[2].trim();
      else {
        const raw = m[4] ?? '';
        prefix = raw.endsWith('*');
        text = raw.replace(/\*+$/, '').replace(/^\*+/, '');
      }
      const term = quote(text, prefix);
      if (!term) continue;
      (negated ? negative : positive).push(term);
      if (!negated) {
        const words = text.match(wordPattern) ?? [];
        // Only the last word of a prefix term is a prefix ("cyber-pu*" is "cyber" then "pu*").
        words.forEach((w, i) =>
          terms.push({ text: normalizeToken(w), prefix: prefix && i === words.length - 1 }),
        );
      }
    }
    if (positive.length)
      alternatives.push(positive.length === 1 ? positive[0]! : `(${positive.join(' AND ')})`);
  }
  return {
    match: alternatives.length ? alternatives.join(' OR ') : null,
    exclude: negative.length ? negative.join(' OR ') : null,
    terms,
  };
}

export type SnippetPart = { text: string; hit: boolean };

/**
 * Highlights the search words in one field's text, cut to a window of about `width` words
 * around the first hit. Done here rather than with FTS5's snippet(), which re-runs the whole
 * match per row: for a prefix over tens of thousands of hits that cost 300 ms a page.
 */
export function highlight(
  text: string,
  terms: FtsQuery['terms'],
  width = 10,
): SnippetPart[] | null {
  if (!text || !terms.length) return null;
  const tokens = [...text.matchAll(wordPattern)];
  const isHit = tokens.map((t) => {
    const n = normalizeToken(t[0]);
    return terms.some((term) => (term.prefix ? n.startsWith(term.text) : n === term.text));
  });
  const first = isHit.indexOf(true);
  if (first === -1) return null;
  const from = Math.max(0, first - 2);
  const to = Math.min(tokens.length, from + width);
  const parts: SnippetPart[] = [];
  const startAt = from === 0 ? 0 : tokens[from]!.index!;
  const endAt =
    to === tokens.length ? text.length : tokens[to - 1]!.index! + tokens[to - 1]![0].length;
  let pos = startAt;
  if (from > 0) parts.push({ text: '…', hit: false });
  for (let i = from; i < to; i++) {
    const tok = tokens[i]!;
    if (!isHit[i]) continue;
    if (tok.index! > pos) parts.push({ text: text.slice(pos, tok.index!), hit: false });
    parts.push({ text: tok[0], hit: true });
    pos = tok.index! + tok[0].length;
  }
  if (endAt > pos) parts.push({ text: text.slice(pos, endAt), hit: false });
  if (to < tokens.length) parts.push({ text: '…', hit: false });
  // Merge neighbouring plain runs so a card renders few spans.
  return parts.reduce<SnippetPart[]>((acc, p) => {
    const last = acc[acc.length - 1];
    if (last && !last.hit && !p.hit) last.text += p.text;
    else acc.push({ ...p });
    return acc;
  }, []);
}
