import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { presetIds, type PackPreset, type PresetId } from '../../contract/packs';
import { appRoot } from '../util/version';

const presetSchema = z.object({
  id: z.enum(presetIds),
  name: z.string().min(1),
  description: z.string(),
  maxPartBytes: z.number().int().positive().nullable(),
  maxFiles: z.number().int().positive().nullable(),
  splitByTypeOver: z.number().int().positive().nullable(),
  collage: z.boolean(),
  minPreviews: z.number().int().min(0),
  descriptionFile: z.boolean(),
  storeCopy: z.boolean(),
  listing: z.object({
    width: z.number().int().min(100).max(8000),
    height: z.number().int().min(100).max(8000),
    heroShortEdge: z.number().int().min(100).max(8000),
    heroLongEdge: z.number().int().min(100).max(10000),
    source: z.string(),
  }),
});

/*
 * Listing-image sizes per marketplace (presets.json, `listing`), from each one's own guidance
 * as of 2025; `source` in the file names the page:
 * - Etsy: listing photos at least 2000 px on the shortest side; thumbnails are cropped to 4:3,
 *   3000×2250 suggested. Collage 2667×2000 (4:3, 2000 short), heroes 2000 short / 3000 long.
 *   https://help.etsy.com/hc/en-us/articles/115015663347
 * - Gumroad: cover images at least 1280×720 (16:9); the square thumbnail 600×600.
 *   https://help.gumroad.com/article/325-adding-a-cover-image-and-thumbnail
 * - Creative Market: product previews 1820×1214 (3:2), at least 3 of them.
 *   https://support.creativemarket.com/hc/en-us/articles/360027213531
 * - itch.io: cover image 630×500 (315×250 minimum); screenshots are shown up to ~1920 wide.
 *   https://itch.io/docs/creators/getting-started
 * - Standard (no store): 2400×1600 (3:2), heroes 2000 px on the short side.
 * Heroes are never enlarged past the original: a 1024 px image stays 1024 px.
 */

let cached: PackPreset[] | undefined;

/** Marketplace rules live in resources/presets/presets.json so they can change without code. */
export function listPresets(): PackPreset[] {
  if (!cached) {
    const raw = JSON.parse(
      readFileSync(path.join(appRoot(), 'resources', 'presets', 'presets.json'), 'utf8'),
    ) as unknown;
    cached = z.array(presetSchema).parse(raw);
  }
  return cached;
}

export function getPreset(id: PresetId): PackPreset {
  const p = listPresets().find((x) => x.id === id);
  if (!p) throw new Error(`Preset ${id} is missing from resources/presets/presets.json`);
  return p;
}
