import { copyFileSync, existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { migrations as defaultMigrations, type Migration } from '../../../migrations';
import { AppError } from '../../contract/errors';
import { nowIso } from '../util/ids';
import type { Database } from './schema';

export type MigrationList = ReadonlyArray<readonly [string, Migration]>;

export interface SchemaState {
  applied: string[];
  known: string[];
  pending: string[];
  /** Names in the database that this build does not know: it was written by a newer Atelier. */
  unknown: string[];
}

/**
 * Reads which migrations a database file has, without opening it for writing, so that a
 * database from a newer Atelier is refused before anything (a backup, WAL mode) touches it.
 */
export function readSchemaState(
  file: string,
  list: MigrationList = defaultMigrations,
): SchemaState {
  const known = list.map(([n]) => n);
  let applied: string[] = [];
  if (existsSync(file)) {
    const ro = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const hasTable = ro
        .prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='migration_history'`)
        .get();
      if (hasTable) {
        applied = (
          ro.prepare('SELECT name FROM migration_history ORDER BY name').all() as { name: string }[]
        ).map((r) => r.name);
      }
    } finally {
      ro.close();
    }
  }
  return {
    applied,
    known,
    pending: known.filter((n) => !applied.includes(n)),
    unknown: applied.filter((n) => !known.includes(n)),
  };
}

export function newerDatabaseError(file: string, unknown: string[]): AppError {
  return new AppError(
    'conflict',
    `This database was written by a newer version of Atelier (it has migrations ${unknown.join(', ')} ` +
      `that this version does not know). Update Atelier to open it; the file was left untouched: ${file}`,
    { file, unknownMigrations: unknown },
  );
}

export interface MigrateResult {
  applied: string[];
  backupPath: string | null;
  schemaVersion: number;
}

/**
 * Brings the database up to date. Each migration's `up` and its history row commit in one
 * transaction, so a crash leaves either the old or the new schema, never half of one. A database
 * that already had migrations is copied aside first (atelier.db.bak-<from>-<stamp>).
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  file: string,
  list: MigrationList = defaultMigrations,
  state: SchemaState = readSchemaState(file, list),
): Promise<MigrateResult> {
  if (state.unknown.length > 0) throw newerDatabaseError(file, state.unknown);
  for (let i = 0; i < state.applied.length; i++) {
    if (state.applied[i] !== state.known[i]) {
      throw new AppError(
        'conflict',
        `The database's migration history is out of order (found ${state.applied[i]} where ${state.known[i]} was expected). ` +
          `It was left untouched: ${file}`,
      );
    }
  }
  let backupPath: string | null = null;
  if (state.pending.length > 0 && state.applied.length > 0 && existsSync(file)) {
    // A checkpoint folds the WAL into the main file so the copy holds every committed change.
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    backupPath = `${file}.bak-${state.applied.length}-${nowIso().replace(/[:.]/g, '-')}`;
    copyFileSync(file, backupPath);
  }
  await db.schema
    .createTable('migration_history')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .execute();
  const applied: string[] = [];
  for (const [name, migration] of list) {
    if (!state.pending.includes(name)) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction: it is switched around it.
    if (migration.foreignKeysOff) await sql`PRAGMA foreign_keys = OFF`.execute(db);
    try {
      await db.transaction().execute(async (trx) => {
        await migration.up(trx);
        if (migration.foreignKeysOff) {
          const broken = (await sql`PRAGMA foreign_key_check`.execute(trx)).rows;
          if (broken.length > 0) {
            throw new AppError(
              'internal',
              `Migration ${name} would break ${broken.length} foreign key(s); nothing was changed`,
              { broken: broken.slice(0, 20) },
            );
          }
        }
        await trx.insertInto('migration_history').values({ name, timestamp: nowIso() }).execute();
      });
    } finally {
      if (migration.foreignKeysOff) await sql`PRAGMA foreign_keys = ON`.execute(db);
    }
    applied.push(name);
  }
  return { applied, backupPath, schemaVersion: state.applied.length + applied.length };
}
