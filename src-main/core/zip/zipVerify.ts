import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import {
  CENTRAL_HEADER_FIXED,
  EOCD_SIZE,
  LOCAL_HEADER_FIXED,
  METHOD_DEFLATE,
  METHOD_STORE,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  U16_MAX,
  U32_MAX,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
  ZIP64_EXTRA_ID,
} from './format';

export interface ZipEntryInfo {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the entry's data begins, once its local header has been read. */
  dataOffset: number;
}

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(b, done, length - done, position + done);
    if (bytesRead === 0) throw new ZipFormatError(`Unexpected end of file at ${position + done}`);
    done += bytesRead;
  }
  return b;
}

/** Reads the end records and the central directory (Zip64 aware). */
export async function readCentralDirectory(
  file: string,
): Promise<{ entries: ZipEntryInfo[]; fileSize: number; cdOffset: number }> {
  const fh = await open(file, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const tailLen = Math.min(fileSize, EOCD_SIZE + U16_MAX);
    const tail = await readAt(fh, fileSize - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
      if (
        tail.readUInt32LE(i) === SIG_EOCD &&
        i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tail.length
      ) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('No end of central directory record');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const eocdAbs = fileSize - tailLen + eocd;
    if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
      const loc = await readAt(fh, eocdAbs - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
      if (loc.readUInt32LE(0) !== SIG_ZIP64_LOCATOR)
        throw new ZipFormatError('Zip64 locator missing');
      const z = await readAt(fh, Number(loc.readBigUInt64LE(8)), ZIP64_EOCD_SIZE);
      if (z.readUInt32LE(0) !== SIG_ZIP64_EOCD)
        throw new ZipFormatError('Zip64 end record missing');
      count = Number(z.readBigUInt64LE(32));
      cdSize = Number(z.readBigUInt64LE(40));
      cdOffset = Number(z.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > fileSize)
      throw new ZipFormatError('Central directory runs past the end of the file');
    const entries: ZipEntryInfo[] = [];
    // Read the directory in slices so a 100k-entry archive never needs one giant buffer.
    let pos = cdOffset;
    const end = cdOffset + cdSize;
    let buf: Buffer = Buffer.alloc(0);
    let bufStart = pos;
    const ensure = async (need: number) => {
      if (pos + need <= bufStart + buf.length) return;
      const len = Math.min(Math.max(need, 1 << 20), end - pos);
      if (len < need) throw new ZipFormatError('Truncated central directory');
      buf = await readAt(fh, pos, len);
      bufStart = pos;
    };
    for (let i = 0; i < count; i++) {
      await ensure(CENTRAL_HEADER_FIXED);
      let o = pos - bufStart;
      if (buf.readUInt32LE(o) !== SIG_CENTRAL) throw new ZipFormatError(`Bad central header #${i}`);
      const nameLen = buf.readUInt16LE(o + 28);
      const extraLen = buf.readUInt16LE(o + 30);
      const commentLen = buf.readUInt16LE(o + 32);
      const total = CENTRAL_HEADER_FIXED + nameLen + extraLen + commentLen;
      await ensure(total);
      o = pos - bufStart;
      const e: ZipEntryInfo = {
        name: buf.toString('utf8', o + CENTRAL_HEADER_FIXED, o + CENTRAL_HEADER_FIXED + nameLen),
        flags: buf.readUInt16LE(o + 8),
        method: buf.readUInt16LE(o + 10),
        crc: buf.readUInt32LE(o + 16),
        compressedSize: buf.readUInt32LE(o + 20),
        size: buf.readUInt32LE(o + 24),
        localOffset: buf.readUInt32LE(o + 42),
        dataOffset: -1,
      };
      applyZip64Extra(
        e,
        buf.subarray(
          o + CENTRAL_HEADER_FIXED + nameLen,
          o + CENTRAL_HEADER_FIXED + nameLen + extraLen,
        ),
      );
      entries.push(e);
      pos += total;
    }
    if (pos !== end) throw new ZipFormatError('Central directory size does not match its entries');
    return { entries, fileSize, cdOffset };
  } finally {
    await fh.close();
  }
}

function applyZip64Extra(e: ZipEntryInfo, extra: Buffer): void {
  let x = 0;
  while (x + 4 <= extra.length) {
    const id = extra.readUInt16LE(x);
    const len = extra.readUInt16LE(x + 2);
    if (id === ZIP64_EXTRA_ID) {
      let p = x + 4;
      const take = () => {
        const v = Number(extra.readBigUInt64LE(p));
        p += 8;
        return v;
      };
      if (e.size === U32_MAX) e.size = take();
      if (e.compressedSize === U32_MAX) e.compressedSize = take();
      if (e.localOffset === U32_MAX) e.localOffset = take();
      return;
    }
    x += 4 + len;
  }
}

export interface VerifyResult {
  entries: ZipEntryInfo[];
  bytes: number;
  /** SHA-256 of the whole archive, computed in the same pass that checks the CRCs ('' when not asked for). */
  sha256: string;
}

/**
 * Re-reads a finished archive the way an extractor would: the central directory, every local
 * header (which must agree with it), and every entry's data against its CRC, while hashing the
 * whole file. One sequential pass, so the cost is one read of the archive (usually page cache).
 */
export async function verifyZip(
  file: string,
  options: { signal?: AbortSignal; onBytes?: (n: number) => void; sha256?: boolean } = {},
): Promise<VerifyResult> {
  const wantHash = options.sha256 !== false;
  const { entries, fileSize, cdOffset } = await readCentralDirectory(file);
  const fh = await open(file, 'r');
  const hash = createHash('sha256');
  try {
    const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
    // Local headers are read through a 1 MiB window: tiny entries sit next to each other, so
    // 70,000 headers cost a handful of reads instead of 140,000.
    let win: Buffer = Buffer.alloc(0);
    let winAt = 0;
    const readSmall = async (at: number, len: number): Promise<Buffer> => {
      if (at < winAt || at + len > winAt + win.length) {
        winAt = at;
        win = await readAt(fh, at, Math.max(len, Math.min(1 << 20, fileSize - at)));
      }
      return win.subarray(at - winAt, at - winAt + len);
    };
    for (const e of sorted) {
      const h = await readSmall(e.localOffset, LOCAL_HEADER_FIXED);
      if (h.readUInt32LE(0) !== SIG_LOCAL) throw new ZipFormatError(`${e.name}: bad local header`);
      const nameLen = h.readUInt16LE(26);
      const extraLen = h.readUInt16LE(28);
      const localName = (await readSmall(e.localOffset + LOCAL_HEADER_FIXED, nameLen)).toString(
        'utf8',
      );
      if (localName !== e.name)
        throw new ZipFormatError(`${e.name}: local name differs (${localName})`);
      if (h.readUInt16LE(8) !== e.method) throw new ZipFormatError(`${e.name}: method differs`);
      if (h.readUInt32LE(14) !== e.crc) throw new ZipFormatError(`${e.name}: local CRC differs`);
      e.dataOffset = e.localOffset + LOCAL_HEADER_FIXED + nameLen + extraLen;
    }
    // Entries must tile the file without overlapping: a reader that trusts offsets would
    // otherwise extract one entry's bytes as another's.
    for (let i = 0; i < sorted.length; i++) {
      const end = sorted[i]!.dataOffset + sorted[i]!.compressedSize;
      const limit = i + 1 < sorted.length ? sorted[i + 1]!.localOffset : cdOffset;
      if (end > limit)
        throw new ZipFormatError(`${sorted[i]!.name}: data overlaps the next record`);
    }

    const buf = Buffer.allocUnsafe(4 << 20);
    let pos = 0;
    let idx = 0;
    let crc = 0;
    let inflater: zlib.InflateRaw | null = null;
    let inflated = 0;
    const pending: Promise<void>[] = [];
    const startEntry = (e: ZipEntryInfo) => {
      crc = 0;
      inflated = 0;
      if (e.method === METHOD_DEFLATE) {
        const inf = zlib.createInflateRaw();
        inflater = inf;
        inf.on('data', (c: Buffer) => {
          crc = zlib.crc32(c, crc);
          inflated += c.length;
        });
        pending.push(
          new Promise<void>((resolve, reject) => {
            inf.on('end', resolve);
            inf.on('error', (err) => reject(new ZipFormatError(`${e.name}: ${err.message}`)));
          }),
        );
      } else if (e.method !== METHOD_STORE) {
        throw new ZipFormatError(`${e.name}: unsupported method ${e.method}`);
      } else {
        inflater = null;
      }
    };
    const finishEntry = async (e: ZipEntryInfo) => {
      if (inflater) {
        inflater.end();
        await pending.pop();
      } else {
        inflated = e.compressedSize;
      }
      if (inflated !== e.size)
        throw new ZipFormatError(`${e.name}: ${inflated} bytes, expected ${e.size}`);
      if (crc >>> 0 !== e.crc) throw new ZipFormatError(`${e.name}: CRC mismatch`);
    };
    const dataEntries = sorted.filter((e) => !(e.compressedSize === 0 && e.size === 0));
    for (const e of sorted) {
      if (e.compressedSize === 0 && e.size === 0 && e.crc !== 0)
        throw new ZipFormatError(`${e.name}: CRC mismatch`);
    }
    let started = false;
    while (pos < fileSize) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('Cancelled');
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, fileSize - pos), pos);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      if (wantHash) hash.update(chunk);
      // Feed the slice of this chunk that belongs to each entry's data.
      let cursor = pos;
      const chunkEnd = pos + bytesRead;
      while (idx < dataEntries.length && cursor < chunkEnd) {
        const e = dataEntries[idx]!;
        const dStart = e.dataOffset;
        const dEnd = e.dataOffset + e.compressedSize;
        if (chunkEnd <= dStart) break;
        const from = Math.max(cursor, dStart);
        const to = Math.min(chunkEnd, dEnd);
        if (!started) {
          startEntry(e);
          started = true;
        }
        const part = chunk.subarray(from - pos, to - pos);
        if (inflater) {
          const inf: zlib.InflateRaw = inflater;
          // Copy: the read buffer is reused for the next chunk while zlib may still hold this one.
          if (!inf.write(Buffer.from(part))) await new Promise((r) => inf.once('drain', r));
        } else {
          crc = zlib.crc32(part, crc);
        }
        cursor = to;
        if (to >= dEnd) {
          await finishEntry(e);
          started = false;
          idx++;
        } else break;
      }
      pos += bytesRead;
      options.onBytes?.(bytesRead);
    }
    if (idx !== dataEntries.length) throw new ZipFormatError('Archive ended inside entry data');
    return { entries, bytes: fileSize, sha256: wantHash ? hash.digest('hex') : '' };
  } finally {
    await fh.close();
  }
}
