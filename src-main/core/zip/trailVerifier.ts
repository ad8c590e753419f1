import { Worker } from 'node:worker_threads';

export interface TrailEntry {
  name: string;
  localOffset: number;
  dataOffset: number;
  compressedSize: number;
  size: number;
  crc: number;
  method: 'store' | 'deflate';
  /** False when the caller already knows the content's SHA-256: the CRC is still checked. */
  hash?: boolean;
}

export interface TrailResult {
  /** SHA-256 of the whole archive as it is on disk. */
  sha256: string;
  bytes: number;
  entries: number;
}

/**
 * The worker re-reads the archive a step behind the writer: every byte goes into the archive's
 * SHA-256, every entry's local header is checked against what was written, its data against its
 * CRC and size (inflating deflated entries), and the SHA-256 of its uncompressed content is
 * reported back (unless the caller knows it already), which is what checksums.txt lists.
 * Running on the second core while the first one writes, verification costs little extra wall
 * time.
 *
 * It reads with O_DIRECT where the file system allows, as the writer writes (fileSink.ts): the
 * bytes checked are the ones on the disk, not a copy in the page cache, and reading gigabytes
 * back through the cache would allocate a page for each. Direct reads need page-aligned
 * offsets, lengths and memory: the worker reads 4 MB of whole pages at a time into a
 * WebAssembly.Memory (see alignedMemory.ts; 1 MB reads left it waiting on the disk) and only up to the last whole page the writer has declared final, and takes
 * each local header from the stream rather than reading it apart. The next chunk is read while
 * the current one is hashed. A file system without direct I/O answers EINVAL and the worker
 * reads through the page cache instead.
 *
 * Plain JavaScript evaluated in the worker, so it runs the same under tsx, vitest and a bundle.
 */
const workerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const PAGE = 4096;
const CHUNK = 4 << 20;
const O_DIRECT = fs.constants.O_DIRECT;
const mem = new WebAssembly.Memory({ initial: (2 * CHUNK) / 65536 });
const bufs = [Buffer.from(mem.buffer, 0, CHUNK), Buffer.from(mem.buffer, CHUNK, CHUNK)];
// Opened on first use: the writer may not have created the file yet when the worker starts.
let fd = -1;
let direct = false;
const zipHash = crypto.createHash('sha256');
const queue = [];
let qi = 0;
let pos = 0;
let durable = 0;
let finalSize = -1;
let busy = false;
let failed = false;
let cur = null;

function fail(err) {
  if (failed) return;
  failed = true;
  parentPort.postMessage({ type: 'error', message: err && err.message ? err.message : String(err) });
}

function openArchive() {
  if (O_DIRECT !== undefined) {
    try {
      fd = fs.openSync(workerData.file, fs.constants.O_RDONLY | O_DIRECT);
      direct = true;
      return;
    } catch (err) {
      if (err.code !== 'EINVAL') throw err;
    }
  }
  fd = fs.openSync(workerData.file, 'r');
  direct = false;
}

function readAt(buf, length, position) {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, length, position, (err, n) => {
      if (!err) return resolve(n);
      if (err.code === 'EINVAL' && direct) {
        // The device wants a larger alignment than ours: read through the page cache from here on.
        try {
          fs.closeSync(fd);
          fd = fs.openSync(workerData.file, 'r');
          direct = false;
        } catch (e) {
          return reject(e);
        }
        return readAt(buf, length, position).then(resolve, reject);
      }
      reject(err);
    });
  });
}

