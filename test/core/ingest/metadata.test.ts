import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseA1111,
  parseComfy,
  parseGeneration,
} from '../../../src-main/core/ingest/metadata/dialects';
import { decodeUserComment, readExifText } from '../../../src-main/core/ingest/metadata/exif';
import { readPngText } from '../../../src-main/core/ingest/metadata/pngText';
import { toIngestError } from '../../../src-main/core/util/ingestError';
import { openTestCore, type TestCore } from '../../helpers/core';
import { pngBuffer, pngChunk, textChunk, withChunks, writeJpeg, writePng } from './fixtures';

const a1111 = [
  'a cozy cabin in the woods, <lora:filmGrain:0.6>, golden hour',
  'Negative prompt: blurry, lowres',
  'Steps: 28, Sampler: DPM++ 2M Karras, Schedule type: Karras, CFG scale: 6.5, Seed: 1234567890, Size: 832x1216, Model hash: 31e35c80fc, Model: sdxl_base, Lora hashes: "filmGrain: abc123, other: def456", Version: v1.9.4',
].join('\n');

const comfyPrompt = JSON.stringify({
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 42,
      steps: 20,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['6', 0],
      negative: ['7', 0],
      model: ['10', 0],
    },
  },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'dreamshaper_8.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 768, batch_size: 1 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox, watercolor', clip: ['10', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'photo, text', clip: ['10', 1] } },
  '10': {
    class_type: 'LoraLoader',
    inputs: { lora_name: 'watercolor_v2.safetensors', strength_model: 0.8, model: ['4', 0] },
  },
});

