/**
 * File names Atelier creates from names it was given (uploads, exports): safe on every system.
 * Limits are in bytes, not characters (a 100-character Chinese name is 300 bytes of UTF-8, past
 * the 255-byte limit of most file systems), and Windows' reserved device names (CON, NUL,
 * COM1…) are refused everywhere, since a library moves between machines.
 */
const reserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Cuts UTF-8 text to at most `maxBytes` without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * A name safe to create anywhere: no folders, no control or reserved characters, no leading
 * dots, no trailing dots or spaces (Windows drops them), not a device name, at most `maxBytes`
 * (room is left for " (12)" suffixes); the extension is kept when the stem is cut.
 */
export function safeFileName(name: string, fallback: string, maxBytes = 200): string {
  const base = (name.replace(/\\/g, '/').split('/').pop() ?? '').normalize('NFC');
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '')
    .trim();
  let ext = /\.[A-Za-z0-9]{1,10}$/.exec(cleaned)?.[0] ?? '';
  let stem = cleaned.slice(0, cleaned.length - ext.length);
  if (!stem) {
    stem = fallback;
    if (!ext && /^[A-Za-z0-9]{1,10}$/.test(cleaned)) ext = '';
  }
  // CON.png, con.tar.gz and "com1 " are devices on Windows whatever follows the first dot.
  if (reserved.test(stem.split('.')[0]!.trim())) stem = `_${stem}`;
  stem = truncateUtf8(stem, Math.max(1, maxBytes - Buffer.byteLength(ext, 'utf8')));
  return `${stem}${ext}`;
}
