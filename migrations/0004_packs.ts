import { sql, type Kysely } from 'kysely';

/**
 * Pack export history and the pack columns the editor needs: warnings the creator accepted
 * (so a resolved check stops nagging) and the marketplace preset last used (one-click export).
 * Every export attempt is a row, including failed and cancelled ones, so the creator can see why.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `ALTER TABLE packs ADD COLUMN accepted_warnings TEXT NOT NULL DEFAULT '[]'`,
    `ALTER TABLE packs ADD COLUMN default_preset TEXT`,
    `CREATE TABLE pack_exports (
      id TEXT PRIMARY KEY,
      pack_id TEXT NOT NULL REFERENCES packs(id) ON DELETE CASCADE,
      job_id TEXT,
      version TEXT NOT NULL,
      preset TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','completed','failed','cancelled')),
      options TEXT NOT NULL DEFAULT '{}',
      out_dir TEXT NOT NULL,
      files TEXT NOT NULL DEFAULT '[]',
      sha256 TEXT,
      total_bytes INTEGER NOT NULL DEFAULT 0,
      asset_count INTEGER NOT NULL DEFAULT 0,
      skipped TEXT NOT NULL DEFAULT '[]',
      error TEXT,
      verify_ms REAL,
      started_at TEXT NOT NULL,
      finished_at TEXT
    )`,
    `CREATE INDEX pack_exports_pack ON pack_exports(pack_id, started_at DESC, id DESC)`,
    `CREATE INDEX packs_updated ON packs(updated_at DESC, id DESC) WHERE deleted_at IS NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
