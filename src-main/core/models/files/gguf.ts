import { open, type FileHandle } from 'node:fs/promises';
import { formatBytes } from '../../../contract/format';
import { describeStart, ModelFileError, readAt } from './safetensors';

/** What stands in for an array too long to keep (tokenizer vocabularies run to 200k strings). */
export interface GgufArraySummary {
  type: 'array';
  length: number;
}

export interface GgufHeader {
  version: number;
  tensorCount: number;
  /**
   * Key → value. Integers are numbers (64-bit ones beyond 2^53 as decimal strings), booleans,
   * strings cut at 64 KB; arrays of up to 64 items are kept, longer ones are summarised.
   */
  kv: Record<string, unknown>;
  /** In file order, at most 20,000 (tensorCount says how many there are). */
  tensorNames: string[];
}

const MAX_TENSOR_NAMES = 20_000;
const MAX_ARRAY_ITEMS = 64;
const MAX_STRING_BYTES = 64 * 1024;
// Far above any real model (a 400B LLM has ~1,100 tensors and ~50 keys; vocabularies ~256k
// entries): past these a count is garbage, and trusting it would walk a 20 GB file.
const MAX_TENSORS = 1_000_000;
const MAX_KV = 100_000;
const MAX_ARRAY_LENGTH = 50_000_000;
const MAX_HEADER_BYTES = 1024 ** 3;
const CHUNK = 1024 * 1024;

/** GGUF value types. */
const T = {
  U8: 0,
  I8: 1,
  U16: 2,
  I16: 3,
  U32: 4,
  I32: 5,
  F32: 6,
  Bool: 7,
  String: 8,
  Array: 9,
  U64: 10,
  I64: 11,
  F64: 12,
} as const;

const FIXED_SIZE: Partial<Record<number, number>> = {
  [T.U8]: 1,
  [T.I8]: 1,
  [T.U16]: 2,
  [T.I16]: 2,
  [T.U32]: 4,
  [T.I32]: 4,
  [T.F32]: 4,
  [T.Bool]: 1,
  [T.U64]: 8,
  [T.I64]: 8,
  [T.F64]: 8,
};

/**
 * ggml tensor type → [elements per block, bytes per block], for the types whose layout is
 * settled; with it a truncated download is caught from the header alone. Other types (the IQ
 * family) only have their start offset checked.
 */
const GGML_BLOCKS: Partial<Record<number, [number, number]>> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};

/**
 * Reads a GGUF file's header (metadata and tensor list) through a 1 MB window, never the
 * weights. Long arrays are stepped over without being built.
 */
export async function readGgufHeader(file: string): Promise<GgufHeader> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new ModelFileError('empty file (0 bytes): not a model');
    const start = await readAt(fh, 0, Math.min(size, 512));
    checkMagic(start);
    if (size < 24) throw truncated(size);
    const version = checkVersion(start.readUInt32LE(4));
    const r = new Reader(fh, size);
    r.pos = 8;
    const tensorCount = await r.count('tensor count', MAX_TENSORS, 24);
    const kvCount = await r.count('metadata count', MAX_KV, 13);

    const kv: Record<string, unknown> = {};
    for (let i = 0; i < kvCount; i++) {
      const key = await r.string();
      const type = await r.u32();
      kv[key] = await r.value(type, key);
      if (r.pos > MAX_HEADER_BYTES) throw damaged('the metadata runs past 1 GB');
    }

    const tensorNames: string[] = [];
    let dataEnd = 0;
    for (let i = 0; i < tensorCount; i++) {
      const name = await r.string();
      const nDims = await r.u32();
      if (nDims > 8) throw damaged(`tensor "${name.slice(0, 120)}" has ${nDims} dimensions`);
      let elements = 1;
      for (let d = 0; d < nDims; d++) elements *= await r.u64();
      const type = await r.u32();
      const offset = await r.u64();
      const block = GGML_BLOCKS[type];
      const bytes = block ? Math.ceil(elements / block[0]) * block[1] : 0;
      dataEnd = Math.max(dataEnd, offset + bytes);
      if (tensorNames.length < MAX_TENSOR_NAMES) tensorNames.push(name);
    }

    const alignment = validAlignment(kv['general.alignment']);
    const dataStart = Math.ceil(r.pos / alignment) * alignment;
    if (tensorCount > 0 && dataStart + dataEnd > size) {
      throw new ModelFileError(
        `truncated: tensors end at ${grouped(dataStart + dataEnd)} bytes but the file has ${grouped(size)} (an interrupted download? download it again)`,
      );
    }
    return { version, tensorCount, kv, tensorNames };
  } finally {
    await fh.close();
  }
}

function checkMagic(start: Buffer): void {
  const magic = start.subarray(0, 4).toString('latin1');
  if (magic === 'GGUF') return;
  // The formats before GGUF wrote their magic as a little-endian u32, so it reads backwards.
  if (['lmgg', 'fmgg', 'tjgg', 'algg', 'ggml', 'ggmf', 'ggjt'].includes(magic)) {
    throw new ModelFileError(
      'an old GGML model, from before GGUF: convert it again with a current llama.cpp or stable-diffusion.cpp',
    );
  }
  const looks = describeStart(start);
  throw new ModelFileError(
    looks
      ? `not a GGUF file: it starts like ${looks}`
      : 'not a GGUF file: it does not start with "GGUF"',
  );
}

function checkVersion(v: number): number {
  if (v === 2 || v === 3) return v;
  if (v === 1) {
    throw new ModelFileError(
      'GGUF version 1 is too old to read: convert the model again with a current tool',
    );
  }
  // A big-endian file (made for s390x) has its version bytes the other way round.
  if (v === 0x02000000 || v === 0x03000000) {
    throw new ModelFileError('a big-endian GGUF file: only little-endian GGUF can be read here');
  }
  throw new ModelFileError(
    `unsupported GGUF version ${v}: versions 2 and 3 can be read (a newer tool made it, or it is damaged)`,
  );
}

