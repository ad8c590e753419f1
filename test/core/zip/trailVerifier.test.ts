import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignedBuffers } from '../../../src-main/core/zip/alignedMemory';
import { fileSink, type SinkFactory } from '../../../src-main/core/zip/fileSink';
import { TrailVerifier } from '../../../src-main/core/zip/trailVerifier';
import { ZipWriter } from '../../../src-main/core/zip/zipWriter';
import { tempDirsPerTest } from '../../helpers/tempDir';

const dir = tempDirsPerTest('atelier-trail-');

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Writes an archive with the verifier trailing the writer, wired as writeExport wires them;
 * `sink` may damage what reaches the disk.
 */
async function writeVerified(d: string, sink?: SinkFactory) {
  const files = [randomBytes(3 << 20), randomBytes(5000), Buffer.alloc(700_000, 'wav!')];
  const names = ['pack/a.png', 'pack/b.jpg', 'pack/c.wav'];
  files.forEach((f, i) => writeFileSync(path.join(d, `src${i}`), f));
  const out = path.join(d, 'out.zip');
  const verifier = new TrailVerifier(out);
  const zw = await ZipWriter.create(out, {
    sink,
    chunkSize: 256 << 10,
    onFinal: (entries, durable) =>
      verifier.advance(
        entries.map((e) => ({
          name: e.name,
          localOffset: e.offset,
          dataOffset: e.dataOffset,
          compressedSize: e.compressedSize,
          size: e.size,
          crc: e.crc,
          method: e.method,
        })),
        durable,
      ),
  });
  const shas = names.map((n) => verifier.shaOf(n));
  shas.forEach((p) => p.catch(() => undefined));
  await zw.addDirectory('pack/');
  for (const [i, n] of names.entries())
    await zw.addFile(n, path.join(d, `src${i}`), {
      method: n.endsWith('.wav') ? 'deflate' : 'store',
    });
  await zw.addBuffer('pack/README.md', Buffer.from('# Read me\n'.repeat(50)), {
    method: 'deflate',
  });
  const { bytes } = await zw.finish();
  return { out, files, shas, result: verifier.finish(bytes) };
}

/** A file sink that flips one byte of what reaches the disk at `at`. */
const damaging =
  (at: number): SinkFactory =>
  async (file) => {
    const real = await fileSink(file);
    return {
      truncate: (n) => real.truncate(n),
      sync: () => real.sync(),
      close: () => real.close(),
      write: (buf, position) => {
        if (at < position || at >= position + buf.length) return real.write(buf, position);
        // Aligned, so the damaged bytes still go to the disk directly, as the rest do.
        const [copy] = alignedBuffers([buf.length]) as [Buffer];
        buf.copy(copy);
        copy[at - position]! ^= 0x01;
        return real.write(copy, position);
      },
    };
  };

describe('TrailVerifier', () => {
  it('re-reads the archive behind the writer: the archive’s SHA-256 and each entry’s content hash', async () => {
    const { out, files, shas, result } = await writeVerified(dir());
    const r = await result;
    const disk = readFileSync(out);
    expect(r.bytes).toBe(disk.length);
    expect(r.sha256).toBe(sha(disk));
    expect(r.entries).toBe(5);
    expect(await Promise.all(shas)).toEqual(files.map(sha));
  });

  it('fails on a byte that reached the disk wrong inside an entry’s data', async () => {
    const { result } = await writeVerified(dir(), damaging(2 << 20));
    await expect(result).rejects.toThrow(/pack\/a\.png: CRC mismatch on re-read/);
  });

  it('fails on a local header that reached the disk wrong', async () => {
    // The first file's header follows the 'pack/' directory entry (35 bytes): byte 35 + 30 is its name.
    const { result } = await writeVerified(dir(), damaging(35 + 31));
    await expect(result).rejects.toThrow(/local header name differs/);
  });

  it('fails on a deflated entry whose compressed bytes were damaged', async () => {
    const d = dir();
    const clean = await writeVerified(d);
    await clean.result;
    const entries = readFileSync(clean.out);
    // The WAV is the deflated entry: damage the middle of its compressed data.
    const at = entries.indexOf(Buffer.from('pack/c.wav')) + 'pack/c.wav'.length + 20;
    const { result } = await writeVerified(dir(), damaging(at));
    await expect(result).rejects.toThrow(/pack\/c\.wav/);
  });
});