describe('generation metadata dialects', () => {
  it('parses AUTOMATIC1111 parameters with quoted values and LoRAs', () => {
    const g = parseA1111(a1111)!;
    expect(g).toMatchObject({
      tool: 'AUTOMATIC1111',
      prompt: 'a cozy cabin in the woods, <lora:filmGrain:0.6>, golden hour',
      negativePrompt: 'blurry, lowres',
      steps: 28,
      sampler: 'DPM++ 2M Karras',
      cfg: 6.5,
      seed: '1234567890',
      width: 832,
      height: 1216,
      model: 'sdxl_base',
      modelHash: '31e35c80fc',
    });
    expect(g.loras).toEqual([
      { name: 'filmGrain', weight: 0.6 },
      { name: 'other', weight: null },
    ]);
    expect(g.extra['Schedule type']).toBe('Karras');
    expect(parseA1111(a1111.replace('Version: v1.9.4', 'Version: f2.0.1v1.10.1'))!.tool).toBe(
      'Forge',
    );
    expect(
      parseA1111(a1111.replace('Version: v1.9.4', 'Version: stable-diffusion.cpp'))!.tool,
    ).toBe('sd.cpp');
  });

  it('parses a ComfyUI API graph through its links', () => {
    const g = parseComfy(comfyPrompt, undefined)!;
    expect(g).toMatchObject({
      tool: 'ComfyUI',
      prompt: 'a red fox, watercolor',
      negativePrompt: 'photo, text',
      seed: '42',
      steps: 20,
      cfg: 7,
      sampler: 'euler',
      width: 512,
      height: 768,
      model: 'dreamshaper_8.safetensors',
    });
    expect(g.loras).toEqual([{ name: 'watercolor_v2', weight: 0.8 }]);
  });

  it('parses InvokeAI, NovelAI and Midjourney', () => {
    const invoke = parseGeneration({
      invokeai_metadata: JSON.stringify({
        positive_prompt: 'castle',
        negative_prompt: 'fog',
        seed: 7,
        steps: 30,
        cfg_scale: 5,
        scheduler: 'dpmpp_2m',
        width: 1024,
        height: 1024,
        model: { name: 'juggernaut', hash: 'blake3:ff' },
        loras: [{ model: { name: 'detail' }, weight: 0.5 }],
      }),
    })!;
    expect(invoke).toMatchObject({
      tool: 'InvokeAI',
      prompt: 'castle',
      negativePrompt: 'fog',
      seed: '7',
      steps: 30,
      cfg: 5,
      sampler: 'dpmpp_2m',
      model: 'juggernaut',
      modelHash: 'blake3:ff',
      loras: [{ name: 'detail', weight: 0.5 }],
    });
    expect(
      parseGeneration({ Dream: '"a cat" -s 50 -S 99 -W 512 -H 512 -C 7.5 -A k_lms' }),
    ).toMatchObject({
      tool: 'InvokeAI',
      prompt: 'a cat',
      steps: 50,
      seed: '99',
      cfg: 7.5,
      sampler: 'k_lms',
    });
    const nai = parseGeneration({
      Software: 'NovelAI',
      Description: '1girl, garden',
      Comment: JSON.stringify({
        uc: 'lowres',
        steps: 28,
        scale: 5,
        seed: 3,
        sampler: 'k_euler_ancestral',
      }),
      Source: 'NovelAI Diffusion V3',
    })!;
    expect(nai).toMatchObject({
      tool: 'NovelAI',
      prompt: '1girl, garden',
      negativePrompt: 'lowres',
      steps: 28,
      cfg: 5,
      seed: '3',
      sampler: 'k_euler_ancestral',
      model: 'NovelAI Diffusion V3',
    });
    const mj = parseGeneration({
      Description:
        'neon koi pond --ar 3:2 --v 6 --stylize 250 Job ID: 0a1b2c3d-1111-2222-3333-444455556666',
      Author: 'maker',
    })!;
    expect(mj).toMatchObject({
      tool: 'Midjourney',
      prompt: 'neon koi pond',
      model: 'Midjourney v6',
    });
    expect(mj.extra).toMatchObject({
      ar: '3:2',
      stylize: '250',
      jobId: '0a1b2c3d-1111-2222-3333-444455556666',
      author: 'maker',
    });
  });

  it('never throws on malformed or unknown metadata', async () => {
    expect(parseGeneration({ prompt: '{not json', workflow: '[' })).toBeNull();
    expect(parseGeneration({ invokeai_metadata: 'nope' })).toBeNull();
    expect(parseGeneration({ Software: 'NovelAI', Comment: '{{{' })).toBeNull();
    expect(parseGeneration({ Title: 'holiday' })).toBeNull();
    expect((await readPngText(Buffer.from('not a png'))).texts).toEqual({});
    const png = withChunks(
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        pngChunk('IHDR', Buffer.alloc(13)),
      ]),
      [pngChunk('zTXt', Buffer.from('k\0\0garbage'))],
    );
    expect(await readPngText(png)).toEqual({ texts: {}, truncated: null });
    expect(readExifText(Buffer.from('Exif\0\0MM\0*\0\0\0\x08\xff\xff', 'latin1'))).toEqual({});
  });

  it('reads tEXt, zTXt, iTXt and compressed iTXt chunks', async () => {
    const png = withChunks(await pngBuffer(4, 4), [
      textChunk({ key: 'a', text: 'plain latin1 é', kind: 'tEXt' }),
      textChunk({ key: 'b', text: 'compressed '.repeat(20), kind: 'zTXt' }),
      textChunk({ key: 'c', text: 'ユニコード prompt', kind: 'iTXt' }),
      textChunk({ key: 'd', text: '圧縮 '.repeat(30), kind: 'iTXt-z' }),
    ]);
    expect((await readPngText(png)).texts).toEqual({
      a: 'plain latin1 é',
      b: 'compressed '.repeat(20),
      c: 'ユニコード prompt',
      d: '圧縮 '.repeat(30),
    });
  });

  it('decodes EXIF UserComment in either UTF-16 byte order', () => {
    const be = Buffer.from('abc', 'utf16le');
    be.swap16();
    expect(decodeUserComment(Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), be]))).toBe('abc');
    expect(
      decodeUserComment(
        Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), Buffer.from('abc', 'utf16le')]),
      ),
    ).toBe('abc');
    expect(
      decodeUserComment(Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from('abc')])),
    ).toBe('abc');
  });

  it('maps permission errors to a reason the user can act on', () => {
    expect(toIngestError(Object.assign(new Error('x'), { code: 'EACCES' })).message).toMatch(
      /Permission denied/,
    );
  });
});

