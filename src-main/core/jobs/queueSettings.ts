import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../util/ids';
import { stmt } from './jobStore';

const PAUSED_KEY = 'jobs.paused';

/** Pausing survives a restart: a creator who paused before closing the app expects it paused. */
export function readPaused(db: BetterSqlite3.Database): boolean {
  const r = stmt(db, 'SELECT value FROM settings WHERE key = ?').get(PAUSED_KEY) as
    | { value: string }
    | undefined;
  return r?.value === 'true';
}

export function writePaused(db: BetterSqlite3.Database, paused: boolean): void {
  stmt(
    db,
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(PAUSED_KEY, JSON.stringify(paused), nowIso());
}
