import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipWriter, type ZipSink } from '../../../src-main/core/zip/zipWriter';
import { readCentralDirectory, verifyZip } from '../../../src-main/core/zip/zipVerify';
import { assertSafeEntryName } from '../../../src-main/core/zip/entryName';
import { tempDirsPerTest } from '../../helpers/tempDir';
import { pythonZip, unzipList, unzipTest, yauzlRead } from './readers';

const dir = tempDirsPerTest('atelier-zip-');

describe('ZipWriter', () => {
  it('writes stored and deflated entries with UTF-8 names that unzip, Python and yauzl all accept', async () => {
    const d = dir();
    const media = path.join(d, 'noise.bin');
    const noise = randomBytes(3 * (1 << 20) + 123); // spans several chunks, odd length
    writeFileSync(media, noise);
    const wav = path.join(d, 'tone.wav');
    const wavData = Buffer.alloc(500_000, 'abcdefgh');
    writeFileSync(wav, wavData);
    const out = path.join(d, 'out.zip');
    const zw = await ZipWriter.create(out, { chunkSize: 1 << 20 });
    await zw.addDirectory('pack/');
    const hash = createHash('sha256');
    await zw.addFile('pack/assets/noise.bin', media, {
      expectedSize: noise.length,
      onData: (c) => hash.update(c),
    });
    await zw.addFile('pack/assets/tone.wav', wav, { method: 'deflate', level: 3 });
    await zw.addBuffer('pack/README.md', Buffer.from('# Café ☕ pack\n'.repeat(100)), {
      method: 'deflate',
    });
    await zw.addBuffer('pack/assets/naïve 日本語.txt', Buffer.from('hello'));
    await zw.addBuffer('pack/empty.txt', Buffer.alloc(0), { method: 'deflate' });
    const { entries } = await zw.finish();
    expect(hash.digest('hex')).toBe(createHash('sha256').update(noise).digest('hex'));
    expect(entries.find((e) => e.name.endsWith('tone.wav'))!.compressedSize).toBeLessThan(10_000);

    unzipTest(out);
    const py = pythonZip(out);
    expect(py.bad).toBeNull();
    expect(py.utf8).toBe(true);
    expect(py.entries.map((e) => e[0])).toContain('pack/assets/naïve 日本語.txt');
    const y = await yauzlRead(out, (n) => n.endsWith('.bin') || n.endsWith('.wav'));
    expect(y.find((e) => e.name.endsWith('noise.bin'))!.data!.equals(noise)).toBe(true);
    expect(y.find((e) => e.name.endsWith('tone.wav'))!.data!.equals(wavData)).toBe(true);
    const v = await verifyZip(out);
    expect(v.entries).toHaveLength(6);
    expect(v.sha256).toBe(createHash('sha256').update(readFileSync(out)).digest('hex'));
  });

  it('refuses names that could escape the archive root', async () => {
    const hostile = [
      '../evil.txt',
      'pack/../../evil.txt',
      '/etc/passwd',
      'C:/Windows/evil.txt',
      'c:evil.txt',
      'pack\\..\\evil.txt',
      'pack/./a.txt',
      'pack//a.txt',
      'pack/a\u0000.txt',
      'pack/a\nb.txt',
      'pack/what?.txt',
      'pack/trailing.',
      'pack/cafe\u0301.txt', // NFD: would clash with an NFC twin on macOS
    ];
    for (const name of hostile)
      expect(() => assertSafeEntryName(name), name).toThrow(/Refused ZIP entry name/);
    const zw = await ZipWriter.create(path.join(dir(), 'x.zip'));
    await expect(zw.addBuffer('../x', Buffer.from('x'))).rejects.toThrow(/Refused/);
    await zw.addBuffer('a/Readme.txt', Buffer.from('x'));
    await expect(zw.addBuffer('a/README.TXT', Buffer.from('y'))).rejects.toThrow(/Duplicate/);
    await zw.abort();
  });

  it('detects a corrupted byte through the CRC re-check', async () => {
    const d = dir();
    const out = path.join(d, 'c.zip');
    const zw = await ZipWriter.create(out);
    await zw.addBuffer('a.bin', randomBytes(10_000));
    await zw.finish();
    await verifyZip(out);
    const fd = openSync(out, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, 5_000);
    closeSync(fd);
    await expect(verifyZip(out)).rejects.toThrow(/CRC mismatch/);
  });

  it('goes Zip64 past 65,535 entries', async () => {
    const d = dir();
    const out = path.join(d, 'many.zip');
    const zw = await ZipWriter.create(out);
    const n = 70_000;
    for (let i = 0; i < n; i++) await zw.addBuffer(`m/${i}.txt`, Buffer.from(String(i)));
    await zw.finish();
    const cd = await readCentralDirectory(out);
    expect(cd.entries).toHaveLength(n);
    unzipTest(out);
    const py = pythonZip(out, 3);
    expect(py.count).toBe(n);
    expect(py.bad).toBeNull();
    expect((await yauzlRead(out, undefined, false)).length).toBe(n);
    expect((await verifyZip(out)).entries).toHaveLength(n);
  });

  it('goes Zip64 for an entry past 4 GiB and offsets past 4 GiB (sparse source and output)', async () => {
    const d = dir();
    const big = path.join(d, 'sparse.bin');
    const size = 4 * 1024 ** 3 + 12_345;
    writeFileSync(big, '');
    truncateSync(big, size);
    const out = path.join(d, 'big.zip');
    // Zero chunks are skipped, leaving holes: the archive is 4 GiB long but occupies a few KB.
    const zero = Buffer.alloc(4 << 20);
    const sparseSink = async (file: string): Promise<ZipSink> => {
      const fh = await open(file, 'wx');
      return {
        async write(buf, position) {
          if (buf.length <= zero.length && buf.equals(zero.subarray(0, buf.length))) return;
          await fh.write(buf, 0, buf.length, position);
        },
        truncate: (n) => fh.truncate(n),
        sync: () => fh.sync(),
        close: () => fh.close(),
      };
    };
    const zw = await ZipWriter.create(out, { chunkSize: 4 << 20, sink: sparseSink });
    await zw.addBuffer('first.txt', Buffer.from('before'));
    await zw.addFile('sparse.bin', big, { expectedSize: size });
    await zw.addBuffer('last.txt', Buffer.from('after'));
    await zw.finish();
    const cd = await readCentralDirectory(out);
    expect(cd.entries.find((e) => e.name === 'sparse.bin')!.size).toBe(size);
    expect(cd.entries.find((e) => e.name === 'last.txt')!.localOffset).toBeGreaterThan(2 ** 32);
    // Hashing 4 GiB of zeros would only slow the test; the CRC pass is what is being tested.
    const v = await verifyZip(out, { sha256: false });
    expect(v.entries).toHaveLength(3);
    // unzip -t takes ~18 s over 4 GiB here; its listing proves it parses the Zip64 records, and
    // Python re-checks every CRC.
    expect(unzipList(out).split('\n')).toContain('last.txt');
    const py = pythonZip(out);
    expect(py.bad).toBeNull();
    expect(py.entries.find((e) => e[0] === 'sparse.bin')![1]).toBe(size);
  }, 120_000);

  it('stops on a full disk and leaves the sink closed', async () => {
    const d = dir();
    const src = path.join(d, 'src.bin');
    writeFileSync(src, randomBytes(2 << 20));
    let closed = false;
    let written = 0;
    const fullDisk = async (): Promise<ZipSink> => ({
      async write(buf) {
        if (written + buf.length > 1 << 20) {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
            code: 'ENOSPC',
          });
        }
        written += buf.length;
      },
      async truncate() {},
      async sync() {},
      async close() {
        closed = true;
      },
    });
    const zw = await ZipWriter.create(path.join(d, 'full.zip'), {
      sink: fullDisk,
      chunkSize: 256 << 10,
    });
    await expect(zw.addFile('a.bin', src)).rejects.toMatchObject({ code: 'ENOSPC' });
    await zw.abort();
    expect(closed).toBe(true);

    // The same through deflate (a WAV's path): the disk's error, not a destroyed stream, and no hang.
    written = 0;
    closed = false;
    const zd = await ZipWriter.create(path.join(d, 'full2.zip'), {
      sink: fullDisk,
      chunkSize: 256 << 10,
    });
    await expect(zd.addFile('a.wav', src, { method: 'deflate', level: 3 })).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    await zd.abort();
    expect(closed).toBe(true);
  });

  it('deflates a file larger than its read buffer into a valid entry', async () => {
    const d = dir();
    const src = path.join(d, 'tone.raw');
    // Compressible and not periodic in the buffer size, so a reused buffer read into too early shows.
    const data = Buffer.alloc(3 * (1 << 20) + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i / 7) * 100 + (i % 251)) & 0xff;
    writeFileSync(src, data);
    const out = path.join(d, 'deflated.zip');
    const zw = await ZipWriter.create(out, { chunkSize: 256 << 10 });
    const e = await zw.addFile('tone.raw', src, { method: 'deflate' });
    await zw.finish();
    expect(e.compressedSize).toBeLessThan(e.size);
    unzipTest(out);
    const py = pythonZip(out);
    expect(py.bad).toBeNull();
    expect(py.entries.find((x) => x[0] === 'tone.raw')![1]).toBe(data.length);
  });
});
