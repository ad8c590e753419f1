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
});

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
