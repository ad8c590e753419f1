import { sql, type Kysely } from 'kysely';

/**
 * Ingest: extra copies of an asset's bytes (an exact duplicate links to the asset rather than
 * making a second one), the failures a user can see and retry, and the indexes the library's
 * filters page through.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE asset_copies (
      path TEXT PRIMARY KEY,
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      folder_id TEXT REFERENCES watch_folders(id) ON DELETE SET NULL,
      size_bytes INTEGER NOT NULL DEFAULT 0,
      mtime_ms INTEGER NOT NULL DEFAULT 0,
      missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0,1)),
      added_at TEXT NOT NULL
    )`,
    `CREATE INDEX asset_copies_asset ON asset_copies(asset_id)`,
    `CREATE TABLE ingest_failures (
      id TEXT PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      folder_id TEXT REFERENCES watch_folders(id) ON DELETE SET NULL,
      code TEXT NOT NULL,
      reason TEXT NOT NULL,
      size_bytes INTEGER,
      mtime_ms INTEGER,
      attempts INTEGER NOT NULL DEFAULT 1,
      first_at TEXT NOT NULL,
      last_at TEXT NOT NULL
    )`,
    `CREATE INDEX ingest_failures_last ON ingest_failures(last_at DESC, id DESC)`,
    // Keyset pages under each filter the library offers stay index-backed.
    `CREATE INDEX assets_provenance_added ON assets(provenance, added_at DESC, id DESC)`,
    `CREATE INDEX assets_folder_added ON assets(folder_id, added_at DESC, id DESC)`,
    `CREATE INDEX assets_missing_added ON assets(added_at DESC, id DESC) WHERE missing = 1`,
    `CREATE INDEX assets_prompt_added ON assets(added_at DESC, id DESC) WHERE prompt IS NOT NULL`,
    `CREATE INDEX assets_theme_added ON assets(theme, added_at DESC, id DESC) WHERE theme IS NOT NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
