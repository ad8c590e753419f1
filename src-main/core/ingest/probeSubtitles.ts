import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { languageName } from '../../contract/languages';
import type { DataDirLayout } from '../datadir/dataDir';
import { thumbsFromTextCard } from '../thumbs/textCard';
import { readSubtitles, type SubtitleFacts } from '../util/subtitleFormats';

/** A subtitle file is text: anything this large is something else named .srt. */
export const MAX_SUBTITLE_BYTES = 20 * 1024 * 1024;

function clock(sec: number): string {
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** The facts and the card thumbnail of a subtitle file (its first lines, language and length). */
export async function probeSubtitles(
  buf: Buffer,
  family: string,
  filename: string,
  sha256: string,
  layout: DataDirLayout,
  /** The language its maker knows it is in; else what the file or its name says. */
  language: string | null = null,
): Promise<SubtitleFacts> {
  const read = readSubtitles(buf, filename);
  const facts = { ...read, language: language ?? read.language };
  const format = family === 'vtt' ? 'VTT' : 'SRT';
  await thumbsFromTextCard(
    {
      badge: facts.language ? `${facts.language.toUpperCase()} · ${format}` : format,
      lines: facts.cues.slice(0, 5).map((c) => c.text.replace(/<[^>]+>/g, '')),
      footer: `${facts.cues.length} cue${facts.cues.length === 1 ? '' : 's'} · ${clock(facts.durationSec)}${facts.language ? ` · ${languageName(facts.language)}` : ''}`,
    },
    sha256,
    layout,
  );
  return facts;
}

/** The card of a subtitle file already in the Library (its thumbnails were cleared). */
export async function drawSubtitleCard(
  layout: DataDirLayout,
  file: string,
  key: string,
): Promise<void> {
  const buf = await readFile(file);
  await probeSubtitles(
    buf,
    path.extname(file).toLowerCase() === '.vtt' ? 'vtt' : 'srt',
    path.basename(file),
    key,
    layout,
  );
}
