import { sql, type Kysely } from 'kysely';

/**
 * Curation and the grid: indexes that keep every sort and common filter a bounded index walk
 * over the live (not trashed) library, saved searches, and the persisted undo stack.
 *
 * Sort indexes carry no explicit tie-breaker: every index entry ends with the rowid (rid), so
 * `ORDER BY key, rid` walks them in order and a keyset cursor is (key, rid).
 */
/** Trigger body: put one hash in or out of dup_hashes by how many live assets have it. */
function recheck(row: 'old' | 'new'): string {
  const live = `(SELECT count(*) FROM (SELECT 1 FROM assets WHERE sha256 = ${row}.sha256 AND deleted_at IS NULL LIMIT 2))`;
  return `DELETE FROM dup_hashes WHERE sha256 = ${row}.sha256 AND ${live} < 2;
      INSERT OR IGNORE INTO dup_hashes (sha256) SELECT ${row}.sha256 WHERE ${live} > 1;`;
}

export async function up(db: Kysely<any>): Promise<void> {
  const live = 'WHERE deleted_at IS NULL';
  const statements = [
    `CREATE INDEX lib_added ON assets(added_at) ${live}`,
    `CREATE INDEX lib_created ON assets(created_at) ${live}`,
    `CREATE INDEX lib_name ON assets(filename COLLATE NOCASE) ${live}`,
    `CREATE INDEX lib_rating ON assets(rating) ${live}`,
    `CREATE INDEX lib_size ON assets(size_bytes) ${live}`,
    // Images have no duration: -1 sorts them last in "longest first" and keeps the keyset total.
    `CREATE INDEX lib_duration ON assets(ifnull(duration_sec, -1)) ${live}`,
    `CREATE INDEX lib_status_added ON assets(status, added_at) ${live}`,
    `CREATE INDEX lib_type_added ON assets(type, added_at) ${live}`,
    `CREATE INDEX lib_liked_added ON assets(added_at) WHERE liked = 1 AND deleted_at IS NULL`,
    `CREATE INDEX lib_missing_added ON assets(added_at) WHERE missing = 1 AND deleted_at IS NULL`,
    `CREATE INDEX lib_prompt_added ON assets(added_at) WHERE prompt IS NOT NULL AND deleted_at IS NULL`,
    `CREATE INDEX lib_source ON assets(source, added_at) WHERE source IS NOT NULL AND deleted_at IS NULL`,
    `CREATE INDEX lib_model ON assets(model, added_at) WHERE model IS NOT NULL AND deleted_at IS NULL`,
    `CREATE INDEX lib_theme ON assets(theme, added_at) WHERE theme IS NOT NULL AND deleted_at IS NULL`,
    `CREATE INDEX lib_trash ON assets(deleted_at) WHERE deleted_at IS NOT NULL`,
    `CREATE INDEX lib_phash ON assets(phash) WHERE phash IS NOT NULL AND deleted_at IS NULL`,
    // Sidebar tallies kept by triggers: a count per status/type/liked/missing/trashed is a read
    // of at most 72 rows, where a GROUP BY over 100,000 assets costs ~20 ms on every refresh.
    `CREATE TABLE library_tallies (
      status TEXT NOT NULL,
      type TEXT NOT NULL,
      liked INTEGER NOT NULL,
      missing INTEGER NOT NULL,
      trashed INTEGER NOT NULL,
      n INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (status, type, liked, missing, trashed)
    ) WITHOUT ROWID`,
    `INSERT INTO library_tallies (status, type, liked, missing, trashed, n)
      SELECT status, type, liked, missing, deleted_at IS NOT NULL, count(*) FROM assets GROUP BY 1, 2, 3, 4, 5`,
    `CREATE TRIGGER library_tallies_insert AFTER INSERT ON assets BEGIN
      INSERT INTO library_tallies (status, type, liked, missing, trashed, n)
      VALUES (new.status, new.type, new.liked, new.missing, new.deleted_at IS NOT NULL, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    END`,
    `CREATE TRIGGER library_tallies_delete AFTER DELETE ON assets BEGIN
      UPDATE library_tallies SET n = n - 1 WHERE status = old.status AND type = old.type AND liked = old.liked
        AND missing = old.missing AND trashed = (old.deleted_at IS NOT NULL);
    END`,
    `CREATE TRIGGER library_tallies_update AFTER UPDATE OF status, type, liked, missing, deleted_at ON assets
    WHEN old.status IS NOT new.status OR old.type IS NOT new.type OR old.liked IS NOT new.liked
      OR old.missing IS NOT new.missing OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL)
    BEGIN
      UPDATE library_tallies SET n = n - 1 WHERE status = old.status AND type = old.type AND liked = old.liked
        AND missing = old.missing AND trashed = (old.deleted_at IS NOT NULL);
      INSERT INTO library_tallies (status, type, liked, missing, trashed, n)
      VALUES (new.status, new.type, new.liked, new.missing, new.deleted_at IS NOT NULL, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    END`,
    // Hashes shared by two or more live assets, kept by triggers: the duplicates filter and view
    // read this small set instead of grouping 100,000 hashes (200 ms).
    `CREATE INDEX lib_sha_live ON assets(sha256) ${live}`,
    `CREATE TABLE dup_hashes (sha256 TEXT PRIMARY KEY) WITHOUT ROWID`,
    `INSERT INTO dup_hashes SELECT sha256 FROM assets ${live} GROUP BY sha256 HAVING count(*) > 1`,
    `CREATE TRIGGER dup_hashes_insert AFTER INSERT ON assets WHEN new.deleted_at IS NULL BEGIN
      ${recheck('new')}
    END`,
    `CREATE TRIGGER dup_hashes_delete AFTER DELETE ON assets BEGIN
      ${recheck('old')}
    END`,
    `CREATE TRIGGER dup_hashes_update AFTER UPDATE OF sha256, deleted_at ON assets BEGIN
      ${recheck('old')}
      ${recheck('new')}
    END`,
    `CREATE TABLE saved_searches (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      filter TEXT NOT NULL,
      sort TEXT NOT NULL,
      position REAL NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    // The undo stack survives a restart: a creator who closes the app right after a bad bulk
    // edit can still take it back. Payload is the inverse operation as JSON.
    `CREATE TABLE curation_undo (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      label TEXT NOT NULL,
      count INTEGER NOT NULL,
      payload TEXT NOT NULL,
      at TEXT NOT NULL
    )`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
