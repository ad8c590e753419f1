/**
 * File names inside a pack must extract safely on Windows, macOS and Linux: no separators or
 * drive letters (nothing escapes the pack folder), no characters Windows refuses, no reserved
 * device names, nothing over 255 bytes, and no two names that a case-insensitive or
 * normalisation-insensitive file system would treat as the same file.
 */

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*]/g;
const MAX_BYTES = 255;

export interface NameProblem {
  name: string;
  problems: string[];
}

/** What is wrong with a name a user typed, in words, or [] when it is fine as it is. */
export function fileNameProblems(name: string): string[] {
  const p: string[] = [];
  if (name.trim() === '') p.push('is empty');
  if (/[/\\]/.test(name)) p.push('contains a path separator (/ or \\)');
  if (/^[A-Za-z]:/.test(name)) p.push('starts with a drive letter');
  if (name === '.' || name === '..' || name.startsWith('..')) p.push('starts with ".."');
  if (/[<>:"|?*]/.test(name)) p.push('contains one of < > : " | ? * (invalid on Windows)');
  if (new RegExp(CONTROL.source).test(name)) p.push('contains a control character');
  if (/[ .]$/.test(name)) p.push('ends with a dot or space (Windows drops it)');
  if (name.startsWith('.')) p.push('starts with a dot (hidden on macOS and Linux)');
  const stem = name.split('.')[0] ?? '';
  if (WINDOWS_RESERVED.test(stem.trim())) p.push(`"${stem}" is a reserved device name on Windows`);
  if (Buffer.byteLength(name.normalize('NFC'), 'utf8') > MAX_BYTES)
    p.push('is longer than 255 bytes');
  return p;
}

function truncateBytes(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  // Cut on code points, never inside a surrogate pair or a UTF-8 sequence.
  const chars = Array.from(s);
  let out = '';
  let bytes = 0;
  for (const c of chars) {
    const b = Buffer.byteLength(c, 'utf8');
    if (bytes + b > maxBytes) break;
    out += c;
    bytes += b;
  }
  return out;
}

/** Splits "name.tar.gz"-style names at the last dot only; dotfiles have no extension. */
export function splitExt(name: string): { stem: string; ext: string } {
  const i = name.lastIndexOf('.');
  if (i <= 0) return { stem: name, ext: '' };
  return { stem: name.slice(0, i), ext: name.slice(i) };
}

/**
 * A safe version of any name: separators and forbidden characters become "_", control
 * characters go, leading dots and trailing dots/spaces go, reserved stems get a "_" prefix, and
 * the result fits 255 bytes with its extension kept. Never returns an empty name.
 */
export function sanitizeFileName(raw: string, fallback = 'file'): string {
  let name = raw.normalize('NFC').replace(CONTROL, '').replace(WINDOWS_FORBIDDEN, '_');
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  let { stem, ext } = splitExt(name);
  ext = ext.replace(/[\s]/g, '').slice(0, 32);
  if (ext === '.') ext = '';
  stem = stem.replace(/[\s.]+$/, '');
  if (stem === '') stem = fallback;
  if (WINDOWS_RESERVED.test(stem.split('.')[0]!.trim())) stem = `_${stem}`;
  const extBytes = Buffer.byteLength(ext, 'utf8');
  stem = truncateBytes(stem, MAX_BYTES - extBytes).replace(/[\s.]+$/, '') || fallback;
  return stem + ext;
}

/** The key two names collide under on a case-insensitive, normalisation-insensitive disk. */
export function clashKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Gives each wanted name a unique safe name, in order: the first keeps its name, later clashes
 * get _001, _002 … before the extension (the layout PACK_EXPORT.md describes).
 */
export function assignUniqueNames(wanted: string[], reserved: Iterable<string> = []): string[] {
  const taken = new Set<string>([...reserved].map(clashKey));
  return wanted.map((w) => {
    const safe = sanitizeFileName(w);
    if (!taken.has(clashKey(safe))) {
      taken.add(clashKey(safe));
      return safe;
    }
    const { stem, ext } = splitExt(safe);
    for (let n = 1; ; n++) {
      const suffix = `_${String(n).padStart(3, '0')}`;
      const candidate =
        truncateBytes(stem, MAX_BYTES - Buffer.byteLength(suffix + ext, 'utf8')) + suffix + ext;
      if (!taken.has(clashKey(candidate))) {
        taken.add(clashKey(candidate));
        return candidate;
      }
    }
  });
}

/** The name an asset wants inside the pack: the creator's choice, else its own file name. */
export function wantedName(
  asset: { filename: string; ext: string },
  exportFilename: string | null,
): string {
  if (exportFilename && exportFilename.trim()) {
    const chosen = exportFilename.trim();
    // Keep the real extension: a buyer's OS decides how to open a file by it.
    const ext = asset.ext
      ? asset.ext.startsWith('.')
        ? asset.ext
        : `.${asset.ext}`
      : splitExt(asset.filename).ext;
    return ext && !chosen.toLowerCase().endsWith(ext.toLowerCase()) ? chosen + ext : chosen;
  }
  return asset.filename;
}
