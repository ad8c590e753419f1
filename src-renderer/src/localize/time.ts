/** Cue times as people read and type them: m:ss.mmm (h:mm:ss.mmm past an hour). */
export function formatMs(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const f = t % 1000;
  const ss = `${String(s).padStart(2, '0')}.${String(f).padStart(3, '0')}`;
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/** Reads "1:02.5", "62.5", "0:01:02.500" or "62" (seconds); null when it is not a time. */
export function parseMs(text: string): number | null {
  const m = /^\s*(?:(?:(\d+):)?(\d+):)?(\d+)(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!m) return null;
  const [, h, min, s, frac] = m;
  const ms =
    (Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s)) * 1000 +
    (frac ? Number(frac.padEnd(3, '0')) : 0);
  return Number.isFinite(ms) ? ms : null;
}

/** A short duration: "2.4 s", "1 min 05 s". */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
