import { open, type FileHandle } from 'node:fs/promises';
import { formatBytes } from '../../../contract/format';

/**
 * Why a file in a model folder is not a usable model, in words a creator can act on. The scan
 * records the message as the file's problem instead of failing.
 */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

export interface SafetensorsTensor {
  dtype: string;
  shape: number[];
  /** Byte range of the tensor's data, counted from the end of the header. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** N: the JSON header's length; tensor data starts at 8 + N. */
  headerBytes: number;
  /** In the header's order. */
  tensors: Map<string, SafetensorsTensor>;
  /** `__metadata__`; empty when absent. */
  metadata: Record<string, string>;
}

/** The format's own limit: 100 MB, decimal, as the reference implementation counts it. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/**
 * Reads a .safetensors header: 8 bytes of little-endian length, then that many bytes of JSON.
 * Only those bytes are read, so a 20 GB checkpoint costs the same as a 20 MB LoRA.
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new ModelFileError('empty file (0 bytes): not a model');
    const start = await readAt(fh, 0, Math.min(size, 512));
    if (size < 8) {
      throw new ModelFileError(
        `only ${size} bytes long: too short to be a safetensors file${startsLike(start)}`,
      );
    }
    const declared = start.readBigUInt64LE(0);
    const n = Number(declared);
    if (declared === 0n) {
      throw new ModelFileError(
        `declares an empty header: not a safetensors file${startsLike(start)}`,
      );
    }
    // A file that is something else (an image, a web page) declares an absurd length: name what
    // it looks like, which says more than the number.
    const looks = describeStart(start);
    if (declared > BigInt(MAX_SAFETENSORS_HEADER) || 8 + n > size) {
      if (looks) throw new ModelFileError(`not a safetensors file: it starts like ${looks}`);
      if (declared > BigInt(MAX_SAFETENSORS_HEADER) && 8 + n <= size) {
        throw new ModelFileError(
          `declares a ${formatBytes(n)} header, over the format's limit of 100 MB: not a safetensors file`,
        );
      }
      throw new ModelFileError(
        `declares a ${formatBytes(n)} header but the file is ${formatBytes(size)}: not a safetensors file or truncated`,
      );
    }
    const json = await readAt(fh, 8, n);
    const header = parseHeader(json, looks);
    const end = maxDataEnd(header.tensors);
    if (8 + n + end > size) {
      throw new ModelFileError(
        `truncated: tensors end at ${grouped(8 + n + end)} bytes but the file has ${grouped(size)} (an interrupted download? download it again)`,
      );
    }
    return { headerBytes: n, ...header };
  } finally {
    await fh.close();
  }
}

function parseHeader(
  json: Buffer,
  looks: string | null,
): Pick<SafetensorsHeader, 'tensors' | 'metadata'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (err) {
    if (looks) throw new ModelFileError(`not a safetensors file: it starts like ${looks}`);
    const why = err instanceof SyntaxError ? err.message : 'it is not UTF-8 text';
    throw new ModelFileError(`damaged safetensors header: not valid JSON (${why})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelFileError('damaged safetensors header: it is not a JSON object');
  }
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(parsed)) {
    if (name === '__metadata__') metadata = readMetadata(entry);
    else tensors.set(name, readTensor(name, entry));
  }
  return { tensors, metadata };
}

/**
 * The format says string → string. Engines that parse the header themselves (sd.cpp) skip the
 * metadata, so a writer's odd values do not stop the model from loading: keep them as text
 * rather than refuse the file.
 */
function readMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

function readTensor(name: string, entry: unknown): SafetensorsTensor {
  const bad = (why: string) =>
    new ModelFileError(`damaged safetensors header: tensor "${clip(name)}" ${why}`);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw bad('is not described by an object');
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || dtype === '') throw bad('has no dtype');
  if (!Array.isArray(shape) || !shape.every(isCount)) throw bad('has an invalid shape');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw bad('has invalid data_offsets');
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw bad('ends before it begins');
  return { dtype, shape, dataOffsets: [begin, end] };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function maxDataEnd(tensors: Map<string, SafetensorsTensor>): number {
  let end = 0;
  for (const t of tensors.values()) end = Math.max(end, t.dataOffsets[1]);
  return end;
}

/** Reads exactly `length` bytes at `position` (a single read may return fewer). */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * What a file's first bytes look like when it is a common non-model file, for the message: a
 * download that saved a login page, an image renamed by mistake. null when nothing is recognised.
 */
export function describeStart(start: Buffer): string | null {
  const ascii = start.subarray(0, 64).toString('latin1');
  if (start[0] === 0xff && start[1] === 0xd8 && start[2] === 0xff) return 'a JPEG image';
  if (ascii.startsWith('\x89PNG')) return 'a PNG image';
  if (ascii.startsWith('GIF8')) return 'a GIF image';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'a WebP image';
  if (ascii.startsWith('PK\x03\x04')) return 'a zip archive';
  if (ascii.startsWith('%PDF')) return 'a PDF document';
  if (ascii.startsWith('\x1f\x8b')) return 'a gzip archive';
  if (ascii.startsWith("7z\xbc\xaf'\x1c")) return 'a 7-Zip archive';
  if (ascii.startsWith('Rar!')) return 'a RAR archive';
  if (ascii.startsWith('GGUF')) return 'a GGUF model';
  if (!isText(start)) return null;
  const text = start
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<head')) {
    return 'a web page (HTML): the download probably saved a sign-in or error page';
  }
  if (text.startsWith('{') || text.startsWith('['))
    return 'JSON text (an error reply from a site?)';
  if (text.startsWith('version https://git-lfs')) {
    return 'a Git LFS pointer: the repository was cloned without its large files';
  }
  return 'a text file';
}

/** " (it starts like a JPEG image)" when recognised: for messages that already name a cause. */
function startsLike(start: Buffer): string {
  const looks = describeStart(start);
  return looks ? ` (it starts like ${looks})` : '';
}

/** Printable UTF-8 with no NULs: a binary model header never is. */
function isText(start: Buffer): boolean {
  if (start.length === 0) return false;
  let decoded: string;
  try {
    // A multi-byte character cut at the end of the sample is not a reason to say "binary".
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(start));
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0e-\x1f\x7f]/.test(decoded);
}

function trimPartialUtf8(buf: Buffer): Buffer {
  let end = buf.length;
  // Back up over continuation bytes to the lead byte; drop the sequence if it is incomplete.
  let i = end - 1;
  while (i >= 0 && i > end - 4 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i >= 0) {
    const lead = buf[i]!;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (end - i < need) end = i;
  }
  return buf.subarray(0, end);
}

function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}
