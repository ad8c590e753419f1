import { statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readGgufHeader } from '../../../../src-main/core/models/files/gguf';
import { ModelFileError } from '../../../../src-main/core/models/files/safetensors';
import { tempDirsPerTest } from '../../../helpers/tempDir';
import { ggufBytes, writeGguf, type GgufValue } from './writeModelFiles';

// Counts the bytes the reader asks the file system for, to prove long arrays are stepped over.
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

const newDir = tempDirsPerTest('atelier-gguf-');
let dir: string;
beforeEach(() => {
  dir = newDir();
  io.bytesRead = 0;
});

async function problem(file: string): Promise<string> {
  const err = await readGgufHeader(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  return (err as Error).message;
}

/** GGUF magic, a version and then whatever bytes a test needs. */
function rawGguf(file: string, version: number, ...rest: Buffer[]): void {
  const v = Buffer.alloc(4);
  v.writeUInt32LE(version);
  writeFileSync(file, Buffer.concat([Buffer.from('GGUF'), v, ...rest]));
}
function u64(n: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function str(s: string): Buffer {
  return Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
}

describe('readGgufHeader', () => {
  it('reads every value type, small arrays, and the tensor names in order', async () => {
    const file = path.join(dir, 'flux1-dev-Q4_K.gguf');
    writeGguf(
      file,
      {
        'general.architecture': 'flux',
        'general.name': 'Flux.1 Dev',
        'general.quantization_version': 2,
        'general.file_type': { type: 'u8', value: 15 },
        'test.i8': { type: 'i8', value: -5 },
        'test.u16': { type: 'u16', value: 65_000 },
        'test.i16': { type: 'i16', value: -30_000 },
        'test.i32': -7,
        'test.f32': 0.5,
        'test.bool': true,
        'test.u64': 123_456_789_012n,
        'test.u64.huge': 18_446_744_073_709_551_615n,
        'test.i64': { type: 'i64', value: -42n },
        'test.f64': { type: 'f64', value: 0.1 },
        'test.strings': ['a', 'b', 'ünï'],
        'test.nested': [
          [1, 2],
          [3, 4],
        ],
      },
      {
        'double_blocks.0.img_attn.qkv.weight': { dims: [64, 192], type: 12 },
        'img_in.weight': { dims: [16, 8], type: 1 },
        'final_layer.linear.bias': { dims: [8] },
      },
    );
    const h = await readGgufHeader(file);
    expect(h.version).toBe(3);
    expect(h.tensorCount).toBe(3);
    expect(h.tensorNames).toEqual([
      'double_blocks.0.img_attn.qkv.weight',
      'img_in.weight',
      'final_layer.linear.bias',
    ]);
    expect(h.kv).toEqual({
      'general.architecture': 'flux',
      'general.name': 'Flux.1 Dev',
      'general.quantization_version': 2,
      'general.file_type': 15,
      'test.i8': -5,
      'test.u16': 65_000,
      'test.i16': -30_000,
      'test.i32': -7,
      'test.f32': 0.5,
      'test.bool': true,
      'test.u64': 123_456_789_012,
      'test.u64.huge': '18446744073709551615',
      'test.i64': -42,
      'test.f64': 0.1,
      'test.strings': ['a', 'b', 'ünï'],
      'test.nested': [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('reads version 2 files', async () => {
    const file = path.join(dir, 'v2.gguf');
    writeGguf(
      file,
      { 'general.architecture': 'sd1' },
      { 'input_blocks.0.0.weight': { dims: [4] } },
      { version: 2 },
    );
    const h = await readGgufHeader(file);
    expect(h.version).toBe(2);
    expect(h.kv['general.architecture']).toBe('sd1');
  });

  it('summarises long arrays without building them, and reads the keys after them exactly', async () => {
    const file = path.join(dir, 'llm.gguf');
    const vocab = Array.from({ length: 200_000 }, (_, i) => `tok${i}`);
    const bigFloats = 8 * 1024 * 1024; // 32 MB of f32: must be jumped over, not read
    const kv: Record<string, GgufValue> = {
      'general.architecture': 'llama',
      'tokenizer.ggml.tokens': vocab,
      'tokenizer.ggml.scores': {
        type: 'array',
        itemType: 'f32',
        items: new Array<number>(bigFloats).fill(0),
      },
      'tokenizer.ggml.merges': {
        type: 'array',
        itemType: 'array',
        items: Array.from({ length: 100 }, () => ['a', 'b']),
      },
      'test.exactly64': Array.from({ length: 64 }, (_, i) => i),
      'test.after': 'still in step',
    };
    writeGguf(file, kv, { 'blk.0.attn_q.weight': { dims: [32, 32] } });
    const size = statSync(file).size;
    const h = await readGgufHeader(file);
    expect(h.kv['tokenizer.ggml.tokens']).toEqual({ type: 'array', length: 200_000 });
    expect(h.kv['tokenizer.ggml.scores']).toEqual({ type: 'array', length: bigFloats });
    expect(h.kv['tokenizer.ggml.merges']).toEqual({ type: 'array', length: 100 });
    expect(h.kv['test.exactly64']).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(h.kv['test.after']).toBe('still in step');
    expect(h.tensorNames).toEqual(['blk.0.attn_q.weight']);
    expect(size).toBeGreaterThan(32 * 1024 * 1024);
    // The vocabulary (~2.7 MB of lengths and text) is read through; the floats are not.
    expect(io.bytesRead).toBeGreaterThan(2 * 1024 * 1024);
    expect(io.bytesRead).toBeLessThan(8 * 1024 * 1024);
  });

  it('cuts strings at 64 KB and keeps at most 20,000 tensor names', async () => {
    const file = path.join(dir, 'many.gguf');
    const tensors = Object.fromEntries(
      Array.from({ length: 20_005 }, (_, i) => [`t.${i}`, { dims: [1] }]),
    );
    writeGguf(file, { 'tokenizer.chat_template': 'x'.repeat(100_000), 'test.after': 7 }, tensors);
    const h = await readGgufHeader(file);
    expect(h.kv['tokenizer.chat_template']).toBe('x'.repeat(64 * 1024));
    expect(h.kv['test.after']).toBe(7);
    expect(h.tensorCount).toBe(20_005);
    expect(h.tensorNames).toHaveLength(20_000);
    expect(h.tensorNames.at(-1)).toBe('t.19999');
  });

  it('names what a file that is not GGUF looks like', async () => {
    const cases: [string, Buffer, string][] = [
      ['empty.gguf', Buffer.alloc(0), 'empty file (0 bytes): not a model'],
      [
        'photo.gguf',
        Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0, 0, 0, 0]),
        'not a GGUF file: it starts like a JPEG image',
      ],
      [
        'page.gguf',
        Buffer.from('<html><body>404 Not Found</body></html>'),
        'not a GGUF file: it starts like a web page (HTML): the download probably saved a sign-in or error page',
      ],
      [
        'noise.gguf',
        Buffer.from([1, 2, 3, 0, 9, 9, 9, 9, 0, 0, 0, 0]),
        'not a GGUF file: it does not start with "GGUF"',
      ],
      [
        'old.gguf',
        Buffer.concat([Buffer.from('tjgg'), Buffer.alloc(60)]),
        'an old GGML model, from before GGUF: convert it again with a current llama.cpp or stable-diffusion.cpp',
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      expect(await problem(file), name).toBe(message);
    }
  });

  it('refuses versions it cannot read, saying why', async () => {
    const file = path.join(dir, 'v.gguf');
    rawGguf(file, 1, u64(0), u64(0));
    expect(await problem(file)).toBe(
      'GGUF version 1 is too old to read: convert the model again with a current tool',
    );
    rawGguf(file, 4, u64(0), u64(0));
    expect(await problem(file)).toBe(
      'unsupported GGUF version 4: versions 2 and 3 can be read (a newer tool made it, or it is damaged)',
    );
    rawGguf(file, 0x03000000, u64(0), u64(0));
    expect(await problem(file)).toBe(
      'a big-endian GGUF file: only little-endian GGUF can be read here',
    );
  });

  it('says a header cut short is truncated', async () => {
    const file = path.join(dir, 'cut.gguf');
    const whole = ggufBytes({ 'general.architecture': 'wan', 'general.name': 'Wan 2.1 T2V 14B' });
    writeFileSync(file, whole.subarray(0, whole.length - 40));
    expect(await problem(file)).toMatch(
      /^truncated: the GGUF header runs past the end of the file \(\d+ B\): an interrupted download\? download it again$/,
    );
    writeFileSync(file, whole.subarray(0, 12)); // not even the counts
    expect(await problem(file)).toMatch(/^truncated: the GGUF header runs past the end/);
  });

  it('says a file whose tensor data is cut short is truncated', async () => {
    const file = path.join(dir, 'partial.gguf');
    const size = writeGguf(
      file,
      { 'general.architecture': 'sdxl' },
      {
        'input_blocks.0.0.weight': { dims: [256, 64], type: 8 }, // Q8_0
        'label_emb.0.0.weight': { dims: [1024, 64], type: 1 }, // F16
      },
    );
    truncateSync(file, size - 100);
    expect(await problem(file)).toBe(
      `truncated: tensors end at ${size.toLocaleString('en-US')} bytes but the file has ${(size - 100).toLocaleString('en-US')} (an interrupted download? download it again)`,
    );
  });

  it('refuses absurd counts and unknown value types as damage', async () => {
    const file = path.join(dir, 'bad.gguf');
    rawGguf(file, 3, u64(1n << 40n), u64(0), Buffer.alloc(64));
    expect(await problem(file)).toBe(
      'damaged GGUF header: its tensor count (1,099,511,627,776) is impossible',
    );
    rawGguf(file, 3, u64(0), u64(5_000_000), Buffer.alloc(64));
    expect(await problem(file)).toBe(
      'damaged GGUF header: its metadata count (5,000,000) is impossible',
    );
    // Plausible counts that the file is too small to hold: cut short.
    rawGguf(file, 3, u64(1000), u64(0), Buffer.alloc(64));
    expect(await problem(file)).toMatch(/^truncated: /);
    rawGguf(file, 3, u64(0), u64(1), str('weird.key'), u32(13), Buffer.alloc(16));
    expect(await problem(file)).toBe('damaged GGUF header: "weird.key" has unknown value type 13');
    rawGguf(
      file,
      3,
      u64(0),
      u64(1),
      str('huge.array'),
      u32(9),
      u32(0),
      u64(1n << 50n),
      Buffer.alloc(16),
    );
    expect(await problem(file)).toBe(
      'damaged GGUF header: "huge.array" claims 1,125,899,906,842,624 items',
    );
    rawGguf(
      file,
      3,
      u64(0),
      u64(1),
      str('long.string'),
      u32(8),
      u64(1n << 30n),
      Buffer.from('abc'),
    );
    expect(await problem(file)).toMatch(/^truncated: /);
  });

  it('refuses a tensor with more dimensions than ggml has', async () => {
    const file = path.join(dir, 'dims.gguf');
    rawGguf(file, 3, u64(1), u64(0), str('w'), u32(99), Buffer.alloc(64));
    expect(await problem(file)).toBe('damaged GGUF header: tensor "w" has 99 dimensions');
  });
});
