import { sql, type Kysely } from 'kysely';

/**
 * Search finds what is said: a subtitle asset's cue text is a new `said` column of assets_fts.
 * The text lives in the file, not in a column of assets, so ingest and job outputs write it into
 * the index themselves (the triggers leave the column alone). FTS5 cannot add a column: the index
 * is rebuilt as in 0009, copied over from the old one; subtitle files already in the Library get
 * their text when they are next read (Re-read metadata).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const gen = (
    await sql<{
      sql: string;
    }>`SELECT sql FROM sqlite_master WHERE name = 'assets_fts_insert'`.execute(db)
  ).rows[0]?.sql;
  const upd = (
    await sql<{
      sql: string;
    }>`SELECT sql FROM sqlite_master WHERE name = 'assets_fts_update'`.execute(db)
  ).rows[0]?.sql;
  if (!gen || !upd) throw new Error('0021: the full-text triggers were not where expected');
  const statements = [
    `CREATE VIRTUAL TABLE assets_fts_new USING fts5(
      title, filename, prompt, notes, tags, gen, said,
      tokenize = 'unicode61 remove_diacritics 2'
    )`,
    `INSERT INTO assets_fts_new (rowid, title, filename, prompt, notes, tags, gen, said)
       SELECT rowid, title, filename, prompt, notes, tags, gen, '' FROM assets_fts`,
    `DROP TRIGGER assets_fts_insert`,
    `DROP TRIGGER assets_fts_update`,
    `DROP TABLE assets_fts`,
    `ALTER TABLE assets_fts_new RENAME TO assets_fts`,
    // The same triggers: an insert names its columns (said takes its default, ''), an update
    // sets only the ones it names.
    gen,
    upd,
  ];
  // The rename must not re-check the triggers of asset_tags and tags that name assets_fts.
  await sql.raw('PRAGMA legacy_alter_table = ON').execute(db);
  try {
    for (const s of statements) await sql.raw(s).execute(db);
  } finally {
    await sql.raw('PRAGMA legacy_alter_table = OFF').execute(db);
  }
}
