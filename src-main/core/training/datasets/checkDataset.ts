import { access, constants } from 'node:fs/promises';
import sharp from 'sharp';
import type { DatasetCheck, DatasetProblem } from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import { hamming, parsePhash } from '../../curation/nearDuplicates';
import { aspectLabel, isTooSmall } from './buckets';
import { splitTags } from './captions';
import { datasetItems, datasetRow, trainingItems, type DatasetItemRow } from './datasetStore';

/** Perceptual hashes this close (of 64 bits) are the same picture re-saved, resized or retouched. */
const NEAR_BITS = 4;

/** "a.png, b.png and 3 more" */
export function nameList(names: string[], max = 5): string {
  if (names.length <= max) {
    return names.length <= 1
      ? (names[0] ?? '')
      : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export interface ImageFacts {
  width: number;
  height: number;
}

/** Reads each file's header (never decodes pixels): its true size, or why it cannot be read. */
export async function readImageFacts(
  items: DatasetItemRow[],
  concurrency = 8,
): Promise<Map<string, ImageFacts | { problem: 'missing' | 'unreadable'; reason: string }>> {
  const out = new Map<string, ImageFacts | { problem: 'missing' | 'unreadable'; reason: string }>();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const it = items[next++]!;
      try {
        await access(it.path, constants.R_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        out.set(it.asset_id, {
          problem: code === 'ENOENT' ? 'missing' : 'unreadable',
          reason: code === 'ENOENT' ? 'the file is gone' : `it cannot be read (${code})`,
        });
        continue;
      }
      try {
        const m = await sharp(it.path, { failOn: 'error' }).metadata();
        if (!m.width || !m.height) throw new Error('no picture size in the file');
        // EXIF orientation 5–8 turns the picture a quarter: width and height swap.
        const turned = (m.orientation ?? 1) >= 5;
        out.set(it.asset_id, {
          width: turned ? m.height : m.width,
          height: turned ? m.width : m.height,
        });
      } catch (err) {
        out.set(it.asset_id, { problem: 'unreadable', reason: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/**
 * Everything that would make a run fail or train badly, found before a GPU is spent on it. Each
 * problem names its assets; errors stop a run, warnings ask for a look.
 */
export async function checkDataset(core: Atelier, id: string): Promise<DatasetCheck> {
  const ds = datasetRow(core, id);
  const items = trainingItems(datasetItems(core, id));
  const problems: DatasetProblem[] = [];
  const add = (
    p: Omit<DatasetProblem, 'assetIds' | 'message'> & { items: DatasetItemRow[]; message: string },
  ) =>
    problems.push({
      code: p.code,
      severity: p.severity,
      fix: p.fix,
      message: p.message,
      assetIds: p.items.map((i) => i.asset_id),
    });
  const names = (list: DatasetItemRow[]) => nameList(list.map((i) => i.filename));

  if (!items.length) {
    problems.push({
      code: 'empty',
      severity: 'error',
      fix: null,
      message: 'This dataset has no images to train on. Add approved images from the Library.',
      assetIds: [],
    });
    return { ok: false, imageCount: 0, minImages: ds.min_images, problems };
  }

  const notImages = items.filter((i) => i.type !== 'image');
  if (notImages.length)
    add({
      code: 'not_image',
      severity: 'error',
      fix: 'exclude',
      items: notImages,
      message: `Only images can train a LoRA: ${names(notImages)} ${notImages.length === 1 ? 'is not an image' : 'are not images'}.`,
    });
  const images = items.filter((i) => i.type === 'image');
  const facts = await readImageFacts(images);
  const missing = images.filter((i) => {
    const f = facts.get(i.asset_id);
    return !!f && 'problem' in f && f.problem === 'missing';
  });
  if (missing.length)
    add({
      code: 'missing',
      severity: 'error',
      fix: 'exclude',
      items: missing,
      message: `${names(missing)} ${missing.length === 1 ? 'is' : 'are'} missing from disk (moved or deleted outside Atelier). Find ${missing.length === 1 ? 'it' : 'them'} again, or leave ${missing.length === 1 ? 'it' : 'them'} out.`,
    });
  const unreadable = images.filter((i) => {
    const f = facts.get(i.asset_id);
    return !!f && 'problem' in f && f.problem === 'unreadable';
  });
  if (unreadable.length)
    add({
      code: 'unreadable',
      severity: 'error',
      fix: 'exclude',
      items: unreadable,
      message: `${names(unreadable)} cannot be read as ${unreadable.length === 1 ? 'an image' : 'images'} (${(facts.get(unreadable[0]!.asset_id) as { reason: string }).reason}).`,
    });
  const usable = images.filter((i) => {
    const f = facts.get(i.asset_id);
    return !!f && !('problem' in f);
  });
  const size = (i: DatasetItemRow) => facts.get(i.asset_id) as ImageFacts;

  const count = usable.length;
  if (count < ds.min_images)
    problems.unshift({
      code: 'too_few',
      severity: 'error',
      fix: null,
      message: `${count} usable ${count === 1 ? 'image' : 'images'}; at least ${ds.min_images} are needed for a LoRA that generalises. Add more approved images, or lower the dataset's minimum.`,
      assetIds: [],
    });

  const small = usable.filter((i) => isTooSmall(size(i), ds.resolution, !!ds.bucketing));
  if (small.length) {
    const first = size(small[0]!);
    add({
      code: 'too_small',
      severity: 'warning',
      fix: 'exclude',
      items: small,
      message: `${names(small)} ${small.length === 1 ? 'is' : 'are'} under the training resolution of ${ds.resolution} px (${small[0]!.filename} is ${first.width}×${first.height}): training would enlarge ${small.length === 1 ? 'it' : 'them'} and learn the blur. Leave ${small.length === 1 ? 'it' : 'them'} out, upscale ${small.length === 1 ? 'it' : 'them'} first, or lower the resolution.`,
    });
  }

  // Exact copies: the same bytes twice train twice as hard on one picture.
  const bySha = new Map<string, DatasetItemRow[]>();
  for (const i of usable) bySha.set(i.sha256, [...(bySha.get(i.sha256) ?? []), i]);
  const dupExtra = [...bySha.values()].filter((g) => g.length > 1).flatMap((g) => g.slice(1));
  if (dupExtra.length)
    add({
      code: 'duplicate',
      severity: 'warning',
      fix: 'exclude',
      items: dupExtra,
      message: `${names(dupExtra)} ${dupExtra.length === 1 ? 'is an exact copy' : 'are exact copies'} of other images in the dataset. Drop the copies.`,
    });
  const dupSet = new Set(dupExtra.map((i) => i.asset_id));
  const hashed = usable
    .filter((i) => !dupSet.has(i.asset_id))
    .map((i) => ({ i, h: parsePhash(i.phash) }))
    .filter((x): x is { i: DatasetItemRow; h: { hi: number; lo: number } } => !!x.h);
  const near: DatasetItemRow[] = [];
  const taken = new Set<string>();
  for (let a = 0; a < hashed.length; a++) {
    if (taken.has(hashed[a]!.i.asset_id)) continue;
    for (let b = a + 1; b < hashed.length; b++) {
      const other = hashed[b]!;
      if (taken.has(other.i.asset_id)) continue;
      if (hamming(hashed[a]!.h, other.h) <= NEAR_BITS) {
        taken.add(other.i.asset_id);
        near.push(other.i);
      }
    }
  }
  if (near.length)
    add({
      code: 'near_duplicate',
      severity: 'warning',
      fix: 'exclude',
      items: near,
      message: `${names(near)} ${near.length === 1 ? 'looks' : 'look'} almost the same as another image in the dataset (94% similar or more). Near-copies make a LoRA memorise one picture: drop them.`,
    });

  if (!ds.bucketing) {
    const byAspect = new Map<string, DatasetItemRow[]>();
    for (const i of usable) {
      const k = aspectLabel(size(i));
      byAspect.set(k, [...(byAspect.get(k) ?? []), i]);
    }
    if (byAspect.size > 1) {
      const groups = [...byAspect.entries()].sort((x, y) => y[1].length - x[1].length);
      const odd = groups.slice(1).flatMap(([, g]) => g);
      add({
        code: 'mixed_aspect',
        severity: 'warning',
        fix: 'bucketing',
        items: odd,
        message: `The images have ${byAspect.size} aspect ratios (${groups.map(([k, g]) => `${g.length} × ${k}`).join(', ')}) and bucketing is off, so ${nameList(
          odd.map((i) => i.filename),
          3,
        )} would be cropped to squares. Turn bucketing on.`,
      });
    }
  }

  const noCaption = usable.filter((i) => !i.caption.trim());
  if (noCaption.length)
    add({
      code: 'empty_caption',
      severity: 'warning',
      fix: null,
      items: noCaption,
      message: `${names(noCaption)} ${noCaption.length === 1 ? 'has' : 'have'} no caption: the class word “${ds.class_word || ds.trigger_token}” will be used.`,
    });
  const token = ds.trigger_token.toLowerCase();
  const noTrigger = usable.filter(
    (i) => i.caption.trim() && !splitTags(i.caption).some((t) => t.toLowerCase().includes(token)),
  );
  if (noTrigger.length)
    add({
      code: 'no_trigger',
      severity: 'warning',
      fix: null,
      items: noTrigger,
      message: `${names(noTrigger)} ${noTrigger.length === 1 ? 'does' : 'do'} not mention the trigger token “${ds.trigger_token}” in ${noTrigger.length === 1 ? 'its caption' : 'their captions'}.`,
    });

  return {
    ok: !problems.some((p) => p.severity === 'error'),
    imageCount: count,
    minImages: ds.min_images,
    problems,
  };
}
