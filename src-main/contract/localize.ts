/**
 * Localising a video: subtitles, translated subtitles and a dubbed audio track, made by the
 * creator's own speech and translation engines as resumable jobs whose every cue can be fixed
 * and redone.
 */
import { z } from 'zod';
import { event, method } from './define';

export const localizeModes = ['subtitles', 'translate', 'audio', 'video'] as const;
export type LocalizeMode = (typeof localizeModes)[number];

export interface LocalizeEngineInfo {
  stage: 'recognition' | 'translation' | 'speech';
  id: 'whisper' | 'pocketsphinx' | 'apertium' | 'argos' | 'llm' | 'piper' | 'espeak-ng';
  label: string;
  path: string | null;
  ok: boolean;
  /** What it needs, in words, when it cannot run. */
  problem: string | null;
  /** Languages it handles: pairs like "en→es" for translators, languages otherwise. */
  languages: string[];
  license: string;
}

export interface CueInfo {
  index: number;
  startMs: number;
  endMs: number;
  text: string;
  translation: string | null;
  confidence: number | null;
  /** The creator changed the text, the translation or the times (the engines no longer overwrite it). */
  edited: boolean;
  /**
   * Its text, translation or times differ from what the last finished run used (or it was made
   * by a split since): a re-run redoes it. False until a run has finished.
   */
  changed: boolean;
  /** The dub line does not fit its time even at 1.5× and borrowing the silence after it. */
  needsShorterLine: boolean;
  /** How the spoken line was fitted: engine rate × stretch. */
  speed: number | null;
}

export interface LocalizationInfo {
  id: string;
  assetId: string;
  filename: string;
  mode: LocalizeMode;
  from: string;
  to: string | null;
  burnIn: boolean;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  jobId: string | null;
  progress: number;
  error: string | null;
  cueCount: number;
  needsShorter: number;
  /** What made it: engine, model or voice, and its licence. */
  engines: { stage: string; name: string; license: string }[];
  outputs: {
    kind: 'srt' | 'vtt' | 'dub' | 'video' | 'burned';
    language: string;
    path: string;
    assetId: string | null;
    /** The bytes it last put in that Library asset: a re-run replaces only those, never an edit. */
    sha256?: string;
  }[];
  createdAt: string;
  updatedAt: string;
}

export interface LocalizationDetail extends LocalizationInfo {
  cues: CueInfo[];
}

const id = z.string().trim().min(1).max(64);
const lang = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, 'A language is a code such as en, es or spa');

export const localizeMethods = {
  'localize.engines': method(
    z.object({}).strict(),
    'The speech recognition, translation and speech engines found, per stage, with their languages.',
  )<LocalizeEngineInfo[]>(),
  'localize.start': method(
    z
      .object({
        assetId: id,
        to: lang.optional(),
        from: lang.default('en'),
        /** subtitles: the source language's SRT/VTT; translate: + the target language's; audio: + a dub track; video: + an MP4 with every track. */
        mode: z.enum(localizeModes).default('video'),
        burnIn: z.boolean().default(false),
        /** Apertium, Argos Translate, an OpenAI-compatible chat server (Settings → Engines), or auto: Apertium when it has the pair, else Argos Translate when it has it (directly or through another language), else the chat server. */
        translator: z.enum(['auto', 'apertium', 'argos', 'llm']).default('auto'),
        /** The original audio under the dub: 0..1 of its level (default 0.15). */
        originalVolume: z.number().min(0).max(1).default(0.15),
      })
      .strict()
      .refine((s) => s.mode === 'subtitles' || !!s.to, 'Say which language to translate to (to)'),
    'Queue the localisation of a video: transcribe, and (audio, video) translate, speak and mix a dub, and mux it.',
  )<LocalizationInfo>(),
  'localize.list': method(
    z.object({ assetId: id.optional() }).strict(),
    'Localisations, newest first.',
  )<LocalizationInfo[]>(),
  'localize.get': method(
    z.object({ id }).strict(),
    'One localisation with its cues.',
  )<LocalizationDetail>(),
  'localize.updateCue': method(
    z
      .object({
        id,
        index: z.number().int().min(1),
        text: z.string().max(2000).optional(),
        translation: z.string().max(2000).optional(),
        startMs: z.number().int().min(0).optional(),
        endMs: z.number().int().min(1).optional(),
      })
      .strict(),
    'Fix a cue: its text, its translation or its times. Re-running redoes only what depends on it.',
  )<CueInfo>(),
  'localize.splitCue': method(
    z
      .object({ id, index: z.number().int().min(1), atMs: z.number().int().min(0).optional() })
      .strict(),
    'Split a cue in two at a time (default: the word nearest its middle); the text is shared out by words.',
  )<LocalizationDetail>(),
  'localize.mergeCues': method(
    z.object({ id, index: z.number().int().min(1) }).strict(),
    'Merge a cue with the one after it.',
  )<LocalizationDetail>(),
  'localize.rerun': method(
    z.object({ id }).strict(),
    'Run a localisation again after edits: only the cues whose inputs changed are redone, then the mix.',
  )<LocalizationInfo>(),
  'localize.cancel': method(z.object({ id }).strict(), 'Stop a localisation.')<LocalizationInfo>(),
  'localize.waveform': method(
    z
      .object({
        id,
        /** How many peaks over the whole length (default: 20 a second, 200 to 20,000). */
        buckets: z.number().int().min(10).max(20_000).optional(),
      })
      .strict(),
    "The loudness outline of a localisation's source audio: peaks 0..1 over its whole length (decoded once, then kept).",
  )<{ durationMs: number; peaks: number[] }>(),
} as const;

export const localizeEvents = {
  'localize.changed': event<{ id: string }>('A localisation or one of its cues changed.'),
} as const;
