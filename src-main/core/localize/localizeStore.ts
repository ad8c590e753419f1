import { createHash } from 'node:crypto';
import { AppError } from '../../contract/errors';
import type { JobStatusName } from '../../contract/jobs';
import type {
  CueInfo,
  LocalizationDetail,
  LocalizationInfo,
  LocalizeMode,
} from '../../contract/localize';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso } from '../util/ids';
import type { Cue } from './cueRules';

export interface LocalizationRow {
  id: string;
  asset_id: string;
  mode: LocalizeMode;
  source_lang: string;
  target_lang: string | null;
  burn_in: number;
  options: string;
  job_id: string | null;
  engines: string;
  outputs: string;
  error: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface CueRow {
  localization_id: string;
  idx: number;
  start_ms: number;
  end_ms: number;
  text: string;
  translation: string | null;
  confidence: number | null;
  words: string | null;
  edited: number;
  translation_edited: number;
  translation_hash: string | null;
  clip_hash: string | null;
  clip_ms: number | null;
  speed: number | null;
  needs_shorter: number;
  /** Since 0019: the cue as the last finished run saw it (see cueRunHash); '' made since. */
  ran_hash: string | null;
}

/** What a run makes of a cue: its text, translation and times. */
function cueRunHash(c: Pick<CueRow, 'text' | 'translation' | 'start_ms' | 'end_ms'>): string {
  return createHash('sha256')
    .update(JSON.stringify([c.text, c.translation, c.start_ms, c.end_ms]))
    .digest('hex')
    .slice(0, 24);
}

/** A run finished: every cue, as it is now, is what the outputs were made from. */
export function markCuesRun(core: Atelier, id: string): void {
  const set = statements(core.sqlite).get(
    `UPDATE loc_cues SET ran_hash = ? WHERE localization_id = ? AND idx = ?`,
  );
  core.sqlite.transaction(() => {
    for (const c of cueRows(core, id)) set.run(cueRunHash(c), id, c.idx);
  })();
  core.events.emit('localize.changed', { id });
}

export function localizationRow(core: Atelier, id: string): LocalizationRow {
  const r = statements(core.sqlite).get(`SELECT * FROM localizations WHERE id = ?`).get(id) as
    | LocalizationRow
    | undefined;
  if (!r) throw new AppError('not_found', 'That localisation does not exist.');
  return r;
}

/**
 * Cues are fixed between runs, not during one: the job reads them cue by cue and writes each
 * clip back by its number, which a split or merge would shift under it, and an edit made while
 * it runs would be marked as done without being in what it makes.
 */
function requireIdle(core: Atelier, id: string): void {
  const r = localizationRow(core, id);
  const job = r.job_id
    ? (statements(core.sqlite).get(`SELECT status FROM jobs WHERE id = ?`).get(r.job_id) as
        | { status: JobStatusName }
        | undefined)
    : undefined;
  if (job?.status === 'queued' || job?.status === 'running')
    throw new AppError(
      'conflict',
      'This localisation is running: wait for it to finish, or stop it (what was done is kept), then change its cues.',
    );
}

export function cueRows(core: Atelier, id: string): CueRow[] {
  return statements(core.sqlite).all(
    `SELECT * FROM loc_cues WHERE localization_id = ? ORDER BY idx`,
    [id],
  ) as CueRow[];
}

function toCue(c: CueRow): CueInfo {
  return {
    index: c.idx,
    startMs: c.start_ms,
    endMs: c.end_ms,
    text: c.text,
    translation: c.translation,
    confidence: c.confidence,
    edited: !!c.edited || !!c.translation_edited,
    changed: c.ran_hash !== null && c.ran_hash !== cueRunHash(c),
    needsShorterLine: !!c.needs_shorter,
    speed: c.speed,
  };
}

function toInfo(core: Atelier, r: LocalizationRow): LocalizationInfo {
  const q = statements(core.sqlite);
  const job = r.job_id
    ? (q.get(`SELECT status, progress, error FROM jobs WHERE id = ?`).get(r.job_id) as
        | { status: JobStatusName; progress: number; error: string | null }
        | undefined)
    : undefined;
  const counts = q
    .get(
      `SELECT count(*) n, coalesce(sum(needs_shorter), 0) s FROM loc_cues WHERE localization_id = ?`,
    )
    .get(r.id) as { n: number; s: number };
  const asset = q.get(`SELECT filename FROM assets WHERE id = ?`).get(r.asset_id) as
    | { filename: string }
    | undefined;
  return {
    id: r.id,
    assetId: r.asset_id,
    filename: asset?.filename ?? '',
    mode: r.mode,
    from: r.source_lang,
    to: r.target_lang,
    burnIn: !!r.burn_in,
    status: job?.status ?? 'failed',
    jobId: r.job_id,
    progress: job?.progress ?? 0,
    error: job?.status === 'failed' ? (r.error ?? job.error) : null,
    cueCount: counts.n,
    needsShorter: counts.s,
    engines: JSON.parse(r.engines) as LocalizationInfo['engines'],
    outputs: JSON.parse(r.outputs) as LocalizationInfo['outputs'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function getLocalizationInfo(core: Atelier, id: string): LocalizationInfo {
  return toInfo(core, localizationRow(core, id));
}

export function getLocalization(core: Atelier, id: string): LocalizationDetail {
  const r = localizationRow(core, id);
  return { ...toInfo(core, r), cues: cueRows(core, id).map(toCue) };
}

export function listLocalizations(core: Atelier, assetId?: string): LocalizationInfo[] {
  const rows = statements(core.sqlite).all(
    `SELECT * FROM localizations WHERE (? IS NULL OR asset_id = ?) ORDER BY created_at DESC LIMIT 500`,
    [assetId ?? null, assetId ?? null],
  ) as LocalizationRow[];
  return rows.map((r) => toInfo(core, r));
}

export function setLocalization(
  core: Atelier,
  id: string,
  f: Partial<Pick<LocalizationRow, 'job_id' | 'engines' | 'outputs' | 'error'>>,
): void {
  const keys = Object.keys(f) as (keyof typeof f)[];
  statements(core.sqlite)
    .get(
      `UPDATE localizations SET ${keys.map((k) => `${k} = ?`).join(', ')}${keys.length ? ',' : ''} updated_at = ? WHERE id = ?`,
    )
    .run(...keys.map((k) => f[k] ?? null), nowIso(), id);
  core.events.emit('localize.changed', { id });
}

/** Recognised cues replace what was there, except cues the creator edited, which are kept. */
export function storeCues(core: Atelier, id: string, cues: Cue[]): void {
  const q = statements(core.sqlite);
  core.sqlite.transaction(() => {
    const edited = cueRows(core, id).some((c) => c.edited);
    if (edited) return;
    q.get(`DELETE FROM loc_cues WHERE localization_id = ?`).run(id);
    const ins = q.get(
      `INSERT INTO loc_cues (localization_id, idx, start_ms, end_ms, text, confidence, words) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const c of cues)
      ins.run(id, c.index, c.startMs, c.endMs, c.text, c.confidence, JSON.stringify(c.words));
  })();
  core.events.emit('localize.changed', { id });
}

export function setCueFields(
  core: Atelier,
  id: string,
  idx: number,
  f: Partial<
    Pick<
      CueRow,
      | 'text'
      | 'translation'
      | 'start_ms'
      | 'end_ms'
      | 'edited'
      | 'translation_edited'
      | 'translation_hash'
      | 'clip_hash'
      | 'clip_ms'
      | 'speed'
      | 'needs_shorter'
    >
  >,
): void {
  const keys = Object.keys(f) as (keyof typeof f)[];
  if (!keys.length) return;
  statements(core.sqlite)
    .get(
      `UPDATE loc_cues SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE localization_id = ? AND idx = ?`,
    )
    .run(...keys.map((k) => f[k] ?? null), id, idx);
}

export function updateCue(
  core: Atelier,
  input: {
    id: string;
    index: number;
    text?: string;
    translation?: string;
    startMs?: number;
    endMs?: number;
  },
): CueInfo {
  requireIdle(core, input.id);
  const cue = cueRows(core, input.id).find((c) => c.idx === input.index);
  if (!cue) throw new AppError('not_found', `There is no cue ${input.index}.`);
  const start = input.startMs ?? cue.start_ms;
  const end = input.endMs ?? cue.end_ms;
  if (end <= start) throw new AppError('invalid_input', 'A cue must end after it starts.');
  const timesChanged = start !== cue.start_ms || end !== cue.end_ms;
  setCueFields(core, input.id, input.index, {
    ...(input.text !== undefined ? { text: input.text.trim(), edited: 1 } : {}),
    ...(input.translation !== undefined
      ? { translation: input.translation.trim(), translation_edited: 1 }
      : {}),
    ...(timesChanged ? { start_ms: start, end_ms: end, edited: 1 } : {}),
  });
  core.events.emit('localize.changed', { id: input.id });
  return toCue(cueRows(core, input.id).find((c) => c.idx === input.index)!);
}

/** Renumbers cues 1..n in time order (two passes: the key is (localization, idx)). */
function renumber(core: Atelier, id: string): void {
  const q = statements(core.sqlite);
  q.get(`UPDATE loc_cues SET idx = -idx WHERE localization_id = ?`).run(id);
  const rows = q.all(`SELECT idx FROM loc_cues WHERE localization_id = ? ORDER BY start_ms, -idx`, [
    id,
  ]) as { idx: number }[];
  const set = q.get(`UPDATE loc_cues SET idx = ? WHERE localization_id = ? AND idx = ?`);
  rows.forEach((r, i) => set.run(i + 1, id, r.idx));
}

function splitText(text: string, share: number): [string, string] {
  const words = text.replace(/\n/g, ' ').split(/\s+/).filter(Boolean);
  const cut = Math.min(words.length - 1, Math.max(1, Math.round(words.length * share)));
  return [words.slice(0, cut).join(' '), words.slice(cut).join(' ')];
}

/** Splits a cue at `atMs` (default: its middle); its words are shared out by time. */
export function splitCue(
  core: Atelier,
  id: string,
  index: number,
  atMs?: number,
): LocalizationDetail {
  requireIdle(core, id);
  const c = cueRows(core, id).find((x) => x.idx === index);
  if (!c) throw new AppError('not_found', `There is no cue ${index}.`);
  const at = atMs ?? Math.round((c.start_ms + c.end_ms) / 2);
  if (at <= c.start_ms + 100 || at >= c.end_ms - 100)
    throw new AppError('invalid_input', 'Split a cue inside it, at least 0.1 s from either end.');
  const share = (at - c.start_ms) / (c.end_ms - c.start_ms);
  if (c.text.replace(/\n/g, ' ').split(/\s+/).filter(Boolean).length < 2)
    throw new AppError('invalid_input', 'A cue of one word cannot be split.');
  const [a, b] = splitText(c.text, share);
  const [ta, tb] = c.translation ? splitText(c.translation, share) : [null, null];
  const q = statements(core.sqlite);
  core.sqlite.transaction(() => {
    q.get(
      `UPDATE loc_cues SET end_ms = ?, text = ?, translation = ?, edited = 1, clip_hash = NULL WHERE localization_id = ? AND idx = ?`,
    ).run(at, a, ta, id, index);
    q.get(
      `INSERT INTO loc_cues (localization_id, idx, start_ms, end_ms, text, translation, edited, translation_edited, ran_hash)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    ).run(
      id,
      1_000_000 + index,
      at,
      c.end_ms,
      b,
      tb,
      c.translation_edited,
      // Made after the last run: a re-run makes it (none ran yet: nothing to compare with).
      c.ran_hash === null ? null : '',
    );
    renumber(core, id);
  })();
  core.events.emit('localize.changed', { id });
  return getLocalization(core, id);
}

/** Merges a cue with the next one: one cue from the first's start to the second's end. */
export function mergeCues(core: Atelier, id: string, index: number): LocalizationDetail {
  requireIdle(core, id);
  const rows = cueRows(core, id);
  const a = rows.find((x) => x.idx === index);
  const b = rows.find((x) => x.idx === index + 1);
  if (!a || !b)
    throw new AppError('invalid_input', `Cue ${index} has no cue after it to merge with.`);
  const q = statements(core.sqlite);
  core.sqlite.transaction(() => {
    q.get(
      `UPDATE loc_cues SET end_ms = ?, text = ?, translation = ?, edited = 1, translation_edited = ?, clip_hash = NULL
        WHERE localization_id = ? AND idx = ?`,
    ).run(
      b.end_ms,
      `${a.text} ${b.text}`.replace(/\s*\n\s*/g, ' '),
      a.translation !== null || b.translation !== null
        ? `${a.translation ?? ''} ${b.translation ?? ''}`.trim()
        : null,
      a.translation_edited || b.translation_edited ? 1 : 0,
      id,
      index,
    );
    q.get(`DELETE FROM loc_cues WHERE localization_id = ? AND idx = ?`).run(id, index + 1);
    renumber(core, id);
  })();
  core.events.emit('localize.changed', { id });
  return getLocalization(core, id);
}
