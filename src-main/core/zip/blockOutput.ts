import type { FileHandle } from 'node:fs/promises';
import { alignedBuffers, PAGE, roundDownToPage, roundUpToPage } from './alignedMemory';
import type { ZipSink } from './fileSink';

export interface BlockOutputOptions {
  /** Bytes per block (rounded up to whole pages): the size of each write to the sink. */
  blockSize: number;
  /** Blocks in the ring: one being filled, the others being written. */
  blocks?: number;
  /** The longest range `hold` will be asked to keep open. */
  maxHold: number;
  /** The offset below which the file is on the sink and will not change again (whole pages, or the end). */
  onDurable?: (durable: number) => void;
}

interface Saved {
  buf: Buffer;
  /** File offset of buf[0] (a page boundary) and how many bytes are copies of written pages. */
  at: number;
  len: number;
  dirty: boolean;
  written: Promise<void>;
}

/**
 * The byte stream of one archive, cut into page-aligned blocks written in file order, so the
 * sink can write them with O_DIRECT (fileSink.ts). Small records are copied into the block being
 * filled (70,000 tiny entries are a few writes, not 140,000); a source file is read straight
 * into it (one copy, from the page cache to the block, and the disk takes it from there).
 * A ring of blocks lets the next be filled while earlier ones are written.
 *
 * Bytes that must be changed after they were streamed (a local header's CRC and sizes) are
 * `hold`-ed first: a block that goes out while it holds part of them leaves a copy of those
 * pages behind, which `patch` edits and `release` rewrites whole, since a direct write cannot
 * change a few bytes in the middle of a page. Bytes still in the block being filled are simply
 * edited there.
 */
export class BlockOutput {
  private readonly ring: Buffer[];
  private readonly slotWrites: Promise<void>[];
  private readonly blockSize: number;
  private cur = 0;
  private fill = 0;
  /** File offset of the block being filled: everything below it has been handed to the sink. */
  private blockStart = 0;
  /** Bytes of the block being filled that `flush` wrote and that have not changed since. */
  private flushed = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Start offsets of writes handed to the sink and not yet done. */
  private readonly pending = new Set<{ start: number }>();
  private failure: unknown = null;
  private held: { start: number; end: number } | null = null;
  private readonly saved: [Saved, Saved];
  private savedCur = 0;
  private durable = 0;
  private finished = false;

  constructor(
    private readonly sink: ZipSink,
    private readonly options: BlockOutputOptions,
  ) {
    this.blockSize = roundUpToPage(Math.max(PAGE, options.blockSize));
    const n = Math.max(2, options.blocks ?? 4);
    // A held range spans at most this many pages, however it falls across page boundaries.
    const savedBytes = roundUpToPage(options.maxHold) + PAGE;
    const bufs = alignedBuffers([...Array<number>(n).fill(this.blockSize), savedBytes, savedBytes]);
    this.ring = bufs.slice(0, n);
    this.slotWrites = this.ring.map(() => Promise.resolve());
    const saved = (buf: Buffer): Saved => ({
      buf,
      at: 0,
      len: 0,
      dirty: false,
      written: Promise.resolve(),
    });
    this.saved = [saved(bufs[n]!), saved(bufs[n + 1]!)];
  }

  /** Bytes streamed so far (the next byte's file offset). */
  get offset(): number {
    return this.blockStart + this.fill;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure as Error;
  }

  /** Copies `buf` into the stream. */
  async append(buf: Buffer): Promise<void> {
    this.throwIfFailed();
    for (let off = 0; off < buf.length; ) {
      const n = Math.min(buf.length - off, this.blockSize - this.fill);
      buf.copy(this.ring[this.cur]!, this.fill, off, off + n);
      this.fill += n;
      off += n;
      if (this.fill === this.blockSize) await this.submit();
    }
  }

  /**
   * Reads the next bytes of `fh` (from its current position, or from `position`, at most `max`)
   * straight into the stream. Returns them, valid until the next call (for a CRC), or null at the
   * end of the file.
   */
  async readFrom(
    fh: FileHandle,
    position: number | null = null,
    max = Infinity,
  ): Promise<Buffer | null> {
    this.throwIfFailed();
    const block = this.ring[this.cur]!;
    const want = Math.min(this.blockSize - this.fill, max);
    if (want <= 0) return null;
    const { bytesRead } = await fh.read(block, this.fill, want, position);
    if (bytesRead === 0) return null;
    const view = block.subarray(this.fill, this.fill + bytesRead);
    this.fill += bytesRead;
    // Going out while the caller reads it for the CRC is fine: both only read the memory.
    if (this.fill === this.blockSize) await this.submit();
    return view;
  }

  /** Bytes in [start, end) (already streamed or about to be) may be patched until `release`. */
  hold(start: number, end: number): void {
    if (end - start > this.options.maxHold)
      throw new Error(`Cannot hold ${end - start} bytes (at most ${this.options.maxHold})`);
    this.held = { start, end };
  }