function checkHeader(e, h) {
  if (h.readUInt32LE(0) !== 0x04034b50) throw new Error(e.name + ': bad local header signature');
  if (h.readUInt16LE(8) !== (e.method === 'deflate' ? 8 : 0)) throw new Error(e.name + ': local header method differs');
  if (h.readUInt32LE(14) !== (e.crc >>> 0)) throw new Error(e.name + ': local header CRC differs');
  const csize = h.readUInt32LE(18);
  const size = h.readUInt32LE(22);
  // 0xffffffff: the sizes are in the Zip64 extra, which the name and offsets below pin down.
  if ((csize !== 0xffffffff && csize !== e.compressedSize) || (size !== 0xffffffff && size !== e.size)) throw new Error(e.name + ': local header sizes differ');
  const nameLen = h.readUInt16LE(26);
  if (h.toString('utf8', 30, 30 + nameLen) !== e.name) throw new Error(e.name + ': local header name differs');
  if (30 + nameLen + h.readUInt16LE(28) !== h.length) throw new Error(e.name + ': data offset differs');
}

function start(e) {
  const c = { e, head: Buffer.allocUnsafe(e.dataOffset - e.localOffset), headGot: 0, dataGot: 0, crc: 0, got: 0, hash: e.hash === false ? null : crypto.createHash('sha256'), inflater: null, ended: null };
  if (c.head.length < 30) throw new Error(e.name + ': data offset differs');
  if (e.method === 'deflate') {
    const inf = zlib.createInflateRaw();
    inf.on('data', (d) => { c.crc = zlib.crc32(d, c.crc); c.got += d.length; if (c.hash) c.hash.update(d); });
    c.ended = new Promise((resolve, reject) => { inf.on('end', resolve); inf.on('error', reject); });
    c.ended.catch(() => {});
    c.inflater = inf;
  }
  return c;
}

async function end(c) {
  if (c.inflater) { c.inflater.end(); await c.ended; }
  const e = c.e;
  if (c.got !== e.size) throw new Error(e.name + ': ' + c.got + ' bytes read back, ' + e.size + ' written');
  if ((c.crc >>> 0) !== (e.crc >>> 0)) throw new Error(e.name + ': CRC mismatch on re-read');
  if (c.hash) parentPort.postMessage({ type: 'entry', name: e.name, sha256: c.hash.digest('hex') });
}

/** Hands each queued entry the bytes of this chunk that are its header or its data. */
async function feed(chunk, at) {
  const chunkEnd = at + chunk.length;
  while (qi < queue.length) {
    const e = queue[qi];
    if (!cur) {
      if (e.localOffset >= chunkEnd) return;
      cur = start(e);
    }
    const c = cur;
    if (c.headGot < c.head.length) {
      const from = Math.max(at, e.localOffset + c.headGot);
      const to = Math.min(chunkEnd, e.dataOffset);
      if (to > from) {
        chunk.copy(c.head, from - e.localOffset, from - at, to - at);
        c.headGot += to - from;
      }
      if (c.headGot < c.head.length) return;
      checkHeader(e, c.head);
    }
    if (c.dataGot < e.compressedSize) {
      const from = Math.max(at, e.dataOffset + c.dataGot);
      const to = Math.min(chunkEnd, e.dataOffset + e.compressedSize);
      if (to > from) {
        const part = chunk.subarray(from - at, to - at);
        c.dataGot += part.length;
        if (c.inflater) {
          const inf = c.inflater;
          // A copy: the read buffer is refilled while zlib may still hold the bytes.
          if (!inf.write(Buffer.from(part))) await new Promise((r) => inf.once('drain', r));
        } else {
          c.crc = zlib.crc32(part, c.crc);
          c.got += part.length;
          if (c.hash) c.hash.update(part);
        }
      }
      if (c.dataGot < e.compressedSize) return;
    }
    await end(c);
    cur = null;
    qi++;
  }
}

/** How far the worker may read: the end, once known, else the last whole page declared final. */
const limit = () => (finalSize >= 0 ? finalSize : Math.floor(durable / PAGE) * PAGE);

function readNext(which, at) {
  const length = Math.min(CHUNK, Math.ceil((limit() - at) / PAGE) * PAGE);
  return readAt(bufs[which], length, at);
}

