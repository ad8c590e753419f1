import { sql, type Kysely } from 'kysely';

/**
 * Colour labels (Lightroom's 6–9: red, yellow, green, blue; and purple) on assets, and the
 * indexes the new grid filters walk: a label, a file format, each in the order the grid shows
 * by default (date added), live assets only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `ALTER TABLE assets ADD COLUMN color_label TEXT
      CHECK (color_label IS NULL OR color_label IN ('red','yellow','green','blue','purple'))`,
    `CREATE INDEX lib_label ON assets(color_label, added_at)
      WHERE color_label IS NOT NULL AND deleted_at IS NULL`,
    `CREATE INDEX lib_ext ON assets(ext, added_at) WHERE deleted_at IS NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
