import { sql, type Kysely } from 'kysely';

/**
 * The first schema: the union of the five seed products, made local-first (see
 * docs/architecture.md). Typed Kysely<any> so it stays frozen in time as the app's types move on.
 * Written as SQL because CHECK constraints, partial indexes, FTS5 and triggers are clearer so.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE users (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT UNIQUE,
      password_hash TEXT,
      role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner','member')),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    )`,
    `CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      deleted_at TEXT
    )`,
    `CREATE TABLE watch_folders (
      id TEXT PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
      recursive INTEGER NOT NULL DEFAULT 1 CHECK (recursive IN (0,1)),
      is_inbox INTEGER NOT NULL DEFAULT 0 CHECK (is_inbox IN (0,1)),
      default_theme TEXT,
      default_source TEXT,
      default_provenance TEXT CHECK (default_provenance IN ('unknown','ai_generated','user_provided','enhanced')),
      last_scan_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    // rid is the stable integer key FTS5 rows point at (a plain rowid may change on VACUUM when
    // the table has no INTEGER PRIMARY KEY); id stays the public UUIDv7.
    `CREATE TABLE assets (
      rid INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      path TEXT NOT NULL UNIQUE,
      folder_id TEXT REFERENCES watch_folders(id) ON DELETE SET NULL,
      project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
      filename TEXT NOT NULL,
      ext TEXT NOT NULL DEFAULT '',
      type TEXT NOT NULL CHECK (type IN ('image','audio','video')),
      mime TEXT,
      sha256 TEXT NOT NULL,
      phash TEXT,
      size_bytes INTEGER NOT NULL DEFAULT 0,
      mtime_ms INTEGER NOT NULL DEFAULT 0,
      width INTEGER,
      height INTEGER,
      duration_sec REAL,
      sample_rate INTEGER,
      channels INTEGER,
      fps REAL,
      codec TEXT,
      audio_codec TEXT,
      bit_rate INTEGER,
      format TEXT,
      has_alpha INTEGER NOT NULL DEFAULT 0,
      has_audio INTEGER NOT NULL DEFAULT 0,
      is_animated INTEGER NOT NULL DEFAULT 0,
      orientation INTEGER,
      title TEXT NOT NULL DEFAULT '',
      theme TEXT,
      source TEXT,
      provenance TEXT NOT NULL DEFAULT 'unknown' CHECK (provenance IN ('unknown','ai_generated','user_provided','enhanced')),
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
      rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
      liked INTEGER NOT NULL DEFAULT 0 CHECK (liked IN (0,1)),
      notes TEXT NOT NULL DEFAULT '',
      prompt TEXT,
      negative_prompt TEXT,
      seed TEXT,
      model TEXT,
      model_hash TEXT,
      generation_params TEXT,
      raw_metadata TEXT,
      derived_from TEXT REFERENCES assets(id) ON DELETE SET NULL,
      derivation TEXT,
      is_upscaled INTEGER NOT NULL DEFAULT 0,
      job_id TEXT,
      thumb_key TEXT,
      missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0,1)),
      created_at TEXT NOT NULL,
      added_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      deleted_at TEXT
    )`,
    `CREATE INDEX assets_added ON assets(added_at DESC, id DESC)`,
    `CREATE INDEX assets_sha256 ON assets(sha256)`,
    `CREATE INDEX assets_folder ON assets(folder_id)`,
    `CREATE INDEX assets_derived_from ON assets(derived_from) WHERE derived_from IS NOT NULL`,
    `CREATE INDEX assets_type_added ON assets(type, added_at DESC, id DESC)`,
    `CREATE INDEX assets_status_added ON assets(status, added_at DESC, id DESC)`,
    `CREATE VIRTUAL TABLE assets_fts USING fts5(
      title, filename, prompt, notes, tags,
      tokenize = 'unicode61 remove_diacritics 2'
    )`,
    `CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN
      INSERT INTO assets_fts(rowid, title, filename, prompt, notes, tags)
      VALUES (new.rid, new.title, new.filename, coalesce(new.prompt, ''), new.notes, '');
    END`,
    `CREATE TRIGGER assets_fts_update AFTER UPDATE OF title, filename, prompt, notes ON assets BEGIN
      UPDATE assets_fts SET title = new.title, filename = new.filename,
        prompt = coalesce(new.prompt, ''), notes = new.notes
      WHERE rowid = new.rid;
    END`,
    `CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN
      DELETE FROM assets_fts WHERE rowid = old.rid;
    END`,
    `CREATE TABLE tags (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      color TEXT,
      usage_count INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL
    )`,
    `CREATE TABLE asset_tags (
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      PRIMARY KEY (asset_id, tag_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX asset_tags_tag ON asset_tags(tag_id, asset_id)`,
    // Tag usage counts and the FTS tags column follow asset_tags, so no caller can forget them.
    `CREATE TRIGGER asset_tags_insert AFTER INSERT ON asset_tags BEGIN
      UPDATE tags SET usage_count = usage_count + 1 WHERE id = new.tag_id;
      UPDATE assets_fts SET tags = (
        SELECT coalesce(group_concat(t.name, ' '), '') FROM asset_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.asset_id = new.asset_id)
      WHERE rowid = (SELECT rid FROM assets WHERE id = new.asset_id);
    END`,
    `CREATE TRIGGER asset_tags_delete AFTER DELETE ON asset_tags BEGIN
      UPDATE tags SET usage_count = usage_count - 1 WHERE id = old.tag_id;
      UPDATE assets_fts SET tags = (
        SELECT coalesce(group_concat(t.name, ' '), '') FROM asset_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.asset_id = old.asset_id)
      WHERE rowid = (SELECT rid FROM assets WHERE id = old.asset_id);
    END`,
    `CREATE TRIGGER tags_rename AFTER UPDATE OF name ON tags BEGIN
      UPDATE assets_fts SET tags = (
        SELECT coalesce(group_concat(t.name, ' '), '') FROM asset_tags at2 JOIN tags t ON t.id = at2.tag_id
        WHERE at2.asset_id = (SELECT id FROM assets WHERE rid = assets_fts.rowid))
      WHERE rowid IN (SELECT a.rid FROM asset_tags at JOIN assets a ON a.id = at.asset_id WHERE at.tag_id = new.id);
    END`,
    `CREATE TABLE collections (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      cover_asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
      smart_query TEXT,
      position REAL NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      deleted_at TEXT
    )`,
    `CREATE TABLE collection_assets (
      collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      position REAL NOT NULL,
      added_at TEXT NOT NULL,
      PRIMARY KEY (collection_id, asset_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX collection_assets_asset ON collection_assets(asset_id)`,
    `CREATE INDEX collection_assets_order ON collection_assets(collection_id, position)`,
    `CREATE TABLE packs (
      id TEXT PRIMARY KEY,
      project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
      name TEXT NOT NULL,
      slug TEXT NOT NULL UNIQUE,
      theme TEXT,
      description TEXT NOT NULL DEFAULT '',
      license_type TEXT NOT NULL DEFAULT 'commercial' CHECK (license_type IN ('personal','commercial','extended_commercial','royalty_free','attribution')),
      version TEXT NOT NULL DEFAULT '1.0.0',
      cover_asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
      asset_count INTEGER NOT NULL DEFAULT 0,
      total_size_bytes INTEGER NOT NULL DEFAULT 0,
      export_path TEXT,
      exported_at TEXT,
      export_sha256 TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      deleted_at TEXT
    )`,
    `CREATE TABLE pack_assets (
      pack_id TEXT NOT NULL REFERENCES packs(id) ON DELETE CASCADE,
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      position REAL NOT NULL,
      export_filename TEXT,
      added_at TEXT NOT NULL,
      PRIMARY KEY (pack_id, asset_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX pack_assets_asset ON pack_assets(asset_id)`,
    `CREATE INDEX pack_assets_order ON pack_assets(pack_id, position)`,
    // Pack counts and sizes follow pack_assets for the same reason tag counts do.
    `CREATE TRIGGER pack_assets_insert AFTER INSERT ON pack_assets BEGIN
      UPDATE packs SET asset_count = asset_count + 1,
        total_size_bytes = total_size_bytes + coalesce((SELECT size_bytes FROM assets WHERE id = new.asset_id), 0)
      WHERE id = new.pack_id;
    END`,
    `CREATE TRIGGER pack_assets_delete AFTER DELETE ON pack_assets BEGIN
      UPDATE packs SET asset_count = asset_count - 1,
        total_size_bytes = total_size_bytes - coalesce((SELECT size_bytes FROM assets WHERE id = old.asset_id), 0)
      WHERE id = old.pack_id;
    END`,
    `CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed','cancelled')),
      priority INTEGER NOT NULL DEFAULT 0,
      position REAL NOT NULL DEFAULT 0,
      resource_class TEXT NOT NULL DEFAULT 'cpu' CHECK (resource_class IN ('gpu','cpu','io')),
      progress REAL NOT NULL DEFAULT 0,
      progress_message TEXT,
      eta_sec REAL,
      params TEXT NOT NULL DEFAULT '{}',
      result TEXT,
      error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL DEFAULT 1,
      run_after TEXT,
      parent_id TEXT REFERENCES jobs(id) ON DELETE CASCADE,
      asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
      pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL,
      title TEXT NOT NULL DEFAULT '',
      resource_seconds REAL NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX jobs_queue ON jobs(status, priority DESC, position, created_at)`,
    `CREATE INDEX jobs_parent ON jobs(parent_id) WHERE parent_id IS NOT NULL`,
    `CREATE INDEX jobs_created ON jobs(created_at DESC, id DESC)`,
    `CREATE TABLE job_segments (
      id TEXT PRIMARY KEY,
      job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed','cancelled')),
      progress REAL NOT NULL DEFAULT 0,
      params TEXT NOT NULL DEFAULT '{}',
      result TEXT,
      started_at TEXT,
      finished_at TEXT,
      UNIQUE (job_id, idx)
    )`,
    `CREATE TABLE job_logs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      at TEXT NOT NULL,
      level TEXT NOT NULL DEFAULT 'info' CHECK (level IN ('debug','info','warn','error')),
      message TEXT NOT NULL
    )`,
    `CREATE INDEX job_logs_job ON job_logs(job_id, id)`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
