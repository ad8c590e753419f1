/**
 * The description in an XMP packet (`dc:description`'s first `rdf:li`), where Midjourney and
 * photo tools leave a prompt. A linear scan with indexOf: the lazy regex it replaces backtracked
 * quadratically (a 2 MB packet without the closing tag took 28 s).
 */
const MAX_DESCRIPTION = 64 * 1024;

export function readXmpDescription(xmp: Buffer | string): string | null {
  const text = typeof xmp === 'string' ? xmp : xmp.toString('utf8');
  const open = text.indexOf('<dc:description');
  if (open < 0) return null;
  const li = text.indexOf('<rdf:li', open);
  if (li < 0) return null;
  const start = text.indexOf('>', li);
  if (start < 0) return null;
  const end = text.indexOf('</rdf:li>', start);
  if (end < 0) return null;
  return (
    text
      .slice(start + 1, Math.min(end, start + 1 + MAX_DESCRIPTION))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&')
      .trim() || null
  );
}
