// Writers for tiny but well-formed model files: real headers and real (zero) data bytes, so the
// readers see exactly what a trainer or converter would have written. Shared with registry tests.
import { writeFileSync } from 'node:fs';

export interface TensorSpec {
  dtype: string;
  shape: number[];
}

const DTYPE_BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** The bytes of a .safetensors file: the header JSON is space-padded to 8 bytes, as the format's writers do. */
export function safetensorsBytes(
  tensors: Record<string, TensorSpec>,
  metadata?: Record<string, string>,
): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[t.dtype] ?? 4);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(offset)]);
}

/** Writes a .safetensors file; returns its size in bytes. */
export function writeSafetensors(
  file: string,
  tensors: Record<string, TensorSpec>,
  metadata?: Record<string, string>,
): number {
  const bytes = safetensorsBytes(tensors, metadata);
  writeFileSync(file, bytes);
  return bytes.length;
}

/** The same tensors in every test: a name list with 1-element F16 shapes is enough to classify. */
export function tinyTensors(names: string[], dtype = 'F16'): Record<string, TensorSpec> {
  return Object.fromEntries(names.map((n) => [n, { dtype, shape: [1] }]));
}

// --- GGUF ---------------------------------------------------------------------------------------

export type GgufTypeName =
  | 'u8'
  | 'i8'
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  | 'f32'
  | 'bool'
  | 'string'
  | 'array'
  | 'u64'
  | 'i64'
  | 'f64';

const GGUF_TYPE: Record<GgufTypeName, number> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

/** A value with its GGUF type spelled out; arrays name their item type. */
export type GgufTyped =
  | { type: Exclude<GgufTypeName, 'array'>; value: number | bigint | boolean | string }
  | { type: 'array'; itemType: GgufTypeName; items: GgufValue[] };

/** Plain values are typed the obvious way: string, bool, u32 (i32 if negative), f32, u64 for bigint. */
export type GgufValue = string | number | boolean | bigint | GgufValue[] | GgufTyped;

export interface GgufTensorSpec {
  dims: number[];
  /** ggml type; F32 (0) unless given. */
  type?: number;
}

const GGML_BYTES: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  8: [32, 34],
  12: [256, 144],
  30: [1, 2],
};

const FIXED_WIDTH: Partial<Record<GgufTypeName, number>> = {
  u8: 1,
  i8: 1,
  bool: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  u64: 8,
  i64: 8,
  f64: 8,
};

class Out {
  parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  u64(n: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
}

function typeOf(v: GgufValue): GgufTypeName {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'u64';
  if (typeof v === 'number') return Number.isInteger(v) ? (v < 0 ? 'i32' : 'u32') : 'f32';
  if (Array.isArray(v)) return 'array';
  return v.type;
}

function writeValue(out: Out, type: GgufTypeName, v: GgufValue): void {
  const raw = typeof v === 'object' && !Array.isArray(v) && 'value' in v ? v.value : v;
  const b = Buffer.alloc(8);
  switch (type) {
    case 'u8':
    case 'bool':
      return out.push(Buffer.from([Number(raw)]));
    case 'i8':
      b.writeInt8(Number(raw));
      return out.push(b.subarray(0, 1));
    case 'u16':
      b.writeUInt16LE(Number(raw));
      return out.push(b.subarray(0, 2));
    case 'i16':
      b.writeInt16LE(Number(raw));
      return out.push(b.subarray(0, 2));
    case 'u32':
      b.writeUInt32LE(Number(raw));
      return out.push(b.subarray(0, 4));
    case 'i32':
      b.writeInt32LE(Number(raw));
      return out.push(b.subarray(0, 4));
    case 'f32':
      b.writeFloatLE(Number(raw));
      return out.push(b.subarray(0, 4));
    case 'u64':
      b.writeBigUInt64LE(BigInt(raw as number | bigint));
      return out.push(b);
    case 'i64':
      b.writeBigInt64LE(BigInt(raw as number | bigint));
      return out.push(b);
    case 'f64':
      b.writeDoubleLE(Number(raw));
      return out.push(b);
    case 'string':
      return out.str(String(raw));
    case 'array': {
      const typed = !Array.isArray(v) && typeof v === 'object' && v.type === 'array' ? v : null;
      const items = typed ? typed.items : (v as GgufValue[]);
      const itemType = typed ? typed.itemType : items[0] === undefined ? 'u32' : typeOf(items[0]);
      out.u32(GGUF_TYPE[itemType]);
      out.u64(items.length);
      const width = FIXED_WIDTH[itemType];
      if (width !== undefined) {
        // One buffer for a long numeric array (tests write millions of items).
        const all = Buffer.alloc(items.length * width);
        const item = new Out();
        items.forEach((x, i) => {
          if (x === 0) return; // already zero
          item.parts = [];
          writeValue(item, itemType, x);
          item.parts[0]!.copy(all, i * width);
        });
        return out.push(all);
      }
      for (const item of items) writeValue(out, itemType, item);
      return;
    }
  }
}

/** The bytes of a GGUF file: header, tensor infos, alignment padding, zero tensor data. */
export function ggufBytes(
  kv: Record<string, GgufValue>,
  tensors: Record<string, GgufTensorSpec> = {},
  opts: { version?: number; alignment?: number } = {},
): Buffer {
  const alignment = opts.alignment ?? 32;
  const out = new Out();
  out.push(Buffer.from('GGUF'));
  out.u32(opts.version ?? 3);
  out.u64(Object.keys(tensors).length);
  out.u64(Object.keys(kv).length);
  for (const [key, v] of Object.entries(kv)) {
    out.str(key);
    const type = typeOf(v);
    out.u32(GGUF_TYPE[type]);
    writeValue(out, type, v);
  }
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    out.str(name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    const type = t.type ?? 0;
    out.u32(type);
    out.u64(offset);
    const [block, bytes] = GGML_BYTES[type] ?? [1, 4];
    const size = Math.ceil(t.dims.reduce((a, b) => a * b, 1) / block) * bytes;
    offset += Math.ceil(size / alignment) * alignment;
  }
  out.push(Buffer.alloc((alignment - (out.length % alignment)) % alignment));
  out.push(Buffer.alloc(offset));
  return Buffer.concat(out.parts);
}

/** Writes a GGUF file; returns its size in bytes. */
export function writeGguf(
  file: string,
  kv: Record<string, GgufValue>,
  tensors: Record<string, GgufTensorSpec> = {},
  opts: { version?: number; alignment?: number } = {},
): number {
  const bytes = ggufBytes(kv, tensors, opts);
  writeFileSync(file, bytes);
  return bytes.length;
}
