import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../../src-main/core/training/datasets/prepareDataset';
import { tempDir } from '../../helpers/tempDir';
import { makePicture } from './fixtures';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe("kohya's layout, written with sharp", () => {
  it('resized copies at their bucket sizes, captions beside them, and dataset.toml', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const items = [];
    for (const [i, [w, h]] of [
      [1024, 1024],
      [1920, 1080],
      [600, 900],
    ].entries()) {
      const p = await makePicture(path.join(src, `p${i}.png`), w!, h!, i + 1);
      items.push({
        assetId: `a${i}`,
        path: p,
        filename: `p${i} it's.png`,
        caption: `tok, pic ${i}`,
      });
    }
    const before = readFileSync(items[0]!.path);
    const out = path.join(dir, 'out');
    const progress: number[] = [];
    const r = await prepareDataset(items, out, {
      triggerToken: 'tok',
      classWord: 'fox',
      repeats: 4,
      resolution: 512,
      bucketing: true,
      batchSize: 1,
      onProgress: (d) => progress.push(d),
    });
    expect(r.images).toBe(3);
    expect(r.imageDir).toBe(path.join(out, 'img', '4_tok fox'));
    expect(r.buckets).toEqual({ '512x512': 1, '640x384': 1, '384x640': 1 });
    expect(progress.sort()).toEqual([1, 2, 3]);
    const files = readdirSync(r.imageDir).sort();
    expect(files).toEqual([
      '0001-p0_it_s.png',
      '0001-p0_it_s.txt',
      '0002-p1_it_s.png',
      '0002-p1_it_s.txt',
      '0003-p2_it_s.png',
      '0003-p2_it_s.txt',
    ]);
    expect(readFileSync(path.join(r.imageDir, '0002-p1_it_s.txt'), 'utf8')).toBe('tok, pic 1\n');
    const m = await sharp(path.join(r.imageDir, '0002-p1_it_s.png')).metadata();
    expect([m.width, m.height]).toEqual([640, 384]);
    expect(readFileSync(items[0]!.path).equals(before)).toBe(true);
    const toml = readFileSync(r.tomlPath, 'utf8');
    expect(toml).toContain(`image_dir = ${JSON.stringify(r.imageDir)}`);
    expect(toml).toContain(`class_tokens = "tok fox"`);
    expect(toml).toContain('num_repeats = 4');
    expect(toml).toContain('enable_bucket = true');
    expect(toml).toContain('min_bucket_reso = 256');
    expect(toml).toContain('max_bucket_reso = 1024');
    expect(toml).toContain("caption_extension = '.txt'");
  });

  it('squares without bucketing', async () => {
    const p = await makePicture(path.join(dir, 'w.png'), 1280, 720, 3);
    const r = await prepareDataset(
      [{ assetId: 'a', path: p, filename: 'w.png', caption: 'tok' }],
      path.join(dir, 'o'),
      {
        triggerToken: 'tok',
        classWord: '',
        repeats: 10,
        resolution: 256,
        bucketing: false,
        batchSize: 2,
      },
    );
    expect(r.buckets).toEqual({ '256x256': 1 });
    expect(r.imageDir.endsWith(path.join('img', '10_tok'))).toBe(true);
    const toml = readFileSync(r.tomlPath, 'utf8');
    expect(toml).toContain('enable_bucket = false');
    expect(toml).not.toContain('min_bucket_reso');
    expect(toml).toContain('batch_size = 2');
  });
});
