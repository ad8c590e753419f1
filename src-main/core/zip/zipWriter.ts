import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
import { BlockOutput } from './blockOutput';
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
import { fileSink, type SinkFactory, type ZipSink } from './fileSink';

export { fileSink, type SinkFactory, type ZipSink } from './fileSink';

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

/**
 * 1 MB blocks, four in the ring: direct writes of 1 MB ran as fast as 4 MB ones here, and the
 * ring keeps a write in flight while the next block is read into.
 */
const DEFAULT_CHUNK = 1 << 20;
/** Deflate's source is read into a buffer of its own: zlib holds it until consumed. */
const DEFLATE_READ = 1 << 20;
/** Deflate can expand incompressible input slightly; reserve Zip64 well before the limit. */
const ZIP64_RESERVE_AT = U32_MAX - (64 << 20);
/** The longest local header: fixed part, a 65,535-byte name and the Zip64 extra. */
const MAX_LOCAL_HEADER = LOCAL_HEADER_FIXED + 0xffff + 20;

/**
 * A streaming ZIP writer: memory stays flat (a ring of page-aligned blocks, blockOutput.ts, plus
 * one small record per entry for the central directory) whatever the archive's size. Local
 * headers carry real CRCs and sizes, patched in after each entry's data, so readers never need
 * data descriptors.
 */
