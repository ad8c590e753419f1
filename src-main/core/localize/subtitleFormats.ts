/** SRT and WebVTT, written and read back, pure. */
export interface TimedText {
  startMs: number;
  endMs: number;
  text: string;
}

function stamp(ms: number, sep: ',' | '.'): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const f = t % 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(h)}:${p(m)}:${p(s)}${sep}${p(f, 3)}`;
}

export function toSrt(cues: TimedText[]): string {
  return cues
    .map(
      (c, i) => `${i + 1}\n${stamp(c.startMs, ',')} --> ${stamp(c.endMs, ',')}\n${c.text.trim()}\n`,
    )
    .join('\n');
}

export function toVtt(cues: TimedText[], language?: string): string {
  const head = `WEBVTT${language ? `\nLanguage: ${language}` : ''}\n\n`;
  return (
    head +
    cues
      .map((c) => `${stamp(c.startMs, '.')} --> ${stamp(c.endMs, '.')}\n${c.text.trim()}\n`)
      .join('\n')
  );
}

function parseStamp(s: string): number {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})$/.exec(s.trim());
  if (!m) throw new Error(`not a subtitle time: ${s}`);
  return (
    Number(m[1] ?? 0) * 3_600_000 +
    Number(m[2]) * 60_000 +
    Number(m[3]) * 1000 +
    Number(m[4]!.padEnd(3, '0'))
  );
}

/** Reads SRT or WebVTT (the blocks with a `-->` line); numbering and styling are ignored. */
export function parseSubtitles(text: string): TimedText[] {
  const out: TimedText[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [a, b] = lines[at]!.split('-->');
    out.push({
      startMs: parseStamp(a!),
      endMs: parseStamp(b!.trim().split(/\s+/)[0]!),
      text: lines
        .slice(at + 1)
        .join('\n')
        .trim(),
    });
  }
  return out;
}
