import sharp from 'sharp';
import type { DataDirLayout } from '../datadir/dataDir';
import { thumbsFromPixels } from './draw';

/** What a text file's card shows: a badge (language, format), its first lines (wrapped here), a footer. */
export interface TextCard {
  badge: string;
  lines: string[];
  footer: string;
}

const W = 512;
const H = 288;
/** Characters that fit a line of the card at its font size (DejaVu Sans, 29 px). */
const LINE_CHARS = 28;
const MAX_LINES = 4;

/** XML has no place for most control characters (a DOS end-of-file mark, a stray NUL). */
// eslint-disable-next-line no-control-regex -- the control characters are what it removes
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const escapeXml = (s: string) =>
  s
    .replace(notXml, '')
    .replace(
      /[<>&"']/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
    );

/**
 * Words wrapped to the card's width, each line with the text it came from; a word longer than a
 * line is cut with an ellipsis.
 */
export function wrapLines(
  texts: string[],
  width = LINE_CHARS,
  max = MAX_LINES,
): { line: string; from: number }[] {
  const out: { line: string; from: number }[] = [];
  texts.forEach((text, from) => {
    let line = '';
    for (const raw of text.split(/\s+/).filter(Boolean)) {
      if (out.length >= max) return;
      const word = raw.length > width ? `${raw.slice(0, width - 1)}…` : raw;
      if (line && line.length + 1 + word.length > width) {
        out.push({ line, from });
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line && out.length < max) out.push({ line, from });
  });
  return out;
}

/** The card as SVG: drawn by libvips' own SVG renderer, so no browser or canvas is needed. */
export function textCardSvg(card: TextCard): string {
  const badgeW = 24 + card.badge.length * 15;
  const lines = wrapLines(card.lines)
    .map(
      (l, i) =>
        `<text x="28" y="${108 + i * 40}" font-size="29" fill="${l.from === 0 ? '#f4f6fb' : '#aab3c5'}">${escapeXml(l.line)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif">
<rect width="${W}" height="${H}" fill="#1e2532"/>
<rect x="28" y="22" width="${badgeW}" height="40" rx="9" fill="#6b4ce6"/>
<text x="${28 + badgeW / 2}" y="50" font-size="21" font-weight="bold" fill="#ffffff" text-anchor="middle">${escapeXml(card.badge)}</text>
${lines}
<text x="28" y="${H - 18}" font-size="20" fill="#8d97ab">${escapeXml(card.footer)}</text>
</svg>`;
}

/** Draws the card into the two thumbnail sizes under `key`. */
export async function thumbsFromTextCard(
  card: TextCard,
  key: string,
  layout: DataDirLayout,
): Promise<void> {
  const { data, info } = await sharp(Buffer.from(textCardSvg(card)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  await thumbsFromPixels(
    { data, width: info.width, height: info.height, channels: 3 },
    key,
    layout,
  );
}
