/**
 * ZIP record layouts (APPNOTE 6.3.10), written by hand so the writer can stream, seek back to
 * patch sizes, and switch to Zip64 exactly where a field would overflow.
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** General-purpose flag bit 11: the name is UTF-8 (without it readers guess CP437). */
export const FLAG_UTF8 = 0x0800;

export const U32_MAX = 0xffffffff;
export const U16_MAX = 0xffff;
export const ZIP64_EXTRA_ID = 0x0001;

/** "Made by" Unix, spec 4.5: lets unzip apply the permission bits in the external attributes. */
export const VERSION_MADE_BY = (3 << 8) | 45;
export const VERSION_ZIP64 = 45;
export const VERSION_DEFLATE = 20;
export const VERSION_STORE = 10;

export const LOCAL_HEADER_FIXED = 30;
export const CENTRAL_HEADER_FIXED = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

export interface DosTime {
  time: number;
  date: number;
}

/** DOS timestamps are local time with 2-second resolution, and cannot go before 1980. */
export function toDosTime(d: Date): DosTime {
  const year = Math.max(1980, Math.min(2107, d.getFullYear()));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export interface LocalHeaderFields {
  name: Buffer;
  method: number;
  flags: number;
  dos: DosTime;
  crc: number;
  compressedSize: number;
  size: number;
  /** Reserve a Zip64 extra so sizes ≥ 4 GiB can be patched in afterwards. */
  zip64: boolean;
}

export function localHeader(f: LocalHeaderFields): Buffer {
  const extraLen = f.zip64 ? 20 : 0;
  const b = Buffer.alloc(LOCAL_HEADER_FIXED + f.name.length + extraLen);
  b.writeUInt32LE(SIG_LOCAL, 0);
  b.writeUInt16LE(
    f.zip64 ? VERSION_ZIP64 : f.method === METHOD_DEFLATE ? VERSION_DEFLATE : VERSION_STORE,
    4,
  );
  b.writeUInt16LE(f.flags, 6);
  b.writeUInt16LE(f.method, 8);
  b.writeUInt16LE(f.dos.time, 10);
  b.writeUInt16LE(f.dos.date, 12);
  writeLocalSizes(b, 0, f);
  b.writeUInt16LE(f.name.length, 26);
  b.writeUInt16LE(extraLen, 28);
  f.name.copy(b, LOCAL_HEADER_FIXED);
  if (f.zip64) {
    const x = LOCAL_HEADER_FIXED + f.name.length;
    b.writeUInt16LE(ZIP64_EXTRA_ID, x);
    b.writeUInt16LE(16, x + 2);
    b.writeBigUInt64LE(BigInt(f.size), x + 4);
    b.writeBigUInt64LE(BigInt(f.compressedSize), x + 12);
  }
  return b;
}

/** The crc/size fields of a local header, rewritten in place once the data has been streamed. */
export function localSizesPatch(
  f: Pick<LocalHeaderFields, 'crc' | 'compressedSize' | 'size' | 'zip64'>,
): Buffer {
  const b = Buffer.alloc(12);
  writeLocalSizes(b, -14, f);
  return b;
}

function writeLocalSizes(
  b: Buffer,
  base: number,
  f: Pick<LocalHeaderFields, 'crc' | 'compressedSize' | 'size' | 'zip64'>,
): void {
  b.writeUInt32LE(f.crc >>> 0, base + 14);
  b.writeUInt32LE(f.zip64 ? U32_MAX : f.compressedSize, base + 18);
  b.writeUInt32LE(f.zip64 ? U32_MAX : f.size, base + 22);
}

export function zip64LocalExtraPatch(size: number, compressedSize: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(BigInt(size), 0);
  b.writeBigUInt64LE(BigInt(compressedSize), 8);
  return b;
}

export interface CentralEntry {
  name: Buffer;
  method: number;
  flags: number;
  dos: DosTime;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  isDirectory: boolean;
  /** Whether the local header carries a Zip64 extra (the version-needed fields must agree). */
  localZip64: boolean;
}

export function centralHeader(e: CentralEntry): Buffer {
  // Only the fields that overflow go into the Zip64 extra, in the order the spec fixes.
  const over: bigint[] = [];
  const bigSize = e.size >= U32_MAX;
  const bigComp = e.compressedSize >= U32_MAX;
  const bigOff = e.offset >= U32_MAX;
  if (bigSize) over.push(BigInt(e.size));
  if (bigComp) over.push(BigInt(e.compressedSize));
  if (bigOff) over.push(BigInt(e.offset));
  const zip64 = over.length > 0 || e.localZip64;
  const extraLen = over.length ? 4 + over.length * 8 : 0;
  const b = Buffer.alloc(CENTRAL_HEADER_FIXED + e.name.length + extraLen);
  b.writeUInt32LE(SIG_CENTRAL, 0);
  b.writeUInt16LE(VERSION_MADE_BY, 4);
  b.writeUInt16LE(
    zip64 ? VERSION_ZIP64 : e.method === METHOD_DEFLATE ? VERSION_DEFLATE : VERSION_STORE,
    6,
  );
  b.writeUInt16LE(e.flags, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(e.dos.time, 12);
  b.writeUInt16LE(e.dos.date, 14);
  b.writeUInt32LE(e.crc >>> 0, 16);
  b.writeUInt32LE(bigComp ? U32_MAX : e.compressedSize, 20);
  b.writeUInt32LE(bigSize ? U32_MAX : e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt16LE(extraLen, 30);
  b.writeUInt16LE(0, 32); // comment length
  b.writeUInt16LE(0, 34); // disk number start
  b.writeUInt16LE(0, 36); // internal attributes
  const mode = e.isDirectory ? 0o40755 : 0o100644;
  b.writeUInt32LE(((mode << 16) | (e.isDirectory ? 0x10 : 0)) >>> 0, 38);
  b.writeUInt32LE(bigOff ? U32_MAX : e.offset, 42);
  e.name.copy(b, CENTRAL_HEADER_FIXED);
  if (over.length) {
    let x = CENTRAL_HEADER_FIXED + e.name.length;
    b.writeUInt16LE(ZIP64_EXTRA_ID, x);
    b.writeUInt16LE(over.length * 8, x + 2);
    x += 4;
    for (const v of over) {
      b.writeBigUInt64LE(v, x);
      x += 8;
    }
  }
  return b;
}

export function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const needZip64 = count >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
  const parts: Buffer[] = [];
  if (needZip64) {
    const z = Buffer.alloc(ZIP64_EOCD_SIZE);
    z.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    z.writeBigUInt64LE(BigInt(ZIP64_EOCD_SIZE - 12), 4);
    z.writeUInt16LE(VERSION_MADE_BY, 12);
    z.writeUInt16LE(VERSION_ZIP64, 14);
    z.writeUInt32LE(0, 16);
    z.writeUInt32LE(0, 20);
    z.writeBigUInt64LE(BigInt(count), 24);
    z.writeBigUInt64LE(BigInt(count), 32);
    z.writeBigUInt64LE(BigInt(cdSize), 40);
    z.writeBigUInt64LE(BigInt(cdOffset), 48);
    const l = Buffer.alloc(ZIP64_LOCATOR_SIZE);
    l.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    l.writeUInt32LE(0, 4);
    l.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    l.writeUInt32LE(1, 16);
    parts.push(z, l);
  }
  const e = Buffer.alloc(EOCD_SIZE);
  e.writeUInt32LE(SIG_EOCD, 0);
  e.writeUInt16LE(0, 4);
  e.writeUInt16LE(0, 6);
  e.writeUInt16LE(Math.min(count, U16_MAX), 8);
  e.writeUInt16LE(Math.min(count, U16_MAX), 10);
  e.writeUInt32LE(Math.min(cdSize, U32_MAX), 12);
  e.writeUInt32LE(Math.min(cdOffset, U32_MAX), 16);
  e.writeUInt16LE(0, 20);
  parts.push(e);
  return Buffer.concat(parts);
}