function validAlignment(v: unknown): number {
  return typeof v === 'number' && v > 0 && Number.isInteger(v) && (v & (v - 1)) === 0 ? v : 32;
}

function truncated(size: number): ModelFileError {
  return new ModelFileError(
    `truncated: the GGUF header runs past the end of the file (${formatBytes(size)}): an interrupted download? download it again`,
  );
}

function damaged(why: string): ModelFileError {
  return new ModelFileError(`damaged GGUF header: ${why}`);
}

function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Sequential little-endian reads through a window onto the file. Every read checks it stays
 * inside the file, so a corrupt length becomes "truncated", never a huge allocation.
 */
class Reader {
  pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
  ) {}

  private has(n: number): boolean {
    return this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length;
  }

  private async fill(n: number): Promise<void> {
    if (this.pos + n > this.size) throw truncated(this.size);
    this.buf = await readAt(this.fh, this.pos, Math.min(Math.max(n, CHUNK), this.size - this.pos));
    this.bufStart = this.pos;
    if (this.buf.length < n) throw truncated(this.size); // the file shrank while being read
  }

  /** n bytes at pos, advancing past them; the view is valid until the next read. */
  private async take(n: number): Promise<Buffer> {
    if (!this.has(n)) await this.fill(n);
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  skip(n: number): void {
    if (this.pos + n > this.size) throw truncated(this.size);
    this.pos += n;
  }

  async u32(): Promise<number> {
    return (await this.take(4)).readUInt32LE(0);
  }

  /** As a number: every u64 we act on is a size or a count, far below 2^53. */
  async u64(): Promise<number> {
    const b = await this.take(8);
    return b.readUInt32LE(0) + b.readUInt32LE(4) * 2 ** 32;
  }

  /** A count that must be plausible: at most `max`, and fitting in the file at `minBytes` each. */
  async count(what: string, max: number, minBytes: number): Promise<number> {
    const n = await this.u64();
    if (n > max) throw damaged(`its ${what} (${grouped(n)}) is impossible`);
    if (n * minBytes > this.size - this.pos) throw truncated(this.size);
    return n;
  }

  /** A GGUF string, kept up to `cap` bytes; the rest is stepped over. */
  async string(cap = MAX_STRING_BYTES): Promise<string> {
    const len = await this.u64();
    if (len > this.size - this.pos) throw truncated(this.size);
    const kept = Math.min(len, cap);
    const text = (await this.take(kept)).toString('utf8');
    this.skip(len - kept);
    return text;
  }

  async value(type: number, key: string): Promise<unknown> {
    switch (type) {
      case T.U8:
        return (await this.take(1)).readUInt8(0);
      case T.I8:
        return (await this.take(1)).readInt8(0);
      case T.U16:
        return (await this.take(2)).readUInt16LE(0);
      case T.I16:
        return (await this.take(2)).readInt16LE(0);
      case T.U32:
        return (await this.take(4)).readUInt32LE(0);
      case T.I32:
        return (await this.take(4)).readInt32LE(0);
      case T.F32:
        return (await this.take(4)).readFloatLE(0);
      case T.Bool:
        return (await this.take(1)).readUInt8(0) !== 0;
      case T.String:
        return this.string();
      case T.U64:
        return safeInteger((await this.take(8)).readBigUInt64LE(0));
      case T.I64:
        return safeInteger((await this.take(8)).readBigInt64LE(0));
      case T.F64:
        return (await this.take(8)).readDoubleLE(0);
      case T.Array: {
        const itemType = await this.u32();
        const length = await this.arrayLength(itemType, key);
        if (length > MAX_ARRAY_ITEMS) {
          await this.skipItems(itemType, length, key);
          return { type: 'array', length } satisfies GgufArraySummary;
        }
        const items: unknown[] = [];
        for (let i = 0; i < length; i++) items.push(await this.value(itemType, key));
        return items;
      }
      default:
        throw damaged(`"${key.slice(0, 120)}" has unknown value type ${type}`);
    }
  }

  private async arrayLength(itemType: number, key: string): Promise<number> {
    const n = await this.u64();
    const minBytes = FIXED_SIZE[itemType] ?? (itemType === T.String ? 8 : 12);
    if (n > MAX_ARRAY_LENGTH) throw damaged(`"${key.slice(0, 120)}" claims ${grouped(n)} items`);
    if (n * minBytes > this.size - this.pos) throw truncated(this.size);
    return n;
  }

  /** Steps over `count` items: fixed-size ones in one jump, strings by their lengths only. */
  private async skipItems(itemType: number, count: number, key: string): Promise<void> {
    const fixed = FIXED_SIZE[itemType];
    if (fixed !== undefined) return this.skip(fixed * count);
    if (itemType === T.String) {
      for (let i = 0; i < count; i++) {
        // The common case (a vocabulary of short strings) stays inside the window: no await.
        if (!this.has(8)) await this.fill(8);
        const at = this.pos - this.bufStart;
        const len = this.buf.readUInt32LE(at) + this.buf.readUInt32LE(at + 4) * 2 ** 32;
        this.pos += 8;
        this.skip(len);
      }
      return;
    }
    if (itemType === T.Array) {
      for (let i = 0; i < count; i++) {
        const inner = await this.u32();
        await this.skipItems(inner, await this.arrayLength(inner, key), key);
      }
      return;
    }
    throw damaged(`"${key.slice(0, 120)}" has unknown value type ${itemType}`);
  }
}

function safeInteger(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}
