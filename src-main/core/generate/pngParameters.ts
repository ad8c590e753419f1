/**
 * The A1111-style `parameters` text every generated PNG carries, so re-ingest (our own
 * parseA1111) and other tools (A1111's PNG Info, Civitai, ComfyUI's loader) read back exactly
 * how it was made. Written into the PNG without re-encoding the pixels.
 */

export interface A1111Fields {
  prompt: string;
  negative: string;
  steps: number;
  sampler?: string | null;
  scheduler?: string | null;
  cfg: number;
  seed: number | string;
  width: number;
  height: number;
  model?: string | null;
  modelHash?: string | null;
  denoise?: number | null;
  clipSkip?: number | null;
  /** name → AutoV2 hash of each LoRA that has one. */
  loraHashes?: Record<string, string>;
  version?: string;
}

/** A value with `,` `:` or a newline is JSON-quoted, as A1111 does, so the pair pattern reads it back. */
function quote(v: string): string {
  return /[,:\n"]/.test(v) ? JSON.stringify(v) : v;
}

export function formatA1111(f: A1111Fields): string {
  const pairs: [string, string | number | null | undefined][] = [
    ['Steps', f.steps],
    ['Sampler', f.sampler],
    ['Schedule type', f.scheduler],
    ['CFG scale', f.cfg],
    ['Seed', f.seed],
    ['Size', `${f.width}x${f.height}`],
    ['Model hash', f.modelHash],
    ['Model', f.model],
    ['Denoising strength', f.denoise],
    ['Clip skip', f.clipSkip],
    [
      'Lora hashes',
      f.loraHashes && Object.keys(f.loraHashes).length
        ? Object.entries(f.loraHashes)
            .map(([n, h]) => `${n}: ${h}`)
            .join(', ')
        : null,
    ],
    ['Version', f.version],
  ];
  const line = pairs
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${quote(String(v))}`)
    .join(', ');
  return [f.prompt, f.negative ? `Negative prompt: ${f.negative}` : null, line]
    .filter((s): s is string => s !== null)
    .join('\n');
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** iTXt (UTF-8, uncompressed): prompts are often not Latin-1. */
function itxt(key: string, text: string): Buffer {
  return chunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(key, 'latin1'),
      Buffer.from([0, 0, 0, 0, 0]),
      Buffer.from(text, 'utf8'),
    ]),
  );
}

function textKey(type: string, data: Buffer): string | null {
  if (type !== 'tEXt' && type !== 'iTXt' && type !== 'zTXt') return null;
  const nul = data.indexOf(0);
  return nul > 0 ? data.toString('latin1', 0, nul) : null;
}

/**
 * The PNG with these text entries set (replacing chunks of the same keys, keeping every other
 * chunk as it was), placed right after IHDR where quick readers look. Not a PNG: returned as is.
 */
export function setPngText(png: Buffer, entries: Record<string, string>): Buffer {
  if (png.length < 33 || png.readUInt32BE(0) !== 0x89504e47) return png;
  const keys = new Set(Object.keys(entries));
  const parts: Buffer[] = [png.subarray(0, 8)];
  let pos = 8;
  let inserted = false;
  while (pos + 12 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + len;
    if (end > png.length) break;
    const key = textKey(type, png.subarray(pos + 8, pos + 8 + len));
    if (!(key && keys.has(key))) parts.push(png.subarray(pos, end));
    if (type === 'IHDR' && !inserted) {
      for (const [k, v] of Object.entries(entries)) parts.push(itxt(k, v));
      inserted = true;
    }
    pos = end;
    if (type === 'IEND') break;
  }
  return inserted ? Buffer.concat(parts) : png;
}
