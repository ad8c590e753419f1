import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { autov2, sha256File } from '../../../../src-main/core/models/files/hashFile';
import { tempDirsPerTest } from '../../../helpers/tempDir';

const newDir = tempDirsPerTest('atelier-hash-');
let dir: string;
beforeEach(() => {
  dir = newDir();
});

describe('sha256File', () => {
  it('hashes known contents', async () => {
    const abc = path.join(dir, 'abc.bin');
    writeFileSync(abc, 'abc');
    expect(await sha256File(abc)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const empty = path.join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect(await sha256File(empty)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('reads in 4 MB chunks, reporting progress after each', async () => {
    const file = path.join(dir, 'model.safetensors');
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    writeFileSync(file, bytes);
    const progress: [number, number][] = [];
    const hash = await sha256File(file, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    const mb4 = 4 * 1024 * 1024;
    expect(progress).toEqual([
      [mb4, bytes.length],
      [2 * mb4, bytes.length],
      [bytes.length, bytes.length],
    ]);
  });

  it('stops when the signal aborts, before or during the read', async () => {
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(12 * 1024 * 1024));

    const before = new AbortController();
    before.abort();
    await expect(sha256File(file, { signal: before.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });

    const during = new AbortController();
    let calls = 0;
    await expect(
      sha256File(file, {
        signal: during.signal,
        onProgress: () => {
          calls++;
          during.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });

  it('rejects with the file system error for a missing file', async () => {
    await expect(sha256File(path.join(dir, 'gone.safetensors'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('autov2', () => {
  it("is A1111's short hash: the first 10 hex digits, lower-case", () => {
    expect(autov2('6CE0161689B3853ACAA03779EC93EAFE75A02F4CED659BEE03F50797806FA2FA')).toBe(
      '6ce0161689',
    );
    expect(autov2('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')).toBe(
      'ba7816bf8f',
    );
  });
});
