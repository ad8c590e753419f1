import { closeSync, openSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ModelFileError,
  readSafetensorsHeader,
} from '../../../../src-main/core/models/files/safetensors';
import { tempDirsPerTest } from '../../../helpers/tempDir';
import { writeSafetensors } from './writeModelFiles';

// Counts the bytes the reader asks the file system for, to prove it reads the header only.
const io = vi.hoisted(() => ({ bytesRead: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  const open = async (...args: Parameters<typeof actual.open>) => {
    const fh = await actual.open(...args);
    const read = fh.read.bind(fh) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
    (fh as { read: unknown }).read = async (...a: unknown[]) => {
      const r = await read(...a);
      io.bytesRead += r.bytesRead;
      return r;
    };
    return fh;
  };
  return { ...actual, open };
});

const newDir = tempDirsPerTest('atelier-safetensors-');
let dir: string;
beforeEach(() => {
  dir = newDir();
  io.bytesRead = 0;
});

/** A header of exactly the given JSON (space-padded), with `dataBytes` of zeros after it. */
function rawSafetensors(file: string, json: string, dataBytes = 0): void {
  const body = Buffer.from(json);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  writeFileSync(file, Buffer.concat([len, body, Buffer.alloc(dataBytes)]));
}

async function problem(file: string): Promise<string> {
  const err = await readSafetensorsHeader(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  expect((err as Error).name).toBe('ModelFileError');
  return (err as Error).message;
}

describe('readSafetensorsHeader', () => {
  it('reads tensors in header order, their dtypes, shapes and offsets, and the metadata', async () => {
    const file = path.join(dir, 'm.safetensors');
    const size = writeSafetensors(
      file,
      {
        'b.weight': { dtype: 'F16', shape: [2, 3] },
        'a.bias': { dtype: 'F32', shape: [3] },
        'c.scale': { dtype: 'BF16', shape: [] },
      },
      { 'modelspec.architecture': 'stable-diffusion-v1', ss_output_name: 'cabin' },
    );
    const h = await readSafetensorsHeader(file);
    expect([...h.tensors.keys()]).toEqual(['b.weight', 'a.bias', 'c.scale']);
    expect(h.tensors.get('b.weight')).toEqual({
      dtype: 'F16',
      shape: [2, 3],
      dataOffsets: [0, 12],
    });
    expect(h.tensors.get('a.bias')).toEqual({ dtype: 'F32', shape: [3], dataOffsets: [12, 24] });
    expect(h.tensors.get('c.scale')).toEqual({ dtype: 'BF16', shape: [], dataOffsets: [24, 26] });
    expect(h.metadata).toEqual({
      'modelspec.architecture': 'stable-diffusion-v1',
      ss_output_name: 'cabin',
    });
    expect(h.headerBytes % 8).toBe(0);
    expect(8 + h.headerBytes + 26).toBe(size);
  });

  it('has empty metadata when the file has none, and keeps odd metadata values as text', async () => {
    const plain = path.join(dir, 'plain.safetensors');
    writeSafetensors(plain, { w: { dtype: 'F32', shape: [1] } });
    expect((await readSafetensorsHeader(plain)).metadata).toEqual({});

    const odd = path.join(dir, 'odd.safetensors');
    rawSafetensors(
      odd,
      JSON.stringify({
        __metadata__: { steps: 1200, ok: true, name: 'x' },
        w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      }),
      4,
    );
    expect((await readSafetensorsHeader(odd)).metadata).toEqual({
      steps: '1200',
      ok: 'true',
      name: 'x',
    });
  });

  it('reads a header whose tensors describe 50 MB of data without reading the data', async () => {
    const file = path.join(dir, 'sparse.safetensors');
    const dataBytes = 50 * 1024 * 1024;
    const header = Buffer.alloc(8);
    const json = Buffer.from(
      JSON.stringify({
        w: { dtype: 'F16', shape: [5, 5 * 1024 * 1024], data_offsets: [0, dataBytes] },
      }),
    );
    header.writeBigUInt64LE(BigInt(json.length));
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    writeSync(fd, json);
    closeSync(fd);
    truncateSync(file, 8 + json.length + dataBytes); // a hole: no data is written
    const h = await readSafetensorsHeader(file);
    expect(h.tensors.get('w')?.dataOffsets).toEqual([0, dataBytes]);
    expect(io.bytesRead).toBeGreaterThanOrEqual(8 + json.length);
    expect(io.bytesRead).toBeLessThanOrEqual(8 + json.length + 512);
  });

  it('says an empty file is empty', async () => {
    const file = path.join(dir, 'empty.safetensors');
    writeFileSync(file, '');
    expect(await problem(file)).toBe('empty file (0 bytes): not a model');
  });

  it('says a file of a few bytes is too short', async () => {
    const file = path.join(dir, 'short.safetensors');
    writeFileSync(file, Buffer.from([1, 2, 3, 4, 5]));
    expect(await problem(file)).toBe('only 5 bytes long: too short to be a safetensors file');
  });

  it('refuses a header length of zero', async () => {
    const file = path.join(dir, 'zero.safetensors');
    writeFileSync(file, Buffer.alloc(64));
    expect(await problem(file)).toBe('declares an empty header: not a safetensors file');
  });

  it('names what a renamed file really is', async () => {
    const cases: [string, Buffer, string][] = [
      [
        'photo.safetensors',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0')]),
        'not a safetensors file: it starts like a JPEG image',
      ],
      [
        'shot.safetensors',
        Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(40)]),
        'not a safetensors file: it starts like a PNG image',
      ],
      [
        'login.safetensors',
        Buffer.from('\n  <!DOCTYPE html><html><head><title>Sign in</title></head></html>'),
        'not a safetensors file: it starts like a web page (HTML): the download probably saved a sign-in or error page',
      ],
      [
        'notes.safetensors',
        Buffer.from('trigger word: ohwx\nuse at 0.8 strength — works best with DPM++ 2M\n'),
        'not a safetensors file: it starts like a text file',
      ],
      [
        'reply.safetensors',
        Buffer.from('{"error":"Unauthorized","message":"sign in to download"}'),
        'not a safetensors file: it starts like JSON text (an error reply from a site?)',
      ],
      [
        'lfs.safetensors',
        Buffer.from('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'),
        'not a safetensors file: it starts like a Git LFS pointer: the repository was cloned without its large files',
      ],
      [
        'model.safetensors',
        Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)]),
        'not a safetensors file: it starts like a zip archive',
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      expect(await problem(file), name).toBe(message);
    }
  });

  it('says when the declared header is larger than the file', async () => {
    const file = path.join(dir, 'big.safetensors');
    const bytes = Buffer.alloc(12 * 1024, 0x01); // binary, so nothing to recognise
    bytes.writeBigUInt64LE(3n * 1024n ** 3n);
    writeFileSync(file, bytes);
    expect(await problem(file)).toBe(
      'declares a 3.0 GB header but the file is 12 KB: not a safetensors file or truncated',
    );
  });

  it('refuses a header over the format limit even when the file is that large', async () => {
    const file = path.join(dir, 'huge.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(150n * 1024n * 1024n);
    writeFileSync(file, Buffer.concat([len, Buffer.alloc(8, 0x01)]));
    truncateSync(file, 200 * 1024 * 1024);
    expect(await problem(file)).toBe(
      "declares a 150 MB header, over the format's limit of 100 MB: not a safetensors file",
    );
    expect(io.bytesRead).toBeLessThanOrEqual(512);
  });

  it('says when the header is not JSON, or not an object', async () => {
    const bad = path.join(dir, 'bad.safetensors');
    rawSafetensors(bad, '{"w": {"dtype": "F16", ');
    expect(await problem(bad)).toMatch(/^damaged safetensors header: not valid JSON \(.+\)$/);

    const notUtf8 = path.join(dir, 'latin1.safetensors');
    const body = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]); // {"é":1} in Latin-1
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(body.length));
    writeFileSync(notUtf8, Buffer.concat([len, body]));
    expect(await problem(notUtf8)).toBe(
      'damaged safetensors header: not valid JSON (it is not UTF-8 text)',
    );

    const arr = path.join(dir, 'array.safetensors');
    rawSafetensors(arr, '[1, 2, 3]');
    expect(await problem(arr)).toBe('damaged safetensors header: it is not a JSON object');
  });

  it('names the malformed tensor entry', async () => {
    const cases: [unknown, string][] = [
      ['F16', 'is not described by an object'],
      [{ shape: [1], data_offsets: [0, 2] }, 'has no dtype'],
      [{ dtype: 'F16', shape: [-1], data_offsets: [0, 2] }, 'has an invalid shape'],
      [{ dtype: 'F16', shape: [1.5], data_offsets: [0, 2] }, 'has an invalid shape'],
      [{ dtype: 'F16', shape: [1], data_offsets: [0] }, 'has invalid data_offsets'],
      [{ dtype: 'F16', shape: [1], data_offsets: ['0', '2'] }, 'has invalid data_offsets'],
      [{ dtype: 'F16', shape: [1], data_offsets: [4, 2] }, 'ends before it begins'],
    ];
    for (const [entry, why] of cases) {
      const file = path.join(dir, 'entry.safetensors');
      rawSafetensors(file, JSON.stringify({ 'unet.conv.weight': entry }), 8);
      expect(await problem(file)).toBe(
        `damaged safetensors header: tensor "unet.conv.weight" ${why}`,
      );
    }
  });

  it('says a file cut short is truncated, with both sizes', async () => {
    const file = path.join(dir, 'partial.safetensors');
    const size = writeSafetensors(file, {
      a: { dtype: 'F32', shape: [256] },
      b: { dtype: 'F32', shape: [256] },
    });
    truncateSync(file, size - 1000);
    expect(await problem(file)).toBe(
      `truncated: tensors end at ${size.toLocaleString('en-US')} bytes but the file has ${(size - 1000).toLocaleString('en-US')} (an interrupted download? download it again)`,
    );
  });
});
