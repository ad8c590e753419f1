import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { TestCore } from '../../helpers/core';
import { addAsset } from '../process/mediaFixtures';

/** A picture with some structure (a gradient and a block), so its perceptual hash is its own. */
export async function makePicture(
  file: string,
  width: number,
  height: number,
  seed: number,
): Promise<string> {
  const hue = (seed * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${seed % 2}" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,50%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},60%,30%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <rect x="${(seed * 13) % Math.max(1, width - width / 3)}" y="${(seed * 29) % Math.max(1, height - height / 3)}"
      width="${width / 3}" height="${height / 4}" fill="hsl(${(hue + 200) % 360},80%,${20 + (seed % 5) * 12}%)"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / (3 + (seed % 4))}" fill="white" opacity="0.${seed % 9}"/>
  </svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
  return file;
}

export interface Seeded {
  ids: string[];
  dir: string;
}

/**
 * Images in the Library, approved, with prompts that carry generator syntax (LoRA tags,
 * weights) the way real ones do.
 */
export async function seedImages(
  t: TestCore,
  n: number,
  o: { width?: number; height?: number; status?: 'approved' | 'pending'; prefix?: string } = {},
): Promise<Seeded> {
  const dir = path.join(t.root, 'pictures');
  mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  const subjects = ['fox', 'owl', 'cat', 'heron', 'wolf', 'lynx', 'crow', 'deer', 'hare', 'bear'];
  for (let i = 0; i < n; i++) {
    const file = await makePicture(
      path.join(dir, `${o.prefix ?? 'pic'}-${String(i + 1).padStart(2, '0')}.png`),
      o.width ?? 640,
      o.height ?? 640,
      i + 1,
    );
    const subject = subjects[i % subjects.length];
    const id = await addAsset(t.core, file, {
      prompt: `(masterpiece:1.2), a ${subject} in ink wash, <lora:inkwash:0.8>, white background`,
    });
    ids.push(id);
  }
  await t.core.db
    .updateTable('assets')
    .set({ status: o.status ?? 'approved' })
    .where('id', 'in', ids)
    .execute();
  return { ids, dir };
}
