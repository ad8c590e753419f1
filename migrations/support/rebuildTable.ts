import { sql, type Kysely } from 'kysely';

/**
 * SQLite's own recipe for a schema change ALTER TABLE cannot make (a CHECK list, a dropped
 * column): create the new table, copy the rows, drop the old one, rename, and put back its
 * indexes and triggers. Needs foreign keys off (the migration says `foreignKeysOff`), or dropping
 * the old table would cascade into every table that references it. `legacy_alter_table` stops
 * the rename from re-checking triggers of other tables that name this one while it is gone.
 *
 * Frozen like the migrations that use it: change a copy, never this.
 */
export async function rebuildTable(
  db: Kysely<any>,
  table: string,
  options: {
    /** The new CREATE TABLE statement; given the current one. */
    create: (current: string) => string;
    /** Column → expression over the old table; columns not named are copied as they are. */
    select?: Record<string, string>;
    /** Indexes and triggers of the old table to leave out (they name dropped columns). */
    drop?: string[];
  },
): Promise<void> {
  const current = (
    await sql<{
      sql: string;
    }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db)
  ).rows[0]?.sql;
  if (!current) throw new Error(`rebuildTable: no table ${table}`);
  const extras = (
    await sql<{
      name: string;
      sql: string;
    }>`SELECT name, sql FROM sqlite_master WHERE tbl_name = ${table} AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type = 'trigger', name`.execute(
      db,
    )
  ).rows.filter((r) => !options.drop?.includes(r.name));
  const temp = `${table}__rebuild`;
  const created = options.create(current);
  const renamed = created.replace(
    new RegExp(`^\\s*CREATE TABLE\\s+"?${table}"?`, 'i'),
    `CREATE TABLE ${temp}`,
  );
  if (renamed === created) throw new Error(`rebuildTable: cannot rename ${table} in its CREATE`);
  await sql.raw(renamed).execute(db);
  const newColumns = (
    await sql<{ name: string }>`SELECT name FROM pragma_table_info(${temp})`.execute(db)
  ).rows.map((r) => r.name);
  const oldColumns = new Set(
    (
      await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db)
    ).rows.map((r) => r.name),
  );
  const copied = newColumns.filter((c) => options.select?.[c] !== undefined || oldColumns.has(c));
  const exprs = copied.map((c) => options.select?.[c] ?? `"${c}"`);
  await sql
    .raw(
      `INSERT INTO ${temp} (${copied.map((c) => `"${c}"`).join(', ')}) SELECT ${exprs.join(', ')} FROM ${table}`,
    )
    .execute(db);
  await sql.raw('PRAGMA legacy_alter_table = ON').execute(db);
  try {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
    await sql.raw(`ALTER TABLE ${temp} RENAME TO ${table}`).execute(db);
  } finally {
    await sql.raw('PRAGMA legacy_alter_table = OFF').execute(db);
  }
  for (const e of extras) await sql.raw(e.sql).execute(db);
}