export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly written: WrittenEntry[] = [];
  private readonly names = new Set<string>();
  private finished = false;
  private readonly out: BlockOutput;
  private deflateBuf: Buffer | null = null;
  private unannounced: WrittenEntry[] = [];
  private durable = 0;

  private constructor(
    sink: ZipSink,
    private readonly options: ZipWriterOptions,
  ) {
    this.out = new BlockOutput(sink, {
      blockSize: options.chunkSize ?? DEFAULT_CHUNK,
      maxHold: MAX_LOCAL_HEADER,
      onDurable: (d) => {
        this.durable = d;
        this.announce();
      },
    });
  }

  static async create(file: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    const sink = await (options.sink ?? fileSink)(file);
    return new ZipWriter(sink, options);
  }

  private get offset(): number {
    return this.out.offset;
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

  /** Hands the trailing verifier the entries that lie wholly or partly below the durable offset. */
  private announce(): void {
    if (!this.options.onFinal) return;
    const durable = this.durable;
    // Entries are recorded in file order: the ready ones are a prefix.
    let n = 0;
    while (n < this.unannounced.length && this.unannounced[n]!.offset < durable) n++;
    const ready = this.unannounced.splice(0, n);
    this.options.onFinal(ready, durable);
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
    await this.out.append(localHeader({ ...e, zip64: false }));
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
    await this.out.append(localHeader({ ...e, zip64: e.localZip64 }));
    await this.out.append(body);
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
    const header = localHeader({ ...e, zip64 });
    // Its CRC and sizes are known only after the data: nothing from here on is final until then.
    this.out.hold(e.offset, e.offset + header.length);
    await this.out.append(header);
    const dataStart = this.offset;
    const { crc, size } = deflate
      ? await this.copyDeflated(source, opts)
      : await this.copyStored(source, opts);
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new Error(
        `${source} changed while it was being exported (${opts.expectedSize} → ${size} bytes)`,
      );
    }
    e.crc = crc;
    e.size = size;
    e.compressedSize = this.offset - dataStart;
    if (!zip64 && (e.size >= U32_MAX || e.compressedSize >= U32_MAX)) {
      throw new Error(`${source} grew past 4 GiB while it was being exported`);
    }
    this.out.patch(localSizesPatch({ ...e, zip64 }), e.offset + 14);
    if (zip64) {
      this.out.patch(
        zip64LocalExtraPatch(e.size, e.compressedSize),
        e.offset + LOCAL_HEADER_FIXED + nameBuf.length + 4,
      );
    }
    const w = this.record(e);
    this.out.release();
    return w;
  }

  /**
   * A stored entry made of pieces: byte ranges of `source`, read straight into the output's
   * blocks as addFile does, and new bytes in between (a file with its metadata taken out,
   * packs/stripMetadata.ts). `sourceSize` is the size the pieces were planned against: a file
   * that changed since is an error.
   */
  async addPieces(
    name: string,
    source: string,
    pieces: ({ start: number; end: number } | Buffer)[],
    opts: AddOptions & { sourceSize: number; onData?: (chunk: Buffer) => void },
  ): Promise<WrittenEntry> {
    this.throwIfAborted();
    const nameBuf = this.checkName(name);
    const total = pieces.reduce((s, p) => s + (Buffer.isBuffer(p) ? p.length : p.end - p.start), 0);
    const zip64 = total >= ZIP64_RESERVE_AT;
    const e: CentralEntry = {
      name: nameBuf,
      method: METHOD_STORE,
      flags: FLAG_UTF8,
      dos: toDosTime(opts.mtime ?? new Date()),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.offset,
      isDirectory: false,
      localZip64: zip64,
    };
    const header = localHeader({ ...e, zip64 });
    this.out.hold(e.offset, e.offset + header.length);
    await this.out.append(header);
    const fh = await open(source, 'r');
    let crc = 0;
    let size = 0;
    try {
      if ((await fh.stat()).size !== opts.sourceSize)
        throw new Error(`${source} changed while it was being exported`);
      for (const p of pieces) {
        this.throwIfAborted();
        if (Buffer.isBuffer(p)) {
          await this.out.append(p);
          crc = zlib.crc32(p, crc);
          opts.onData?.(p);
          size += p.length;
          continue;
        }
        let at = p.start;
        while (at < p.end) {
          this.throwIfAborted();
          const chunk = await this.out.readFrom(fh, at, p.end - at);
          if (!chunk) throw new Error(`${source} changed while it was being exported`);
          crc = zlib.crc32(chunk, crc);
          opts.onData?.(chunk);
          size += chunk.length;
          at += chunk.length;
          this.options.onBytes?.(chunk.length);
        }
      }
    } finally {
      await fh.close();
    }
    e.crc = crc;
    e.size = size;
    e.compressedSize = size;
    this.out.patch(localSizesPatch({ ...e, zip64 }), e.offset + 14);
    if (zip64) {
      this.out.patch(
        zip64LocalExtraPatch(e.size, e.compressedSize),
        e.offset + LOCAL_HEADER_FIXED + nameBuf.length + 4,
      );
    }
    const w = this.record(e);
    this.out.release();
    return w;
  }

  /** Store: the source is read straight into the output's blocks, which are written behind it. */
  private async copyStored(
    source: string,
    opts: AddFileOptions,
  ): Promise<{ crc: number; size: number }> {
    const fh = await open(source, 'r');
    try {
      let crc = 0;
      let size = 0;
      for (;;) {
        this.throwIfAborted();
        const chunk = await this.out.readFrom(fh);
        if (!chunk) break;
        crc = zlib.crc32(chunk, crc);
        opts.onData?.(chunk);
        size += chunk.length;
        this.options.onBytes?.(chunk.length);
      }
      return { crc, size };
    } finally {
      await fh.close();
    }
  }

  /**
   * Deflate: the source is read into the writer's own buffer, not a stream's fresh 1 MB chunks,
   * which piled up as garbage outside the V8 heap (up to ~30 MB between collections over a pack
   * of WAVs); zlib's output comes in 64 KB pieces for the same reason, copied into the blocks.
   */
  private async copyDeflated(
    source: string,
    opts: AddFileOptions,
  ): Promise<{ crc: number; size: number }> {
    const fh = await open(source, 'r');
    const z = zlib.createDeflateRaw({ level: opts.level ?? 6, chunkSize: 64 << 10 });
    const drained = (async () => {
      for await (const out of z as AsyncIterable<Buffer>) {
        this.throwIfAborted();
        await this.out.append(out);
      }
    })();
    drained.catch(() => undefined); // awaited below; a failure there also fails the writes
    try {
      let crc = 0;
      let size = 0;
      const buf = (this.deflateBuf ??= Buffer.allocUnsafe(DEFLATE_READ));
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
        await new Promise<void>((resolve, reject) =>
          z.write(chunk, (err) => (err ? reject(err) : resolve())),
        );
      }
      z.end();
      await drained;
      return { crc, size };
    } catch (err) {
      z.destroy();
      // A failed write of the output (a full disk) shows here only as a destroyed stream: the
      // writer's own error is the one to report.
      throw (
        (await drained.then(
          () => null,
          (e: unknown) => e,
        )) ?? err
      );
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

  /** Makes every entry added so far durable, so a trailing reader can reach them now. */
  async flush(): Promise<void> {
    this.throwIfAborted();
    await this.out.flush();
  }

  /** Writes the central directory and end records, then fsyncs: the bytes are on disk when this resolves. */
  async finish(): Promise<{ entries: WrittenEntry[]; bytes: number }> {
    this.throwIfAborted();
    const cdOffset = this.offset;
    for (const e of this.entries) await this.out.append(centralHeader(e));
    const cdSize = this.offset - cdOffset;
    await this.out.append(endRecords(this.entries.length, cdOffset, cdSize));
    const bytes = await this.out.finish();
    this.finished = true;
    return { entries: this.written, bytes };
  }

  /** Closes the output after a failure; the caller removes the temp file. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.out.abort();
  }
}
