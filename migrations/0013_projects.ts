import { sql, type Kysely } from 'kysely';

/**
 * Projects group a creator's orders, assets, packs and templates: a status (active, archived,
 * completed), a description, a default model and parameters for new orders, featured assets,
 * and counts kept by triggers so a list of projects never counts rows. Soft delete (deleted_at)
 * already exists. Tags may now be put on projects, collections and orders too (entity_tags).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const counted: [table: string, column: string, deletedCheck: string][] = [
    ['assets', 'asset_count', 'deleted_at IS NULL'],
    ['orders', 'order_count', '1'],
    ['packs', 'pack_count', '1'],
    ['generation_templates', 'template_count', '1'],
  ];
  const statements = [
    `ALTER TABLE projects ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'completed'))`,
    `ALTER TABLE projects ADD COLUMN default_model_id TEXT REFERENCES models(id) ON DELETE SET NULL`,
    `ALTER TABLE projects ADD COLUMN default_params TEXT`,
    `ALTER TABLE projects ADD COLUMN featured_asset_ids TEXT`,
    ...counted.map(([, c]) => `ALTER TABLE projects ADD COLUMN ${c} INTEGER NOT NULL DEFAULT 0`),
    `CREATE INDEX IF NOT EXISTS assets_project ON assets(project_id) WHERE project_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS orders_project ON orders(project_id) WHERE project_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS packs_project ON packs(project_id) WHERE project_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS templates_project ON generation_templates(project_id) WHERE project_id IS NOT NULL`,
    // Each count follows its rows: in, out, moved between projects (and, for assets, trashed).
    ...counted.flatMap(([table, column, live]) => [
      `CREATE TRIGGER ${table}_project_count_insert AFTER INSERT ON ${table}
         WHEN new.project_id IS NOT NULL AND (${live.replace(/deleted_at/g, 'new.deleted_at')}) BEGIN
         UPDATE projects SET ${column} = ${column} + 1 WHERE id = new.project_id;
       END`,
      `CREATE TRIGGER ${table}_project_count_delete AFTER DELETE ON ${table}
         WHEN old.project_id IS NOT NULL AND (${live.replace(/deleted_at/g, 'old.deleted_at')}) BEGIN
         UPDATE projects SET ${column} = ${column} - 1 WHERE id = old.project_id;
       END`,
      `CREATE TRIGGER ${table}_project_count_update AFTER UPDATE OF project_id${live === '1' ? '' : ', deleted_at'} ON ${table} BEGIN
         UPDATE projects SET ${column} = ${column} - 1
           WHERE id = old.project_id AND (${live.replace(/deleted_at/g, 'old.deleted_at')});
         UPDATE projects SET ${column} = ${column} + 1
           WHERE id = new.project_id AND (${live.replace(/deleted_at/g, 'new.deleted_at')});
       END`,
    ]),
    ...counted.map(
      ([table, column, live]) =>
        `UPDATE projects SET ${column} = (SELECT count(*) FROM ${table} t WHERE t.project_id = projects.id AND (${live.replace(/deleted_at/g, 't.deleted_at')}))`,
    ),
    `CREATE TABLE entity_tags (
      entity_kind TEXT NOT NULL CHECK (entity_kind IN ('project', 'collection', 'order')),
      entity_id TEXT NOT NULL,
      tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      PRIMARY KEY (entity_kind, entity_id, tag_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX entity_tags_tag ON entity_tags(tag_id)`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