async function pump() {
  if (busy || failed) return;
  busy = true;
  try {
    if (fd < 0) openArchive();
    let which = 0;
    let ahead = pos < limit() ? readNext(which, pos) : null;
    while (ahead) {
      const n = await ahead;
      const use = Math.min(n, limit() - pos);
      if (use <= 0) throw new Error('archive is shorter than written (at ' + pos + ')');
      const chunk = bufs[which].subarray(0, use);
      const at = pos;
      pos += use;
      which = 1 - which;
      ahead = pos < limit() ? readNext(which, pos) : null;
      zipHash.update(chunk);
      await feed(chunk, at);
    }
    if (finalSize >= 0 && pos >= finalSize) {
      await feed(Buffer.alloc(0), pos);
      if (qi !== queue.length) throw new Error('archive ended inside entry ' + queue[qi].name);
      fs.closeSync(fd);
      fd = -1;
      parentPort.postMessage({ type: 'done', sha256: zipHash.digest('hex'), bytes: pos, entries: qi });
      return;
    }
  } catch (err) {
    fail(err);
    return;
  } finally {
    busy = false;
  }
  if (pos < limit()) setImmediate(pump);
}

parentPort.on('message', (m) => {
  if (m.entries) for (const e of m.entries) queue.push(e);
  if (typeof m.durable === 'number' && m.durable > durable) durable = m.durable;
  if (typeof m.finish === 'number') finalSize = m.finish;
  pump();
});
`;

export class TrailVerifier {
  private readonly worker: Worker;
  private readonly shas = new Map<string, string>();
  private readonly waiters = new Map<string, (sha: string) => void>();
  private error: Error | null = null;
  private readonly errorWaiters = new Set<(e: Error) => void>();
  private donePromise: Promise<TrailResult>;
  private lastDurable = 0;

  constructor(file: string) {
    // Its garbage is a few small objects per entry: a 2 MB young generation instead of V8's
    // default growth (to 48 MB) keeps ~13 MB off an export's peak.
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: { file },
      resourceLimits: { maxYoungGenerationSizeMb: 2 },
    });
    let resolveDone!: (r: TrailResult) => void;
    this.donePromise = new Promise<TrailResult>((resolve, reject) => {
      resolveDone = resolve;
      this.errorWaiters.add(reject);
    });
    this.donePromise.catch(() => undefined);
    this.worker.on(
      'message',
      (m: {
        type: string;
        name?: string;
        sha256?: string;
        message?: string;
        bytes?: number;
        entries?: number;
      }) => {
        if (m.type === 'entry') {
          this.shas.set(m.name!, m.sha256!);
          this.waiters.get(m.name!)?.(m.sha256!);
          this.waiters.delete(m.name!);
        } else if (m.type === 'done') {
          resolveDone({ sha256: m.sha256!, bytes: m.bytes!, entries: m.entries! });
        } else if (m.type === 'error') {
          this.fail(new Error(`Verification failed: ${m.message}`));
        }
      },
    );
    this.worker.on('error', (e) => this.fail(e));
  }

  private fail(e: Error): void {
    if (this.error) return;
    this.error = e;
    for (const w of this.errorWaiters) w(e);
    this.errorWaiters.clear();
  }

  /** New final entries, and how far the file is final (written and never to be patched). */
  advance(entries: TrailEntry[], durable: number): void {
    if (entries.length === 0 && durable <= this.lastDurable) return;
    this.lastDurable = Math.max(this.lastDurable, durable);
    this.worker.postMessage({ entries, durable });
  }

  /** The SHA-256 of an entry's uncompressed content, once the worker has re-read it. */
  shaOf(name: string): Promise<string> {
    const known = this.shas.get(name);
    if (known) return Promise.resolve(known);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiters.set(name, resolve);
      this.errorWaiters.add(reject);
    });
  }

  /** After the writer has finished and fsynced: reads the rest and resolves with the archive's hash. */
  async finish(fileSize: number): Promise<TrailResult> {
    this.worker.postMessage({ finish: fileSize });
    try {
      return await this.donePromise;
    } finally {
      await this.worker.terminate();
    }
  }

  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}
