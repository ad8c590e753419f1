import { constants as fsConstants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/**
 * Where a ZIP's bytes go. The writer (blockOutput.ts) hands over whole pages at page-aligned
 * offsets, from page-aligned memory, one write at a time and in file order, except for a
 * rewritten local-header page; the last write is padded to a page and `truncate` then cuts the
 * file to its real length.
 */
export interface ZipSink {
  write(buf: Buffer, position: number): Promise<void>;
  truncate(size: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type SinkFactory = (file: string) => Promise<ZipSink>;

/** Linux only: macOS and Windows have no O_DIRECT (Node leaves the constant undefined there). */
const O_DIRECT: number | undefined = fsConstants.O_DIRECT;

/** In the page cache, start writing back to disk every this many bytes, instead of all at once at the final fsync. */
const EARLY_SYNC_BYTES = 64 << 20;

const isInvalid = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'EINVAL';

/**
 * The export's own file: written with O_DIRECT where the file system takes it, so the archive
 * goes from our buffers to the disk without passing through the page cache. An export writes
 * gigabytes it will not read again through the cache (the verifier reads the disk directly
 * too): through the cache, each of those pages must first be allocated (and on a virtual machine
 * often faulted in from the host), then copied, then written back; that was most of an
 * export's CPU, and it pushed the creator's working set out of memory. With O_DIRECT the disk
 * reads our memory itself and the writing costs almost no CPU.
 *
 * A file system without direct I/O (or a device wanting a larger alignment) answers EINVAL: the
 * file is then written through the page cache instead, with a background fdatasync every 64 MB
 * so the final fsync finds little left to do.
 */
export const fileSink: SinkFactory = async (file) => {
  if (O_DIRECT !== undefined) {
    let fh: FileHandle | null = null;
    try {
      fh = await open(
        file,
        fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | O_DIRECT,
        0o666,
      );
    } catch (err) {
      if (!isInvalid(err)) throw err;
      // O_EXCL is checked first (an existing file is EEXIST, not EINVAL), but Linux may create
      // the file before it finds the file system cannot do direct I/O: reopen the one we made.
      const made = await stat(file).then(
        () => true,
        () => false,
      );
      return new FileSink(file, await open(file, made ? 'r+' : 'wx'), false);
    }
    return new FileSink(file, fh, true);
  }
  return new FileSink(file, await open(file, 'wx'), false);
};

class FileSink implements ZipSink {
  private unsynced = 0;
  private inFlight: Promise<void> | null = null;
  private syncError: unknown = null;

  constructor(
    private readonly file: string,
    private fh: FileHandle,
    private direct: boolean,
  ) {}

  async write(buf: Buffer, position: number): Promise<void> {
    if (this.syncError) throw this.syncError as Error;
    let done = 0;
    while (done < buf.length) {
      try {
        const { bytesWritten } = await this.fh.write(buf, done, buf.length - done, position + done);
        done += bytesWritten;
      } catch (err) {
        if (!this.direct || !isInvalid(err)) throw err;
        await this.toPageCache();
      }
    }
    if (this.direct) return;
    this.unsynced += buf.length;
    // A background fdatasync makes the disk write while we keep reading and writing, so the
    // final fsync finds little left to do; a full disk also shows up here, early.
    if (this.unsynced >= EARLY_SYNC_BYTES && !this.inFlight) {
      this.unsynced = 0;
      this.inFlight = this.fh
        .datasync()
        .catch((err: unknown) => void (this.syncError = err))
        .finally(() => (this.inFlight = null));
    }
  }

  /** The device refused our alignment after all: the rest goes through the page cache. */
  private async toPageCache(): Promise<void> {
    const buffered = await open(this.file, 'r+');
    await this.fh.close();
    this.fh = buffered;
    this.direct = false;
  }

  async truncate(size: number): Promise<void> {
    await this.fh.truncate(size);
  }

  async sync(): Promise<void> {
    await this.inFlight;
    if (this.syncError) throw this.syncError as Error;
    // With O_DIRECT the data is on the device already; this flushes its cache and the file's size.
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    await this.fh.close();
  }
}
