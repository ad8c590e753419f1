import type { PackPreset } from '../../contract/packs';
import type { AssetTypeName } from '../../contract/library';

export interface PartItem {
  id: string;
  bytes: number;
  type: AssetTypeName;
}

export interface PartPlan {
  /** Appended to the ZIP's file name: null for a single ZIP, "part01", "images", "docs"… */
  suffix: string | null;
  assetIds: string[];
  /** This part carries the manifest, checksums, previews, prompts and store copy. */
  docs: boolean;
  /** Sum of the asset bytes, for progress. */
  bytes: number;
}

/** Bytes of headers per entry (local + central, with a long name): generous on purpose. */
const PER_ENTRY_OVERHEAD = 700;
/** README.md and LICENSE.txt travel in every part so each ZIP is self-explanatory alone. */
const PER_PART_DOCS = 64 << 10;

const typeSuffix = {
  image: 'images',
  audio: 'audio',
  video: 'video',
  subtitles: 'subtitles',
} as const;

/**
 * How a pack's assets are spread over ZIPs for a preset: one ZIP; one per asset type plus a docs
 * ZIP past the preset's file count (Gumroad); or numbered parts under a size cap (Etsy, itch.io,
 * old Windows tools). Pack order is kept inside every part.
 *
 * @param docsBytes what the docs part adds besides assets (previews, manifest, prompts)
 */
export function planParts(
  items: PartItem[],
  preset: PackPreset,
  capOverride?: number | null,
  docsBytes = 0,
): PartPlan[] {
  const cap = capOverride ?? preset.maxPartBytes;
  const total = items.reduce((s, i) => s + i.bytes, 0);
  if (preset.splitByTypeOver !== null && items.length > preset.splitByTypeOver) {
    const parts: PartPlan[] = [];
    for (const type of ['image', 'video', 'audio', 'subtitles'] as const) {
      const of = items.filter((i) => i.type === type);
      if (of.length)
        parts.push({
          suffix: typeSuffix[type],
          assetIds: of.map((i) => i.id),
          docs: false,
          bytes: of.reduce((s, i) => s + i.bytes, 0),
        });
    }
    parts.push({ suffix: 'docs', assetIds: [], docs: true, bytes: 0 });
    return parts;
  }
  if (!cap || total + items.length * PER_ENTRY_OVERHEAD + PER_PART_DOCS + docsBytes <= cap) {
    return [{ suffix: null, assetIds: items.map((i) => i.id), docs: true, bytes: total }];
  }
  // Greedy in pack order; the first part also carries the docs, so it starts with less room.
  const parts: PartPlan[] = [];
  let cur: PartPlan = { suffix: '', assetIds: [], docs: true, bytes: 0 };
  let used = PER_PART_DOCS + docsBytes;
  for (const it of items) {
    const need = it.bytes + PER_ENTRY_OVERHEAD;
    if (cur.assetIds.length > 0 && used + need > cap) {
      parts.push(cur);
      cur = { suffix: '', assetIds: [], docs: false, bytes: 0 };
      used = PER_PART_DOCS;
    }
    cur.assetIds.push(it.id);
    cur.bytes += it.bytes;
    used += need;
  }
  parts.push(cur);
  const width = Math.max(2, String(parts.length).length);
  parts.forEach((p, i) => (p.suffix = `part${String(i + 1).padStart(width, '0')}`));
  return parts;
}
