import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { setPngText } from '../../../src-main/core/generate/pngParameters';
import {
  applyPlan,
  exifOrientation,
  minimalExif,
  planStripFile,
  stripBuffer,
} from '../../../src-main/core/packs/stripMetadata';

const PROMPT = 'masterpiece, a secret prompt, <lora:craft:0.8>';

function noise(w: number, h: number, channels: 3 | 4 = 3): Buffer {
  const raw = Buffer.alloc(w * h * channels);
  let x = 12345;
  for (let i = 0; i < raw.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    raw[i] = (x >>> 16) & 0xff;
  }
  return raw;
}

const exif = {
  IFD0: { ImageDescription: PROMPT, Software: 'ComfyUI', Artist: 'seed 123456' },
};
const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>${PROMPT}</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>`;

/** Every PNG chunk type in order. */
function pngChunks(buf: Buffer): string[] {
  const out: string[] = [];
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    out.push(buf.toString('latin1', pos + 4, pos + 8));
    pos += 12 + len;
  }
  return out;
}

/** Every JPEG marker before the first scan, with APPn identifiers. */
function jpegSegments(buf: Buffer): string[] {
  const out: string[] = [];
  let pos = 2;
  while (pos < buf.length) {
    const marker = buf[pos + 1]!;
    if (marker === 0xda) break;
    const len = buf.readUInt16BE(pos + 2);
    const id = buf.toString('latin1', pos + 4, pos + 4 + Math.min(len - 2, 12)).split('\0')[0];
    out.push(`${marker.toString(16)}:${id}`);
    pos += 2 + len;
  }
  return out;
}

function webpChunks(buf: Buffer): { fourcc: string; flags?: number }[] {
  const out: { fourcc: string; flags?: number }[] = [];
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const fourcc = buf.toString('latin1', pos, pos + 4);
    const len = buf.readUInt32LE(pos + 4);
    out.push(fourcc === 'VP8X' ? { fourcc, flags: buf[pos + 8] } : { fourcc });
    pos += 8 + len + (len & 1);
  }
  return out;
}

async function pixels(buf: Buffer): Promise<Buffer> {
  return sharp(buf).raw().toBuffer();
}

function tmpFile(name: string, data: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-strip-'));
  const f = path.join(dir, name);
  writeFileSync(f, data);
  return f;
}

describe('stripping generation metadata without re-encoding', () => {
  it('PNG: text chunks, eXIf and XMP go; pixels, ICC and the rest stay; it still decodes', async () => {
    const base = await sharp(noise(64, 48, 4), { raw: { width: 64, height: 48, channels: 4 } })
      .withIccProfile('p3')
      .withExif(exif)
      .withXmp(xmp)
      .png()
      .toBuffer();
    const png = setPngText(base, {
      parameters: `${PROMPT}\nNegative prompt: ugly\nSteps: 20, Seed: 123456, Model: sdxl`,
      workflow: '{"nodes":[]}',
    });
    expect(pngChunks(png)).toEqual(expect.arrayContaining(['iTXt', 'eXIf', 'iCCP']));
    const before = await sharp(png).metadata();
    expect(before.exif).toBeTruthy();
    expect(before.comments?.length).toBeGreaterThan(0);

    const { data, plan } = await stripBuffer(png);
    expect(plan?.format).toBe('png');
    expect(plan?.removed).toEqual(
      expect.arrayContaining(['iTXt:parameters', 'iTXt:workflow', 'eXIf']),
    );
    expect(plan?.size).toBe(data.length);
    const chunks = pngChunks(data);
    for (const t of ['tEXt', 'iTXt', 'zTXt', 'eXIf']) expect(chunks).not.toContain(t);
    expect(chunks).toContain('iCCP');
    expect(chunks[0]).toBe('IHDR');
    expect(chunks[chunks.length - 1]).toBe('IEND');
    expect(data.includes(Buffer.from('secret prompt'))).toBe(false);
    const after = await sharp(data).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.comments ?? []).toEqual([]);
    expect(after.icc).toBeTruthy();
    expect(after.width).toBe(64);
    expect((await pixels(data)).equals(await pixels(png))).toBe(true);
    // Nothing left to strip: planning the result finds nothing.
    expect((await stripBuffer(data)).plan).toBeNull();
  });

  it('JPEG: Exif, XMP and comments go; ICC stays; pixels identical', async () => {
    const jpg = await sharp(noise(80, 60), { raw: { width: 80, height: 60, channels: 3 } })
      .withIccProfile('p3')
      .withExif(exif)
      .withXmp(xmp)
      .jpeg({ quality: 90 })
      .toBuffer();
    expect(jpegSegments(jpg)).toEqual(
      expect.arrayContaining(['e1:Exif', 'e1:http://ns.ad', 'e2:ICC_PROFILE']),
    );
    const { data, plan } = await stripBuffer(jpg);
    expect(plan?.removed).toEqual(expect.arrayContaining(['APP1:Exif', 'APP1:XMP']));
    const segs = jpegSegments(data);
    expect(segs.filter((s) => s.startsWith('e1:'))).toEqual([]);
    expect(segs).toContain('e2:ICC_PROFILE');
    expect(data.includes(Buffer.from('secret prompt'))).toBe(false);
    const after = await sharp(data).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeTruthy();
    expect((await pixels(data)).equals(await pixels(jpg))).toBe(true);
  });

  it('JPEG: a sideways photo keeps a minimal EXIF with only its orientation', async () => {
    const jpg = await sharp(noise(40, 20), { raw: { width: 40, height: 20, channels: 3 } })
      .withExif(exif)
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect((await sharp(jpg).metadata()).orientation).toBe(6);
    const { data, plan } = await stripBuffer(jpg);
    expect(plan?.orientation).toBe(6);
    expect(data.includes(Buffer.from('secret prompt'))).toBe(false);
    expect(data.includes(Buffer.from('ComfyUI'))).toBe(false);
    const after = await sharp(data).metadata();
    expect(after.orientation).toBe(6);
    // Shown upright the same way as the original: 20×40 after the rotation.
    const upright = await sharp(data).rotate().toBuffer({ resolveWithObject: true });
    expect([upright.info.width, upright.info.height]).toEqual([20, 40]);
    expect((await pixels(data)).equals(await pixels(jpg))).toBe(true);
  });

  it('WebP: EXIF and XMP chunks go, VP8X flags and RIFF size follow; alpha and ICC stay', async () => {
    const webp = await sharp(noise(50, 30, 4), { raw: { width: 50, height: 30, channels: 4 } })
      .withIccProfile('p3')
      .withExif(exif)
      .withXmp(xmp)
      .webp({ lossless: true })
      .toBuffer();
    const chunks = webpChunks(webp);
    expect(chunks.map((c) => c.fourcc)).toEqual(expect.arrayContaining(['VP8X', 'EXIF', 'XMP ']));
    expect(chunks[0]!.flags! & 0x0c).toBe(0x0c);
    const { data, plan } = await stripBuffer(webp);
    expect(plan?.removed).toEqual(expect.arrayContaining(['EXIF', 'XMP']));
    expect(data.readUInt32LE(4)).toBe(data.length - 8);
    const after = webpChunks(data);
    expect(after.map((c) => c.fourcc)).not.toContain('EXIF');
    expect(after.map((c) => c.fourcc)).not.toContain('XMP ');
    expect(after[0]!.fourcc).toBe('VP8X');
    expect(after[0]!.flags! & 0x0c).toBe(0); // EXIF and XMP flags cleared
    expect(after[0]!.flags! & 0x30).toBe(chunks[0]!.flags! & 0x30); // ICC and alpha kept
    expect(data.includes(Buffer.from('secret prompt'))).toBe(false);
    const meta = await sharp(data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeTruthy();
    expect(meta.hasAlpha).toBe(true);
    expect((await pixels(data)).equals(await pixels(webp))).toBe(true);
  });

  it('a file is planned from its headers and streamed as ranges; clean files and other formats are left alone', async () => {
    const png = setPngText(
      await sharp(noise(300, 300), { raw: { width: 300, height: 300, channels: 3 } })
        .png({ compressionLevel: 0 })
        .toBuffer(),
      { parameters: PROMPT },
    );
    const file = tmpFile('big.png', png);
    const plan = (await planStripFile(file))!;
    // The image data is copied as ranges of the file, not held in new buffers.
    const newBytes = plan.pieces.reduce((s, p) => s + (Buffer.isBuffer(p) ? p.length : 0), 0);
    expect(newBytes).toBe(0);
    const out = await applyPlan(file, plan);
    expect(out.length).toBe(plan.size);
    expect(out.length).toBeLessThan(png.length);
    expect((await pixels(out)).equals(await pixels(png))).toBe(true);

    const clean = await sharp(noise(10, 10), { raw: { width: 10, height: 10, channels: 3 } })
      .png()
      .toBuffer();
    expect((await stripBuffer(clean)).plan).toBeNull();
    expect((await stripBuffer(Buffer.from('GIF89a not stripped'))).plan).toBeNull();
    // A truncated file is exported as it is (the checks report it), not half-stripped.
    expect((await stripBuffer(png.subarray(0, 200))).plan).toBeNull();
  });

  it('the minimal EXIF reads back as just an orientation', () => {
    for (const o of [1, 3, 6, 8]) expect(exifOrientation(minimalExif(o))).toBe(o);
    expect(exifOrientation(Buffer.from('nonsense'))).toBeNull();
  });
});
