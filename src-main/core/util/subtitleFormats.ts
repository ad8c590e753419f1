/** SRT and WebVTT, written and read back, pure: shared by ingest, localisation and conversion. */
import path from 'node:path';
import { languages } from '../../contract/languages';
import { IngestError } from './ingestError';

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

export interface SubtitleFacts {
  cues: TimedText[];
  language: string | null;
  durationSec: number;
}

/**
 * UTF-8 (with or without a BOM) as most tools write it; UTF-16 when its byte-order mark says so
 * (Windows editors' "Unicode"); anything else that is not valid UTF-8 is read as Windows-1252,
 * what older subtitle editors saved Western languages in.
 */
export function decodeSubtitleText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf);
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    return new TextDecoder('windows-1252').decode(buf);
  }
}

const known = (code: string) => {
  const c = code.toLowerCase();
  return languages.find(([two, three]) => two === c || three === c)?.[0] ?? null;
};

/** Marks players put after the language in a subtitle's name (`film.en.forced.srt`). */
const nameFlags = new Set(['forced', 'sdh', 'cc', 'hi', 'default', 'full']);

/**
 * The language a WebVTT header names, else the one in the file name the way players (VLC, Plex,
 * Kodi, Jellyfin) read it: a dot-separated part after the title, before any flags
 * (`film.es.srt`, `film.pt-BR.srt`, `film.en.sdh.srt`, `film.spa.forced.srt`). Underscores and
 * hyphens are words of the title (`tour_de_france.srt` is not German).
 */
export function subtitleLanguage(filename: string, text: string): string | null {
  const header = /^WEBVTT[^\n]*\n(?:[^\n]+\n)*?Language:\s*([A-Za-z]{2,3})\b/m.exec(
    text.slice(0, 2000).replace(/\r\n?/g, '\n'),
  );
  if (header && known(header[1]!)) return known(header[1]!);
  const parts = path.basename(filename, path.extname(filename)).split('.').slice(1);
  // `hi` is a flag after a language (hearing impaired) and Hindi on its own.
  while (parts.length > 1 && nameFlags.has(parts.at(-1)!.toLowerCase())) parts.pop();
  const last = /^([A-Za-z]{2,3})(?:-[A-Za-z0-9]{2,8})?$/.exec(parts.at(-1) ?? '');
  return last ? known(last[1]!) : null;
}

/** Reads a subtitle file's cues, or says in words why it is not one. */
export function readSubtitles(buf: Buffer, filename: string): SubtitleFacts {
  const text = decodeSubtitleText(buf);
  let cues: TimedText[];
  try {
    cues = parseSubtitles(text);
  } catch (err) {
    throw new IngestError(
      'corrupt',
      `The subtitle file has a cue time that cannot be read (${(err as Error).message.replace(/^not a subtitle time: /, '')})`,
    );
  }
  if (!cues.length)
    throw new IngestError('corrupt', 'The subtitle file has no cues (no "start --> end" lines)');
  return {
    cues,
    language: subtitleLanguage(filename, text),
    // A loop, not Math.max(...): a long file's cues would overflow the call's arguments.
    durationSec: cues.reduce((end, c) => Math.max(end, c.endMs), 0) / 1000,
  };
}
