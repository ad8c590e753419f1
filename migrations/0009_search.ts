import { sql, type Kysely } from 'kysely';

/**
 * Full-text search also finds what an asset was made with: its checkpoint, its sampler and its
 * LoRAs (a new `gen` column of assets_fts, kept by the same triggers). FTS5 cannot add a column,
 * so the index is rebuilt: a new table filled from the old one and the assets, then renamed.
 */
const gen = (a: string) => {
  const gp = `${a}.generation_params`;
  const loras = `CASE WHEN json_valid(${gp}) AND json_type(${gp}, '$.loras') = 'array' THEN ${gp} ELSE '{"loras":[]}' END`;
  return `trim(
    coalesce(${a}.model, '') || ' ' ||
    coalesce(CASE WHEN json_valid(${gp}) AND json_type(${gp}, '$.sampler') = 'text' THEN json_extract(${gp}, '$.sampler') END, '') || ' ' ||
    coalesce((SELECT group_concat(CASE l.type WHEN 'text' THEN l.value WHEN 'object' THEN json_extract(l.value, '$.name') END, ' ')
              FROM json_each(${loras}, '$.loras') l), ''))`;
};

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE VIRTUAL TABLE assets_fts_new USING fts5(
      title, filename, prompt, notes, tags, gen,
      tokenize = 'unicode61 remove_diacritics 2'
    )`,
    `INSERT INTO assets_fts_new (rowid, title, filename, prompt, notes, tags, gen)
       SELECT f.rowid, f.title, f.filename, f.prompt, f.notes, f.tags, ${gen('a')}
       FROM assets_fts f JOIN assets a ON a.rid = f.rowid`,
    `DROP TRIGGER assets_fts_insert`,
    `DROP TRIGGER assets_fts_update`,
    `DROP TABLE assets_fts`,
    `ALTER TABLE assets_fts_new RENAME TO assets_fts`,
    `CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN
      INSERT INTO assets_fts(rowid, title, filename, prompt, notes, tags, gen)
      VALUES (new.rid, new.title, new.filename, coalesce(new.prompt, ''), new.notes, '', ${gen('new')});
    END`,
    `CREATE TRIGGER assets_fts_update AFTER UPDATE OF title, filename, prompt, notes, model, generation_params ON assets BEGIN
      UPDATE assets_fts SET title = new.title, filename = new.filename,
        prompt = coalesce(new.prompt, ''), notes = new.notes, gen = ${gen('new')}
      WHERE rowid = new.rid;
    END`,
  ];
  // The rename must not re-check the triggers of asset_tags and tags that name assets_fts.
  await sql.raw('PRAGMA legacy_alter_table = ON').execute(db);
  try {
    for (const s of statements) await sql.raw(s).execute(db);
  } finally {
    await sql.raw('PRAGMA legacy_alter_table = OFF').execute(db);
  }
}
