/**
 * The one search: what a person types becomes FTS5 query text the same way for the Library's
 * box, `atelier assets list --search` and a pack's "add by search", so the same words find the
 * same assets everywhere. Every word is quoted, so FTS5's own syntax (AND, OR, NEAR, column
 * filters, parentheses) in a prompt never becomes a syntax error. Every plain word is a prefix
 * (`cyber` finds `cyberpunk`, `cyber city` finds "cyberpunk cityscape"), as creators type
 * fragments of what they remember; `"two words"` is an exact phrase (`"cyber"` only the word
 * cyber), `-word` excludes that exact word, an upper-case OR separates alternatives. Titles, file names,
 * prompts, notes, tags and what an asset was made with (checkpoint, sampler, LoRAs) are searched.
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
  interface Token {
    text: string;
    negated: boolean;
    quoted: boolean;
    star: boolean;
  }
  // Alternatives are split on a bare upper-case OR token; each is a list of tokens.
  const groups: Token[][] = [[]];
  for (const m of input.matchAll(tokenPattern)) {
    if (m[2] === undefined && m[3] === '' && m[4] === 'OR') {
      groups.push([]);
      continue;
    }
    const quoted = m[2] !== undefined;
    const raw = quoted ? m[2]!.trim() : (m[4] ?? '');
    groups[groups.length - 1]!.push({
      text: quoted ? raw : raw.replace(/\*+$/, '').replace(/^\*+/, ''),
      negated: (m[1] ?? m[3]) === '-',
      quoted,
      star: !quoted && raw.endsWith('*'),
    });
  }
  const alternatives: string[] = [];
  const negative: string[] = [];
  const terms: { text: string; prefix: boolean }[] = [];
  for (const group of groups) {
    const positive: string[] = [];
    for (const t of group) {
      // A plain word is a prefix; a quoted phrase is exact; an excluded word is exact (`-cat`
      // must not hide every catalogue).
      const prefix = t.star || (!t.quoted && !t.negated);
      const term = quote(t.text, prefix);
      if (!term) continue;
      (t.negated ? negative : positive).push(term);
      if (!t.negated) {
        const words = t.text.match(wordPattern) ?? [];
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

/**
 * The search as SQL over `assets a`: a condition on a.rid and its parameter, or null for an
 * empty search. Exclusions ride inside the FTS5 query when there is something to exclude from:
 * FTS5 subtracts doclists itself, where NOT IN would first list every excluded row.
 */
export function searchCondition(q: FtsQuery, rid = 'a.rid'): { sql: string; param: string } | null {
  if (q.match)
    return {
      sql: `${rid} IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?)`,
      param: q.exclude ? `(${q.match}) NOT (${q.exclude})` : q.match,
    };
  if (q.exclude)
    return {
      sql: `${rid} NOT IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?)`,
      param: q.exclude,
    };
  return null;
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
  const startAt = from === 0 ? 0 : tokens[from]!.index;
  const endAt =
    to === tokens.length ? text.length : tokens[to - 1]!.index + tokens[to - 1]![0].length;
  let pos = startAt;
  if (from > 0) parts.push({ text: '…', hit: false });
  for (let i = from; i < to; i++) {
    const tok = tokens[i]!;
    if (!isHit[i]) continue;
    if (tok.index > pos) parts.push({ text: text.slice(pos, tok.index), hit: false });
    parts.push({ text: tok[0], hit: true });
    pos = tok.index + tok[0].length;
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
