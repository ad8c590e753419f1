import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { openAtelier } from '../../src-main/core/app/atelier';
import { thumbPath } from '../../src-main/core/thumbs/paths';
import { asset, insertAssets, makeAssets, type SeedAsset } from '../core/browse/helpers';

const palette = [
  '#6b4ce6',
  '#e0679a',
  '#2f9e6b',
  '#c98a12',
  '#d0453a',
  '#2c7be5',
  '#13a3a3',
  '#8a5a44',
  '#b04fd1',
  '#445566',
];

/** A small, recognisable picture: a gradient with a big number, so screenshots read well. */
function svg(i: number, w = 768, h = 768): Buffer {
  const a = palette[i % palette.length]!;
  const b = palette[(i * 7 + 3) % palette.length]!;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${(i * 97) % w}" cy="${(i * 53) % h}" r="${120 + (i % 5) * 30}" fill="white" fill-opacity="0.18"/>
    <text x="50%" y="56%" font-family="sans-serif" font-size="220" font-weight="700" fill="white" fill-opacity="0.9" text-anchor="middle">${i}</text>
  </svg>`);
}

export interface SeededLibrary {
  /** The hand-made assets with real files and thumbnails, newest first in the grid. */
  real: SeedAsset[];
  total: number;
}

/**
 * Seeds a data dir for the library e2e and screenshots: `realCount` PNG files on disk with real
 * thumbnails (so review mode and quick look show pixels), plus `bulk` rows that share those
 * thumbnails (so the 100k scroll test has pictures without writing 100k files).
 */
export async function seedLibrary(
  dataDir: string,
  filesDir: string,
  realCount = 24,
  bulk = 0,
): Promise<SeededLibrary> {
  mkdirSync(filesDir, { recursive: true });
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  try {
    const keys: string[] = [];
    const real: SeedAsset[] = [];
    const prompts = [
      'portrait of a fox in a misty forest',
      'neon city at night, cyberpunk',
      'watercolor castle on a hill',
      'golden hour beach, film grain',
    ];
    for (let i = 0; i < realCount; i++) {
      const key = (i + 1).toString(16).padStart(2, '0').repeat(16);
      const png = await sharp(svg(i)).png().toBuffer();
      const file = path.join(filesDir, `gen_${String(i).padStart(3, '0')}.png`);
      await sharp(png).toFile(file);
      for (const [variant, size] of [
        ['thumb', 512],
        ['thumb-small', 256],
      ] as const) {
        const out = thumbPath(core.layout, key, variant);
        mkdirSync(path.dirname(out), { recursive: true });
        await sharp(png).resize(size, size, { fit: 'inside' }).webp({ quality: 80 }).toFile(out);
      }
      keys.push(key);
      real.push(
        asset(
          {
            filename: path.basename(file),
            path: file,
            thumb_key: key,
            width: 768,
            height: 768,
            size_bytes: png.length,
            prompt: prompts[i % prompts.length]!,
            provenance: 'ai_generated',
            source: 'ComfyUI',
            model: 'sdxl_base_1.0',
            // Two near-identical pairs for the duplicates view.
            phash:
              i < 4
                ? (i % 2 === 0 ? 'f0f0f0f0aaaa5555' : 'f0f0f0f0aaaa5557').replace(
                    'aaaa',
                    i < 2 ? 'aaaa' : '3333',
                  )
                : null,
          },
          bulk + i,
        ),
      );
    }
    if (bulk) {
      const rows = makeAssets(bulk, {
        seed: 42,
        start: Date.parse('2024-01-01T00:00:00Z'),
        duplicateRate: 0,
      });
      rows.forEach((r, i) => {
        r.thumb_key = r.type === 'audio' ? null : keys[i % keys.length]!;
        r.deleted_at = null;
      });
      insertAssets(core.sqlite, rows);
    }
    insertAssets(core.sqlite, real);
    return { real: [...real].reverse(), total: real.length + bulk };
  } finally {
    await core.dispose();
  }
}
