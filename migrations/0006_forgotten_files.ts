import { sql, type Kysely } from 'kysely';

/**
 * Files whose assets the user removed for good (emptied from the trash) while keeping the files
 * on disk. Without this the watcher's next rescan would find them as new and bring back what the
 * user threw away. A row matches only the same bytes at the same path: a file that changes, or an
 * explicit import, brings it back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE forgotten_files (
        path TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        forgotten_at TEXT NOT NULL
      )`,
    )
    .execute(db);
}
