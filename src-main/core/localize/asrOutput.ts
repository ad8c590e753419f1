/**
 * What speech recognisers print, pure: pocketsphinx 0.8's `pocketsphinx_continuous -time yes`
 * (an utterance line, then `word start end confidence` lines), pocketsphinx 5's `pocketsphinx
 * single` (one JSON object per utterance with its words in `w`), and whisper.cpp's `-ojf` JSON
 * (segments with their tokens and offsets in ms).
 */
import type { Word } from './cueRules';

const fillers = /^(<s>|<\/s>|<sil>|\[[A-Z_]+\]|\+\+[A-Z_]+\+\+)$/;

/** `pocketsphinx_continuous -time yes` */
export function parsePocketsphinx08(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!m || fillers.test(m[1]!)) continue;
    words.push({
      text: m[1]!.replace(/\(\d+\)$/, ''),
      startMs: Math.round(Number(m[2]) * 1000),
      endMs: Math.round(Number(m[3]) * 1000),
      confidence: Math.max(0, Math.min(1, Number(m[4]))),
    });
  }
  return words;
}

/** `pocketsphinx single FILE` (5.x): `{"b":…,"d":…,"p":…,"t":"…","w":[{"b","d","p","t"}…]}` a line. */
export function parsePocketsphinx5(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let u: { w?: { b: number; d: number; p?: number; t: string }[] };
    try {
      u = JSON.parse(line) as typeof u;
    } catch {
      continue;
    }
    for (const w of u.w ?? []) {
      if (fillers.test(w.t)) continue;
      words.push({
        text: w.t.replace(/\(\d+\)$/, ''),
        startMs: Math.round(w.b * 1000),
        endMs: Math.round((w.b + w.d) * 1000),
        confidence: w.p === undefined ? null : Math.max(0, Math.min(1, w.p)),
      });
    }
  }
  return words;
}

interface WhisperJson {
  transcription?: {
    offsets?: { from: number; to: number };
    text?: string;
    tokens?: { text: string; offsets?: { from: number; to: number }; p?: number }[];
  }[];
}

/**
 * whisper.cpp's JSON (`-oj`, or `-ojf` with tokens). With tokens, words are the tokens joined
 * until one starts with a space; without, a segment's words share its time evenly.
 */
export function parseWhisperJson(json: string): Word[] {
  const doc = JSON.parse(json) as WhisperJson;
  const words: Word[] = [];
  for (const seg of doc.transcription ?? []) {
    const tokens = (seg.tokens ?? []).filter((t) => !/^\[_|^<\|/.test(t.text) && t.offsets);
    if (tokens.length) {
      let cur: Word | null = null;
      let probs: number[] = [];
      const flush = () => {
        if (cur && cur.text.trim()) {
          cur.text = cur.text.trim();
          cur.confidence = probs.length ? probs.reduce((a, b) => a + b, 0) / probs.length : null;
          words.push(cur);
        }
      };
      for (const t of tokens) {
        if (!cur || /^\s/.test(t.text)) {
          flush();
          cur = { text: t.text, startMs: t.offsets!.from, endMs: t.offsets!.to, confidence: null };
          probs = [];
        } else {
          cur.text += t.text;
          cur.endMs = t.offsets!.to;
        }
        if (t.p !== undefined) probs.push(t.p);
      }
      flush();
      continue;
    }
    const parts = (seg.text ?? '').trim().split(/\s+/).filter(Boolean);
    const from = seg.offsets?.from ?? 0;
    const to = seg.offsets?.to ?? from;
    const each = parts.length ? (to - from) / parts.length : 0;
    parts.forEach((p, i) =>
      words.push({
        text: p,
        startMs: Math.round(from + i * each),
        endMs: Math.round(from + (i + 1) * each),
        confidence: null,
      }),
    );
  }
  return words;
}