describe('metadata through the pipeline', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openTestCore();
  });
  afterAll(async () => {
    await t.close();
  });

  it('marks generated images ai_generated with the tool as source, for every PNG text dialect', async () => {
    const dir = path.join(t.root, 'gen');
    await writePng(path.join(dir, 'a1111-text.png'), {
      texts: [{ key: 'parameters', text: a1111, kind: 'tEXt' }],
    });
    await writePng(path.join(dir, 'a1111-itxt.png'), {
      texts: [{ key: 'parameters', text: a1111.replace('cozy', 'cosy ☕'), kind: 'iTXt' }],
    });
    await writePng(path.join(dir, 'comfy-itxt-z.png'), {
      texts: [
        { key: 'prompt', text: comfyPrompt, kind: 'iTXt-z' },
        { key: 'workflow', text: '{"nodes":[]}', kind: 'zTXt' },
      ],
    });
    await writePng(path.join(dir, 'plain.png'));
    await writePng(path.join(dir, 'broken-meta.png'), {
      texts: [{ key: 'prompt', text: '{"3": {broken', kind: 'tEXt' }],
    });
    // sharp writes EXIF strings as UserComment the way A1111 does for JPEG and WebP.
    await writeJpeg(path.join(dir, 'a1111.jpg'), { exif: { IFD2: { UserComment: a1111 } } });
    const webp = await sharp(await pngBuffer(32, 32))
      .webp()
      .withExif({ IFD2: { UserComment: a1111 } })
      .toBuffer();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'a1111.webp'), webp);

    const s = await t.call('ingest.importFiles', { paths: [dir] });
    expect(s.failed).toEqual([]);
    expect(s.added).toBe(7);
    const all = (await t.call('assets.list', {})).items;
    const get = async (name: string) =>
      t.call('assets.get', { id: all.find((a) => a.filename === name)!.id });

    for (const name of ['a1111-text.png', 'a1111.jpg', 'a1111.webp']) {
      const a = await get(name);
      expect(a, name).toMatchObject({
        provenance: 'ai_generated',
        source: 'AUTOMATIC1111',
        seed: '1234567890',
        model: 'sdxl_base',
        modelHash: '31e35c80fc',
        negativePrompt: 'blurry, lowres',
      });
      expect(a.prompt).toContain('cozy cabin');
      expect(a.generation!.steps).toBe(28);
    }
    expect((await get('a1111-itxt.png')).prompt).toContain('cosy ☕');
    const comfy = await get('comfy-itxt-z.png');
    expect(comfy).toMatchObject({
      provenance: 'ai_generated',
      source: 'ComfyUI',
      prompt: 'a red fox, watercolor',
      seed: '42',
    });
    expect(comfy.rawMetadata!.workflow).toBe('{"nodes":[]}');
    expect(await get('plain.png')).toMatchObject({
      provenance: 'unknown',
      source: null,
      prompt: null,
      generation: null,
    });
    const broken = await get('broken-meta.png');
    expect(broken).toMatchObject({ provenance: 'unknown', prompt: null });
    expect(broken.rawMetadata!.prompt).toBe('{"3": {broken');

    const withPrompt = await t.call('assets.list', { hasPrompt: true });
    expect(withPrompt.items).toHaveLength(5);
    const search = await t.call('assets.list', { search: 'fox' });
    expect(search.items.map((a) => a.filename)).toEqual(['comfy-itxt-z.png']);
  });
});

describe('perceptual hash', () => {
  it('is stable under resizing and recompression, and far for different images', async () => {
    const { pngBuffer: make } = await import('./fixtures');
    const { phashFromGrey, hammingDistance } = await import('../../../src-main/core/thumbs/phash');
    const { greyGrid } = await import('../../../src-main/core/thumbs/draw');
    const hashOf = async (buf: Buffer) => {
      const r = await sharp(buf)
        .resize(256, 256, { fit: 'inside' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      return phashFromGrey(greyGrid(r.data, r.info.width, r.info.height, r.info.channels));
    };
    // Scenes with structure at several scales, as photos and renders have.
    const grad = (flip: boolean) => {
      const shapes = Array.from({ length: 12 }, (_, i) => {
        const x = flip ? 400 - ((i * 67) % 400) : (i * 67) % 400;
        const y = (i * 41) % 300;
        return `<rect x="${x - 30}" y="${y - 20}" width="${40 + (i % 4) * 20}" height="${30 + (i % 3) * 25}" fill="rgb(${(i * 53) % 255},${(i * 97) % 255},${(i * 31) % 255})"/>`;
      }).join('');
      return sharp(
        Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#777"/>${shapes}</svg>`,
        ),
      )
        .png()
        .toBuffer();
    };
    const a = await grad(false);
    const aSmall = await sharp(a).resize(200).jpeg({ quality: 60 }).toBuffer();
    const b = await grad(true);
    expect(hammingDistance(await hashOf(a), await hashOf(aSmall))).toBeLessThanOrEqual(6);
    expect(hammingDistance(await hashOf(a), await hashOf(b))).toBeGreaterThan(16);
    expect(await hashOf(await make(64, 64))).toMatch(/^[0-9a-f]{16}$/);
  });
});
