/**
 * Captions for training images, pure. A caption is comma-separated tags or a sentence; kohya
 * reads it from NAME.txt beside the image. It starts from the asset's prompt with everything
 * that only means something to a generator removed (LoRA tags, attention weights, BREAK), or
 * from its tags, and always begins with the trigger token (kohya's `keep_tokens = 1` keeps it
 * first when captions are shuffled).
 */
import type { CaptionSource } from '../../../contract/training';

const networkTag = /<(?:lora|lyco|hypernet|lycoris|embedding):[^>]*>/gi;

/** Escaped brackets are literal text: parked as private-use characters while emphasis goes. */
const parked: [string, string][] = [
  ['\\(', '\uE000'],
  ['\\)', '\uE001'],
  ['\\[', '\uE002'],
  ['\\]', '\uE003'],
];

/** A prompt as a caption: no LoRA tags, no weights or emphasis brackets, no BREAK. */
export function promptToCaption(prompt: string): string {
  let s = prompt.replace(networkTag, ' ');
  for (const [from, to] of parked) s = s.split(from).join(to);
  // (word:1.2) → word; repeat for nesting.
  for (let i = 0; i < 8; i++) {
    const next = s
      .replace(/\(([^()]*?):\s*-?[\d.]+\s*\)/g, '$1')
      .replace(/\(([^()]*)\)/g, '$1')
      .replace(/\[([^[\]:]*)\]/g, '$1');
    if (next === s) break;
    s = next;
  }
  s = s.replace(/\bBREAK\b/g, ',');
  for (const [from, to] of parked) s = s.split(to).join(from.slice(1));
  return joinTags(splitTags(s));
}

/** Comma-separated parts, trimmed, empty ones dropped, repeats (without case) dropped. */
export function splitTags(caption: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of caption.split(/[,\n]/)) {
    const t = raw.replace(/\s+/g, ' ').trim();
    if (!t || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

export function joinTags(tags: readonly string[]): string {
  return tags.join(', ');
}

/**
 * The caption with `trigger` as its first tag: an earlier trigger (`previous`, when the token is
 * renamed) and any other copy of it are taken out first, so it appears once.
 */
export function withTrigger(caption: string, trigger: string, previous?: string): string {
  const drop = new Set([trigger.toLowerCase(), ...(previous ? [previous.toLowerCase()] : [])]);
  const rest = splitTags(caption).filter((t) => !drop.has(t.toLowerCase()));
  return joinTags([trigger, ...rest]);
}

/** The first caption of an image, from the chosen source. */
export function captionFrom(
  source: CaptionSource,
  asset: { prompt: string | null; tags: readonly string[] },
  trigger: string,
): string {
  if (source === 'trigger') return trigger;
  if (source === 'tags') return withTrigger(joinTags(asset.tags), trigger);
  const fromPrompt = asset.prompt ? promptToCaption(asset.prompt) : '';
  // No prompt (a photo, a drawing): its tags are the next best description.
  return withTrigger(fromPrompt || joinTags(asset.tags), trigger);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Find and replace in one caption; `wholeTag` replaces only tags equal to `find`. */
export function replaceInCaption(
  caption: string,
  find: string,
  replace: string,
  options: { wholeTag: boolean; caseSensitive: boolean },
): string {
  if (options.wholeTag) {
    const same = (t: string) =>
      options.caseSensitive ? t === find.trim() : t.toLowerCase() === find.trim().toLowerCase();
    const tags = splitTags(caption).map((t) => (same(t) ? replace.trim() : t));
    return joinTags(splitTags(joinTags(tags)));
  }
  const re = new RegExp(escapeRegExp(find), options.caseSensitive ? 'g' : 'gi');
  return caption.replace(re, () => replace);
}

/** How many captions hold each tag (once per caption), most frequent first, then A–Z. */
export function tagFrequency(captions: readonly string[]): { tag: string; count: number }[] {
  const counts = new Map<string, { tag: string; count: number }>();
  for (const c of captions) {
    for (const t of splitTags(c)) {
      const k = t.toLowerCase();
      const e = counts.get(k);
      if (e) e.count++;
      else counts.set(k, { tag: t, count: 1 });
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}
