import { sql, type Kysely } from 'kysely';

/**
 * Batches that write themselves, and a place to stage what they make.
 *
 * - lookups: named lists a prompt draws from (`[colour]`, `__colour__`), one JSON array of
 *   values each; `system` ones ship with Atelier and are read-only.
 * - negative_presets: text appended to an order's negative prompt for a model family (or all),
 *   by priority, when active and the order does not opt out.
 * - generation_templates: a named parameter set (with a model) to start new orders from; how
 *   often it was used.
 * - orders gain where their images go (`library` or a workspace session), the prompt as typed
 *   (before expansion) and the expansion's warnings.
 * - workspace_sessions / workspace_items: generated files staged outside the Library until the
 *   creator keeps (promotes to an asset) or discards (deletes) them; unkept ones expire.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE lookups (
      key TEXT PRIMARY KEY,
      vals TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      category TEXT NOT NULL DEFAULT '',
      system INTEGER NOT NULL DEFAULT 0 CHECK (system IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID`,
    `CREATE TABLE negative_presets (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      family TEXT,
      content_mode TEXT NOT NULL DEFAULT 'sfw' CHECK (content_mode IN ('sfw', 'nsfw', 'any')),
      text TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE generation_templates (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
      params TEXT NOT NULL,
      project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
      usage_count INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE UNIQUE INDEX generation_templates_name ON generation_templates(coalesce(project_id, ''), lower(name))`,
    `ALTER TABLE orders ADD COLUMN destination TEXT NOT NULL DEFAULT 'library' CHECK (destination IN ('library', 'workspace'))`,
    `ALTER TABLE orders ADD COLUMN workspace_session_id TEXT`,
    `ALTER TABLE orders ADD COLUMN source_prompt TEXT`,
    `ALTER TABLE orders ADD COLUMN warnings TEXT`,
    `CREATE TABLE workspace_sessions (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE workspace_items (
      id TEXT PRIMARY KEY,
      session_id TEXT NOT NULL REFERENCES workspace_sessions(id) ON DELETE CASCADE,
      order_item_id TEXT,
      path TEXT NOT NULL,
      ext TEXT NOT NULL,
      width INTEGER,
      height INTEGER,
      prompt TEXT,
      negative_prompt TEXT,
      seed TEXT,
      model TEXT,
      model_id TEXT,
      generation_params TEXT,
      links TEXT,
      status TEXT NOT NULL DEFAULT 'staged' CHECK (status IN ('staged', 'kept', 'discarded')),
      asset_id TEXT,
      expires_at TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX workspace_items_session ON workspace_items(session_id, created_at)`,
    `CREATE INDEX workspace_items_expiry ON workspace_items(expires_at) WHERE status = 'staged'`,
    `CREATE INDEX workspace_items_order_item ON workspace_items(order_item_id) WHERE order_item_id IS NOT NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
