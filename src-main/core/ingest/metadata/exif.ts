/**
 * The few EXIF/TIFF fields generators write their parameters into: UserComment (A1111 and
 * Forge JPEG/WebP), ImageDescription, Software, Artist, Make and the Windows XPComment. A tiny
 * IFD walker rather than a dependency; anything malformed yields what was read so far.
 */
const TAGS: Record<number, string> = {
  0x010e: 'ImageDescription',
  0x010f: 'Make',
  0x0131: 'Software',
  0x013b: 'Artist',
  0x9286: 'UserComment',
  0x9c9c: 'XPComment',
};
const EXIF_IFD = 0x8769;

export function readExifText(exif: Buffer | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!exif || exif.length < 8) return out;
  // sharp hands back the APP1 payload with or without the "Exif\0\0" header.
  let tiff = exif;
  if (tiff.toString('latin1', 0, 4) === 'Exif') tiff = tiff.subarray(6);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return out;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const seen = new Set<number>();
  const walk = (ifd: number) => {
    if (seen.has(ifd) || ifd + 2 > tiff.length) return;
    seen.add(ifd);
    const n = u16(ifd);
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      if (e + 12 > tiff.length) return;
      const tag = u16(e);
      const type = u16(e + 2);
      const count = u32(e + 4);
      if (tag === EXIF_IFD) {
        walk(u32(e + 8));
        continue;
      }
      const name = TAGS[tag];
      if (!name) continue;
      const size = count * (type === 3 ? 2 : type === 4 ? 4 : 1);
      const off = size <= 4 ? e + 8 : u32(e + 8);
      if (off + size > tiff.length) continue;
      const raw = tiff.subarray(off, off + size);
      const text =
        name === 'UserComment'
          ? decodeUserComment(raw)
          : name === 'XPComment'
            ? raw.toString('utf16le')
            : raw.toString('utf8');
      const clean = text.replace(/\0+$/, '').trim();
      if (clean) out[name] = clean;
    }
  };
  try {
    walk(u32(4));
  } catch {
    // Truncated EXIF: keep what was read.
  }
  return out;
}

/** UserComment: an 8-byte charset id, then the text. "UNICODE" is UTF-16 of either byte order. */
export function decodeUserComment(raw: Buffer): string {
  const id = raw.toString('latin1', 0, 8);
  const body = raw.subarray(8);
  if (id.startsWith('UNICODE')) {
    // Writers disagree on byte order (piexif: big-endian; others: little): pick by where the
    // zero bytes of ASCII-range text fall.
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i + 1 < Math.min(body.length, 400); i += 2) {
      if (body[i] === 0) evenZeros++;
      if (body[i + 1] === 0) oddZeros++;
    }
    if (evenZeros > oddZeros) {
      const swapped = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    return body.toString('utf16le');
  }
  if (id.startsWith('ASCII') || id.startsWith('\0\0\0\0\0\0\0\0')) return body.toString('utf8');
  return raw.toString('utf8');
}
