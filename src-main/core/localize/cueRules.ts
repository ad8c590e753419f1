/**
 * Speech recognition's words become subtitle cues, pure. The rules are the subtitle trade's:
 * a cue breaks at a pause, holds at most 2 lines of at most 42 characters, lasts at most 7 s,
 * and is never empty or a repeat of the one before (recognisers echo on silence).
 */
export interface Word {
  text: string;
  startMs: number;
  endMs: number;
  /** 0..1 when the engine gives it. */
  confidence: number | null;
}

export interface Cue {
  index: number;
  startMs: number;
  endMs: number;
  /** Lines joined with \n. */
  text: string;
  words: Word[];
  confidence: number | null;
}

export const CUE_RULES = {
  maxLineChars: 42,
  maxLines: 2,
  maxDurationMs: 7000,
  /** A silence this long between two words starts a new cue. */
  pauseMs: 600,
  /** A cue shorter than this is held on screen longer (if the next one allows). */
  minDurationMs: 1000,
} as const;

/** Words of a cue broken into lines of at most `max` characters, balanced over the lines. */
export function breakLines(words: string[], max: number = CUE_RULES.maxLineChars): string[] {
  const text = words.join(' ');
  if (text.length <= max) return [text];
  // Two lines: the break nearest the middle that fits both sides.
  let best: [string, string] | null = null;
  let bestScore = Infinity;
  for (let i = 1; i < words.length; i++) {
    const a = words.slice(0, i).join(' ');
    const b = words.slice(i).join(' ');
    if (a.length > max || b.length > max) continue;
    const score = Math.abs(a.length - b.length);
    if (score < bestScore) {
      bestScore = score;
      best = [a, b];
    }
  }
  return best ?? [text];
}

function fits(words: Word[]): boolean {
  const text = words.map((w) => w.text).join(' ');
  if (text.length <= CUE_RULES.maxLineChars) return true;
  const lines = breakLines(words.map((w) => w.text));
  return (
    lines.length <= CUE_RULES.maxLines && lines.every((l) => l.length <= CUE_RULES.maxLineChars)
  );
}

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Cues from recognised words, by the rules above. */
export function wordsToCues(input: Word[]): Cue[] {
  const words = input.filter((w) => w.text.trim() && w.endMs >= w.startMs);
  const groups: Word[][] = [];
  let cur: Word[] = [];
  for (const w of words) {
    const prev = cur.at(-1);
    const pause = prev ? w.startMs - prev.endMs : 0;
    const next = [...cur, w];
    const tooLong = cur.length > 0 && w.endMs - cur[0]!.startMs > CUE_RULES.maxDurationMs;
    // A sentence end is a good place to break once the cue has some length.
    const sentenceEnd = !!prev && /[.!?]$/.test(prev.text) && cur.length >= 3;
    if (cur.length && (pause >= CUE_RULES.pauseMs || tooLong || !fits(next) || sentenceEnd)) {
      groups.push(cur);
      cur = [w];
    } else cur = next;
  }
  if (cur.length) groups.push(cur);
  const cues: Cue[] = [];
  for (const g of groups) {
    const text = breakLines(g.map((w) => w.text.trim())).join('\n');
    const last = cues.at(-1);
    if (!text.trim() || (last && norm(last.text) === norm(text))) continue;
    const conf = g.filter((w) => w.confidence !== null);
    cues.push({
      index: cues.length + 1,
      startMs: g[0]!.startMs,
      endMs: g.at(-1)!.endMs,
      text,
      words: g,
      confidence: conf.length ? conf.reduce((s, w) => s + w.confidence!, 0) / conf.length : null,
    });
  }
  // Very short cues stay up a little longer, never into the next one.
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i]!;
    const limit = cues[i + 1] ? cues[i + 1]!.startMs - 50 : c.startMs + CUE_RULES.minDurationMs;
    if (c.endMs - c.startMs < CUE_RULES.minDurationMs)
      c.endMs = Math.max(c.endMs, Math.min(c.startMs + CUE_RULES.minDurationMs, limit));
  }
  return cues;
}