  /** Changes held bytes at `position`: in the block being filled, or in the saved copy of pages already written. */
  patch(buf: Buffer, position: number): void {
    const held = this.held;
    if (!held || position < held.start || position + buf.length > held.end)
      throw new Error('patch outside the held range');
    const inBlock = Math.max(0, position + buf.length - Math.max(position, this.blockStart));
    const before = buf.length - inBlock;
    if (inBlock > 0) {
      const at = position + before - this.blockStart;
      buf.copy(this.ring[this.cur]!, at, before);
      // What flush wrote of this page is stale now: it is written again with the block.
      this.flushed = Math.min(this.flushed, at);
    }
    if (before > 0) {
      const s = this.saved[this.savedCur]!;
      if (position < s.at || position + before > s.at + s.len)
        throw new Error('patch of a page that was not saved');
      buf.copy(s.buf, position - s.at, 0, before);
      s.dirty = true;
    }
  }

  /** The held bytes are final: pages of them already written go out again, patched. */
  release(): void {
    this.held = null;
    const s = this.saved[this.savedCur]!;
    if (s.dirty) {
      s.written = this.write(s.buf.subarray(0, s.len), s.at);
      s.dirty = false;
      this.savedCur = 1 - this.savedCur;
    }
    s.len = 0;
    this.announce();
  }

  /** Hands the filled block to the sink (padded to a page) and moves on to the next free one. */
  private async submit(): Promise<void> {
    const start = this.blockStart;
    const slot = this.cur;
    const length = roundUpToPage(this.fill);
    await this.saveHeld(start, start + this.fill);
    this.slotWrites[slot] = this.write(this.ring[slot]!.subarray(0, length), start);
    this.blockStart += this.fill;
    this.fill = 0;
    this.flushed = 0;
    this.cur = (slot + 1) % this.ring.length;
    await this.slotWrites[this.cur];
    this.throwIfFailed();
  }

  /**
   * Makes what was streamed so far durable (held bytes excepted) without waiting for the block
   * to fill: for a reader that must catch up before the writer can go on. The block's pages are
   * written as they are and written again, whole, when it fills.
   */
  async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.fill <= this.flushed) return;
    const fill = this.fill;
    // Awaited: the block may not change while the sink reads it.
    await this.write(this.ring[this.cur]!.subarray(0, roundUpToPage(fill)), this.blockStart);
    this.throwIfFailed();
    this.flushed = fill;
    this.announce();
  }

  /** Copies the pages of [from, to) that hold patchable bytes, before the block holding them goes out. */
  private async saveHeld(from: number, to: number): Promise<void> {
    const h = this.held;
    if (!h || h.end <= from || h.start >= to) return;
    const s = this.saved[this.savedCur]!;
    if (s.len === 0) {
      // Its previous contents may still be on their way to the disk.
      await s.written;
      s.at = roundDownToPage(Math.max(h.start, from));
    }
    const pagesEnd = Math.min(to, roundUpToPage(h.end));
    const copyFrom = s.at + s.len;
    if (pagesEnd <= copyFrom) return;
    this.ring[this.cur]!.copy(s.buf, copyFrom - s.at, copyFrom - from, pagesEnd - from);
    s.len = pagesEnd - s.at;
  }

  /** Writes go to the sink one after another; the first failure is kept and every later call throws it. */
  private write(buf: Buffer, start: number): Promise<void> {
    const rec = { start };
    this.pending.add(rec);
    const p = this.chain.then(async () => {
      try {
        if (!this.failure) await this.sink.write(buf, start);
      } catch (err) {
        this.failure ??= err;
      } finally {
        this.pending.delete(rec);
        this.announce();
      }
    });
    this.chain = p;
    return p;
  }

  private announce(): void {
    if (this.finished) return;
    const streamed = this.blockStart + this.flushed;
    let d = this.held ? Math.min(this.held.start, streamed) : streamed;
    for (const p of this.pending) d = Math.min(d, p.start);
    d = roundDownToPage(d);
    if (d <= this.durable) return;
    this.durable = d;
    this.options.onDurable?.(d);
  }

  /** Writes what is left, cuts the file to its length and makes it durable; returns that length. */
  async finish(): Promise<number> {
    this.throwIfFailed();
    if (this.held) throw new Error('finish() while bytes are held');
    const total = this.offset;
    if (this.fill > 0) {
      const padded = roundUpToPage(this.fill);
      this.ring[this.cur]!.fill(0, this.fill, padded);
      await this.submit();
    }
    await this.chain;
    this.throwIfFailed();
    if (total % PAGE !== 0) await this.sink.truncate(total);
    await this.sink.sync();
    await this.sink.close();
    this.finished = true;
    this.options.onDurable?.(total);
    return total;
  }

  /** After a failure: lets writes in flight end, then closes the sink. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.chain;
    await this.sink.close().catch(() => undefined);
  }
}
