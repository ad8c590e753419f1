import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema';

export interface OpenedDatabase {
  /** The raw handle: for hot paths and bulk transactions where kysely's async wrapper costs. */
  sqlite: BetterSqlite3.Database;
  db: Kysely<Database>;
  close: () => Promise<void>;
}

/**
 * Opens the database with the pragmas every Atelier connection needs. WAL lets readers proceed
 * during writes; synchronous=NORMAL is durable across app crashes in WAL mode (only an OS
 * crash can lose the last commits); busy_timeout covers a CLI reading while the app writes.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): OpenedDatabase {
  const sqlite = new BetterSqlite3(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  if (!options.readonly) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('cache_size = -32000');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    sqlite,
    db,
    async close() {
      // kysely's destroy closes the better-sqlite3 handle it was given.
      await db.destroy();
    },
  };
}
