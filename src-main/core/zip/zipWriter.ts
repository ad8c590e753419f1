import { open, type FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import { assertSafeEntryName } from './entryName';
import {
  centralHeader,
  endRecords,
  FLAG_UTF8,
  LOCAL_HEADER_FIXED,
  localHeader,
  localSizesPatch,
  METHOD_DEFLATE,
  METHOD_STORE,
  toDosTime,
  U32_MAX,
  zip64LocalExtraPatch,
  type CentralEntry,
} from './format';

/** The writer's view of its output: positional writes so headers can be patched after the data. */
export interface ZipSink {
  write(buf: Buffer, position: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type SinkFactory = (file: string) => Promise<ZipSink>;

/** Start writing back to disk every this many bytes, instead of all at once at the final fsync. */
const EARLY_SYNC_BYTES = 64 << 20;

export const fileSink: SinkFactory = async (file) => {
  const fh: FileHandle = await open(file, 'wx');
  let unsynced = 0;
  let inFlight: Promise<void> | null = null;
  let syncError: unknown = null;
  return {
    async write(buf, position) {
      if (syncError) throw syncError;
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
        done += bytesWritten;
      }
      unsynced += buf.length;
      // A background fdatasync makes the disk write while we keep reading and writing, so the
      // final fsync finds little left to do; a full disk also shows up here, early.
      if (unsynced >= EARLY_SYNC_BYTES && !inFlight) {
        unsynced = 0;
        inFlight = fh
          .datasync()
          .catch((err: unknown) => void (syncError = err))
          .finally(() => (inFlight = null));
      }
    },
    async sync() {
      await inFlight;
      if (syncError) throw syncError;
      await fh.sync();
    },
    async close() {
      await inFlight?.catch(() => undefined);
      await fh.close();
    },
  };
};

export type Compression = 'store' | 'deflate';

export interface AddOptions {
  method?: Compression;
  mtime?: Date;
  /** Deflate level for this entry (text compresses well at 6; WAV gains little past 3). */
  level?: number;
}

export interface AddFileOptions extends AddOptions {
  /** Sees every source byte once (hash it here instead of reading the file twice). */
  onData?: (chunk: Buffer) => void;
  /** The size the caller expects; a file that grew or shrank mid-export is an error, not a silent truncation. */
  expectedSize?: number;
}

export interface WrittenEntry {
  name: string;
  /** Where the entry's data starts (after its local header). */
  dataOffset: number;
  method: Compression;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
  isDirectory: boolean;
}

export interface ZipWriterOptions {
  signal?: AbortSignal;
  sink?: SinkFactory;
  /** Bytes of source data copied so far, for progress. */
  onBytes?: (n: number) => void;
  chunkSize?: number;
  /**
   * Entries that are complete (header patched), and the offset below which the file will never
   * change again: a trailing verifier may read up to there while the writer goes on.
   */
  onFinal?: (entries: WrittenEntry[], durable: number) => void;
}

/** 1 MB: larger chunks were no faster (reads come from the page cache) and held 6 MB more. */
const DEFAULT_CHUNK = 1 << 20;
const SMALL_WRITE = 64 << 10;
const COALESCE_LIMIT = 1 << 20;
/** Deflate can expand incompressible input slightly; reserve Zip64 well before the limit. */
const ZIP64_RESERVE_AT = U32_MAX - (64 << 20);

/**
 * A streaming ZIP writer: memory stays flat (two reusable chunk buffers plus one small record per
 * entry for the central directory) whatever the archive's size. Local headers carry real CRCs and
 * sizes, patched in after each entry's data, so readers never need data descriptors.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly written: WrittenEntry[] = [];
  private readonly names = new Set<string>();
  private finished = false;
  private readonly bufs: Buffer[];

  private constructor(
    private readonly sink: ZipSink,
    private readonly options: ZipWriterOptions,
  ) {
    const size = options.chunkSize ?? DEFAULT_CHUNK;
    this.bufs = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  }

  static async create(file: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    const sink = await (options.sink ?? fileSink)(file);
    return new ZipWriter(sink, options);
  }

  get bytesWritten(): number {
    return this.offset;
  }

  get entryCount(): number {
    return this.entries.length;
  }

  private checkName(name: string): Buffer {
    assertSafeEntryName(name);
    // Case-insensitive, as the buyer's Windows or macOS file system will see it.
    const key = name.toLowerCase();
    if (this.names.has(key)) throw new Error(`Duplicate ZIP entry name: ${name}`);
    this.names.add(key);
    return Buffer.from(name, 'utf8');
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw this.options.signal.reason ?? new Error('Cancelled');
    if (this.finished) throw new Error('ZIP already finished');
  }

  /**
   * Small records (headers, text entries) are gathered into one pending buffer so an archive of
   * 70,000 tiny entries is a few hundred writes, not 140,000.
   */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private pendingAt = 0;
  /** Bytes handed to the sink, in file order (patches land below this). */
  private flushedTo = 0;
  /** Start of the entry being streamed: its header is patched later, so nothing past it is final. */
  private openAt: number | null = null;
  private unannounced: WrittenEntry[] = [];

  private announce(): void {
    if (!this.options.onFinal) return;
    const durable = this.openAt ?? this.flushedTo;
    const ready = this.unannounced.filter((e) => e.offset < durable);
    if (ready.length === 0 && durable === 0) return;
    this.unannounced = this.unannounced.filter((e) => e.offset >= durable);
    this.options.onFinal(ready, durable);
  }

  private async put(buf: Buffer): Promise<void> {
    if (buf.length < SMALL_WRITE) {
      if (this.pendingLen === 0) this.pendingAt = this.offset;
      this.pending.push(buf);
      this.pendingLen += buf.length;
      this.offset += buf.length;
      if (this.pendingLen >= COALESCE_LIMIT) await this.flush();
      return;
    }
    await this.flush();
    await this.sink.write(buf, this.offset);
    this.offset += buf.length;
    this.flushedTo = this.offset;
  }

  /** For bytes in a reused read buffer: never queued, because the buffer is refilled next. */
  private async putDirect(buf: Buffer): Promise<void> {
    await this.flush();
    await this.sink.write(buf, this.offset);
    this.offset += buf.length;
    this.flushedTo = this.offset;
  }

  private async flush(): Promise<void> {
    if (this.pendingLen === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLen);
    this.pending = [];
    this.pendingLen = 0;
    await this.sink.write(data, this.pendingAt);
    this.flushedTo = Math.max(this.flushedTo, this.pendingAt + data.length);
    this.announce();
  }

  private async patch(buf: Buffer, position: number): Promise<void> {
    await this.flush();
    await this.sink.write(buf, position);
  }

  async addDirectory(name: string, mtime = new Date()): Promise<void> {
    this.throwIfAborted();
    if (!name.endsWith('/')) name += '/';
    const nameBuf = this.checkName(name);
    const e: CentralEntry = {
      name: nameBuf,
      method: METHOD_STORE,
      flags: FLAG_UTF8,
      dos: toDosTime(mtime),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.offset,
      isDirectory: true,
      localZip64: false,
    };
    await this.put(localHeader({ ...e, zip64: false }));
    this.record(e);
  }

  async addBuffer(name: string, data: Buffer, opts: AddOptions = {}): Promise<WrittenEntry> {
    this.throwIfAborted();
    const nameBuf = this.checkName(name);
    const deflate = opts.method === 'deflate';
    const body = deflate ? zlib.deflateRawSync(data, { level: opts.level ?? 6 }) : data;
    const e: CentralEntry = {
      name: nameBuf,
      method: deflate ? METHOD_DEFLATE : METHOD_STORE,
      flags: FLAG_UTF8,
      dos: toDosTime(opts.mtime ?? new Date()),
      crc: zlib.crc32(data),
      compressedSize: body.length,
      size: data.length,
      offset: this.offset,
      isDirectory: false,
      localZip64: data.length >= ZIP64_RESERVE_AT,
    };
    await this.put(Buffer.concat([localHeader({ ...e, zip64: e.localZip64 }), body]));
    return this.record(e);
  }

  async addFile(name: string, source: string, opts: AddFileOptions = {}): Promise<WrittenEntry> {
    this.throwIfAborted();
    const nameBuf = this.checkName(name);
    const deflate = opts.method === 'deflate';
    const expected = opts.expectedSize ?? 0;
    const zip64 = expected >= ZIP64_RESERVE_AT;
    const e: CentralEntry = {
      name: nameBuf,
      method: deflate ? METHOD_DEFLATE : METHOD_STORE,
      flags: FLAG_UTF8,
      dos: toDosTime(opts.mtime ?? new Date()),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.offset,
      isDirectory: false,
      localZip64: zip64,
    };
    this.openAt = e.offset;
    await this.put(localHeader({ ...e, zip64 }));
    const dataStart = this.offset;
    const { crc, size } = deflate ? await this.copyDeflated(source, opts) : await this.copyStored(source, opts);
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new Error(`${source} changed while it was being exported (${opts.expectedSize} → ${size} bytes)`);
    }
    e.crc = crc;
    e.size = size;
    e.compressedSize = this.offset - dataStart;
    if (!zip64 && (e.size >= U32_MAX || e.compressedSize >= U32_MAX)) {
      throw new Error(`${source} grew past 4 GiB while it was being exported`);
    }
    await this.patch(localSizesPatch({ ...e, zip64 }), e.offset + 14);
    if (zip64) {
      await this.patch(zip64LocalExtraPatch(e.size, e.compressedSize), e.offset + LOCAL_HEADER_FIXED + nameBuf.length + 4);
    }
    this.openAt = null;
    const w = this.record(e);
    this.announce();
    return w;
  }

  /**
   * Store: read chunk n+1 while chunk n is being written, so the disk reads and writes overlap
   * instead of taking turns (this is what keeps us level with Info-ZIP).
   */
  private async copyStored(source: string, opts: AddFileOptions): Promise<{ crc: number; size: number }> {
    const fh = await open(source, 'r');
    try {
      let crc = 0;
      let size = 0;
      let which = 0;
      const [bufA, bufB] = this.bufs as [Buffer, Buffer];
      const bufs = [bufA, bufB] as const;
      let n = (await fh.read(bufA, 0, bufA.length, null)).bytesRead;
      while (n > 0) {
        this.throwIfAborted();
        const chunk = bufs[which]!.subarray(0, n);
        crc = zlib.crc32(chunk, crc);
        opts.onData?.(chunk);
        size += n;
        const next = 1 - which;
        const [, r] = await Promise.all([
          this.putDirect(chunk),
          fh.read(bufs[next]!, 0, bufs[next]!.length, null),
        ]);
        this.options.onBytes?.(n);
        which = next;
        n = r.bytesRead;
      }
      return { crc, size };
    } finally {
      await fh.close();
    }
  }

  /**
   * Deflate: the source is read into the writer's own buffer, not a stream's fresh 1 MB chunks,
   * which piled up as garbage outside the V8 heap (up to ~30 MB between collections over a pack
   * of WAVs); zlib's output comes in 64 KB pieces for the same reason.
   */
  private async copyDeflated(source: string, opts: AddFileOptions): Promise<{ crc: number; size: number }> {
    const fh = await open(source, 'r');
    const z = zlib.createDeflateRaw({ level: opts.level ?? 6, chunkSize: 64 << 10 });
    const drained = (async () => {
      for await (const out of z as AsyncIterable<Buffer>) {
        this.throwIfAborted();
        await this.put(out);
      }
    })();
    drained.catch(() => undefined); // awaited below; a failure there also fails the writes
    try {
      let crc = 0;
      let size = 0;
      const buf = this.bufs[0]!;
      for (;;) {
        this.throwIfAborted();
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        crc = zlib.crc32(chunk, crc);
        opts.onData?.(chunk);
        size += bytesRead;
        this.options.onBytes?.(bytesRead);
        // zlib holds on to the chunk until it has consumed it, which is when this callback runs:
        // only then may the buffer be read into again.
        await new Promise<void>((resolve, reject) => z.write(chunk, (err) => (err ? reject(err) : resolve())));
      }
      z.end();
      await drained;
      return { crc, size };
    } catch (err) {
      z.destroy();
      // A failed write of the output (a full disk) shows here only as a destroyed stream: the
      // writer's own error is the one to report.
      throw (await drained.then(() => null, (e: unknown) => e)) ?? err;
    } finally {
      await fh.close();
    }
  }

  private record(e: CentralEntry): WrittenEntry {
    this.entries.push(e);
    const w: WrittenEntry = {
      name: e.name.toString('utf8'),
      dataOffset: e.offset + LOCAL_HEADER_FIXED + e.name.length + (e.localZip64 ? 20 : 0),
      method: e.method === METHOD_DEFLATE ? 'deflate' : 'store',
      crc: e.crc >>> 0,
      size: e.size,
      compressedSize: e.compressedSize,
      offset: e.offset,
      isDirectory: e.isDirectory,
    };
    this.written.push(w);
    this.unannounced.push(w);
    return w;
  }

  /** Writes the central directory and end records, then fsyncs: the bytes are on disk when this resolves. */
  async finish(): Promise<{ entries: WrittenEntry[]; bytes: number }> {
    this.throwIfAborted();
    const cdOffset = this.offset;
    let batch: Buffer[] = [];
    let batchLen = 0;
    for (const e of this.entries) {
      const h = centralHeader(e);
      batch.push(h);
      batchLen += h.length;
      if (batchLen >= 1 << 20) {
        await this.put(Buffer.concat(batch));
        batch = [];
        batchLen = 0;
      }
    }
    if (batch.length) await this.put(Buffer.concat(batch));
    const cdSize = this.offset - cdOffset;
    await this.put(endRecords(this.entries.length, cdOffset, cdSize));
    await this.flush();
    this.announce();
    await this.sink.sync();
    await this.sink.close();
    this.finished = true;
    return { entries: this.written, bytes: this.offset };
  }

  /** Closes the output after a failure; the caller removes the temp file. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.sink.close().catch(() => undefined);
  }
}
