import { sql, type Kysely } from 'kysely';

/**
 * Localisation. `localizations`: a video's subtitles / dub in one language, its state through its
 * job, what engines made it (with licences) and its outputs. `loc_cues`: its cues, each with the
 * recognised text, the translation, whether the creator edited them, and the hashes of what each
 * later step was made from, so a re-run redoes only what an edit changed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE localizations (
      id TEXT PRIMARY KEY,
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      mode TEXT NOT NULL CHECK (mode IN ('subtitles', 'translate', 'audio', 'video')),
      source_lang TEXT NOT NULL,
      target_lang TEXT,
      burn_in INTEGER NOT NULL DEFAULT 0,
      options TEXT NOT NULL DEFAULT '{}',
      job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
      engines TEXT NOT NULL DEFAULT '[]',
      outputs TEXT NOT NULL DEFAULT '[]',
      error TEXT,
      created_by TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX localizations_asset ON localizations(asset_id)`,
    `CREATE TABLE loc_cues (
      localization_id TEXT NOT NULL REFERENCES localizations(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      start_ms INTEGER NOT NULL,
      end_ms INTEGER NOT NULL,
      text TEXT NOT NULL,
      translation TEXT,
      confidence REAL,
      words TEXT,
      edited INTEGER NOT NULL DEFAULT 0,
      translation_edited INTEGER NOT NULL DEFAULT 0,
      translation_hash TEXT,
      clip_hash TEXT,
      clip_ms INTEGER,
      speed REAL,
      needs_shorter INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (localization_id, idx)
    ) WITHOUT ROWID`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
