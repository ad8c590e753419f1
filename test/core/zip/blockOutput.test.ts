import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE } from '../../../src-main/core/zip/alignedMemory';
import { BlockOutput } from '../../../src-main/core/zip/blockOutput';
import type { ZipSink } from '../../../src-main/core/zip/fileSink';
import { tempDirsPerTest } from '../../helpers/tempDir';

const dir = tempDirsPerTest('atelier-block-');

/**
 * A sink in memory that holds every write until the test lets it go (or at once with `auto`),
 * and refuses any write a direct file would refuse: a position or length off the page grid.
 */
function memorySink(auto = true) {
  let file = Buffer.alloc(0);
  const waiting: Array<() => void> = [];
  const log: { position: number; length: number }[] = [];
  let truncatedTo: number | null = null;
  let closed = false;
  const sink: ZipSink = {
    async write(buf, position) {
      if (position % PAGE !== 0 || buf.length % PAGE !== 0)
        throw new Error(`unaligned write: ${buf.length} bytes at ${position}`);
      // Copied when the write is made, as a disk would: a later change to the buffer must not show.
      const copy = Buffer.from(buf);
      if (!auto) await new Promise<void>((resolve) => waiting.push(resolve));
      if (file.length < position + copy.length)
        file = Buffer.concat([file, Buffer.alloc(position + copy.length - file.length)]);
      copy.copy(file, position);
      log.push({ position, length: copy.length });
    },
    async truncate(size) {
      truncatedTo = size;
      file = file.subarray(0, size);
    },
    async sync() {},
    async close() {
      closed = true;
    },
  };
  return {
    sink,
    log,
    content: () => file,
    truncatedTo: () => truncatedTo,
    closed: () => closed,
    /** Completes the oldest write waiting. */
    release: () => waiting.shift()?.(),
    waiting: () => waiting.length,
    /** Completes every write, those queued behind the ones waiting now included. */
    async drain() {
      for (;;) {
        await tick();
        if (!waiting.length) return;
        waiting.shift()!();
      }
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BlockOutput', () => {
  it('streams records and files as whole pages, and patches a held range that spans several written blocks', async () => {
    const m = memorySink();
    const out = new BlockOutput(m.sink, { blockSize: PAGE, blocks: 2, maxHold: 20_000 });
    const expected: Buffer[] = [];
    const put = async (b: Buffer) => {
      expected.push(b);
      await out.append(b);
    };
    await put(randomBytes(1000));
    // A "header" of 10,000 bytes starting mid-page: it spans four pages, three of them written before the patch.
    const headerAt = out.offset;
    const header = Buffer.alloc(10_000, 0xaa);
    out.hold(headerAt, headerAt + header.length);
    await put(header);
    const d = dir();
    const src = path.join(d, 'src.bin');
    const data = randomBytes(3 * PAGE + 123);
    writeFileSync(src, data);
    const fh = await open(src, 'r');
    const read: Buffer[] = [];
    for (let c = await out.readFrom(fh); c; c = await out.readFrom(fh)) read.push(Buffer.from(c));
    await fh.close();
    expect(Buffer.concat(read).equals(data)).toBe(true);
    expected.push(data);
    // One patch at the very start (long written), one straddling two written pages, one at the end.
    out.patch(Buffer.from('START'), headerAt);
    out.patch(Buffer.from('MIDDLE'), PAGE * 2 - 3);
    out.patch(Buffer.from('END'), headerAt + header.length - 3);
    out.release();
    await put(Buffer.from('tail'));
    const total = await out.finish();

    const want = Buffer.concat(expected);
    Buffer.from('START').copy(want, headerAt);
    Buffer.from('MIDDLE').copy(want, PAGE * 2 - 3);
    Buffer.from('END').copy(want, headerAt + header.length - 3);
    expect(total).toBe(want.length);
    expect(m.truncatedTo()).toBe(want.length);
    expect(m.content().equals(want)).toBe(true);
    expect(m.closed()).toBe(true);
  });

  it('never declares durable what is held, still in the block, or still being written', async () => {
    const m = memorySink(false);
    const durable: number[] = [];
    const out = new BlockOutput(m.sink, {
      blockSize: 2 * PAGE,
      blocks: 3,
      maxHold: 100,
      onDurable: (x) => durable.push(x),
    });
    await out.append(Buffer.alloc(2 * PAGE + 10, 1)); // one block out, 10 bytes in the next
    expect(m.waiting()).toBe(1);
    expect(durable).toEqual([]);
    m.release();
    await tick();
    expect(durable).toEqual([2 * PAGE]);

    // A held header in the block being filled keeps durable below it even once its block is written.
    const at = out.offset;
    out.hold(at, at + 50);
    await out.append(Buffer.alloc(4 * PAGE, 2));
    await m.drain();
    expect(Math.max(...durable)).toBeLessThanOrEqual(at);
    out.patch(Buffer.from('patched'), at + 10);
    out.release();
    // The page holding the header is written again: until that write is done, durable stays put.
    expect(Math.max(...durable)).toBeLessThanOrEqual(at);
    await m.drain();
    expect(Math.max(...durable)).toBe(out.offset - (out.offset % (2 * PAGE)));
    expect(
      m
        .content()
        .subarray(at + 10, at + 17)
        .toString(),
    ).toBe('patched');

    for (let i = 1; i < durable.length; i++) expect(durable[i]!).toBeGreaterThan(durable[i - 1]!);
    for (const x of durable) expect(x % PAGE).toBe(0);
    const finishing = out.finish();
    while (!m.closed()) {
      m.release();
      await tick();
    }
    expect(await finishing).toBe(2 * PAGE + 10 + 4 * PAGE);
    expect(durable.at(-1)).toBe(2 * PAGE + 10 + 4 * PAGE);
  });

  it('flush makes the partial block durable, and a later patch inside it is written again with the block', async () => {
    const m = memorySink();
    const durable: number[] = [];
    const out = new BlockOutput(m.sink, {
      blockSize: 4 * PAGE,
      maxHold: 100,
      onDurable: (x) => durable.push(x),
    });
    await out.append(Buffer.alloc(PAGE + 100, 7));
    await out.flush();
    expect(durable.at(-1)).toBe(PAGE);
    const at = out.offset;
    out.hold(at, at + 30);
    await out.append(Buffer.alloc(30, 8));
    await out.flush(); // writes the unpatched header, but keeps it out of durable
    expect(durable.at(-1)).toBe(PAGE);
    out.patch(Buffer.from('CRC!'), at + 14);
    out.release();
    expect(durable.at(-1)).toBe(PAGE);
    const total = await out.finish();
    expect(total).toBe(PAGE + 130);
    expect(
      m
        .content()
        .subarray(at + 14, at + 18)
        .toString(),
    ).toBe('CRC!');
  });

  it('reports the first failed write on the next call, and abort closes the sink', async () => {
    let closed = false;
    const failing: ZipSink = {
      async write() {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
      },
      async truncate() {},
      async sync() {},
      async close() {
        closed = true;
      },
    };
    const out = new BlockOutput(failing, { blockSize: PAGE, blocks: 2, maxHold: 100 });
    await expect(
      (async () => {
        for (let i = 0; i < 10; i++) await out.append(Buffer.alloc(PAGE));
      })(),
    ).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(out.finish()).rejects.toMatchObject({ code: 'ENOSPC' });
    await out.abort();
    expect(closed).toBe(true);
  });
});
