import { sql, type Kysely } from 'kysely';
import { rebuildTable } from './support/rebuildTable';

/** Tables are rebuilt (jobs, assets, watch_folders): foreign keys must be off meanwhile. */
export const foreignKeysOff = true;

/**
 * The platform for long work on pools of engines, and outputs made from several inputs.
 *
 * - jobs: `pool` replaces the fixed resource class. It holds the pool kinds a job can run on
 *   ("cpu", "comfyui|gpu") or, for a job pinned to one endpoint, "@" and that pool's id; the
 *   scheduler finds the next job for a free slot with one index probe per key. `lease_pool` is the
 *   pool a job last ran on, `metrics` its last telemetry, `created_by` the user who asked for it.
 * - job_segments: the parts of a multi-step job, with their media span, attempts, error and a
 *   hash of their inputs (what changed since they ran).
 * - assets: provenance "derived" (made from other assets, neither generated nor enhanced), and
 *   `asset_links`: an output's sources with their roles (source, reference, mask, lora…),
 *   backfilled from derived_from.
 * - engine_endpoints: engine servers (ComfyUI, sd-server, an OpenAI-compatible LLM server), each
 *   a pool of its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const owner = (
    await sql<{
      id: string;
    }>`SELECT id FROM users WHERE role = 'owner' ORDER BY created_at LIMIT 1`.execute(db)
  ).rows[0]?.id;

  await rebuildTable(db, 'jobs', {
    create: () => `CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed','cancelled')),
      priority INTEGER NOT NULL DEFAULT 0,
      position REAL NOT NULL DEFAULT 0,
      pool TEXT NOT NULL DEFAULT 'cpu',
      lease_pool TEXT,
      progress REAL NOT NULL DEFAULT 0,
      progress_message TEXT,
      eta_sec REAL,
      metrics TEXT,
      params TEXT NOT NULL DEFAULT '{}',
      result TEXT,
      error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL DEFAULT 1,
      run_after TEXT,
      parent_id TEXT REFERENCES jobs(id) ON DELETE CASCADE,
      asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
      pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL,
      created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
      title TEXT NOT NULL DEFAULT '',
      resource_seconds REAL NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT,
      updated_at TEXT NOT NULL
    )`,
    select: {
      pool: `CASE WHEN kind = 'batch' THEN '' ELSE resource_class END`,
      created_by: owner ? `'${owner.replace(/'/g, "''")}'` : 'NULL',
    },
    drop: ['jobs_runnable'],
  });

  const statements = [
    `CREATE INDEX jobs_dispatch ON jobs(pool, priority DESC, position) WHERE status = 'queued'`,
    `CREATE INDEX jobs_creator ON jobs(created_by, status, created_at) WHERE created_by IS NOT NULL`,

    `ALTER TABLE job_segments ADD COLUMN label TEXT`,
    `ALTER TABLE job_segments ADD COLUMN start_ms INTEGER`,
    `ALTER TABLE job_segments ADD COLUMN end_ms INTEGER`,
    `ALTER TABLE job_segments ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE job_segments ADD COLUMN error TEXT`,
    `ALTER TABLE job_segments ADD COLUMN input_hash TEXT`,

    `CREATE TABLE asset_links (
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      role TEXT NOT NULL,
      source_kind TEXT NOT NULL CHECK (source_kind IN ('asset','model','job','training','order_item','dataset','character')),
      source_id TEXT NOT NULL,
      position INTEGER NOT NULL DEFAULT 0,
      details TEXT,
      created_at TEXT NOT NULL,
      PRIMARY KEY (asset_id, role, source_kind, source_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX asset_links_source ON asset_links(source_kind, source_id)`,
    `INSERT INTO asset_links (asset_id, role, source_kind, source_id, position, created_at)
       SELECT id, 'source', 'asset', derived_from, 0, added_at FROM assets
       WHERE derived_from IS NOT NULL AND derived_from IN (SELECT id FROM assets)`,

    `CREATE TABLE engine_endpoints (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('comfyui','sdserver','llm')),
      name TEXT NOT NULL,
      url TEXT NOT NULL,
      auth TEXT,
      slots INTEGER NOT NULL DEFAULT 1 CHECK (slots BETWEEN 1 AND 64),
      enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (kind, url)
    )`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);

  const withDerived = (current: string) => {
    const next = current.replace(
      /'user_provided','enhanced'\)/g,
      "'user_provided','enhanced','derived')",
    );
    if (next === current) throw new Error('0008: the provenance CHECK was not where expected');
    return next;
  };
  await rebuildTable(db, 'watch_folders', { create: withDerived });
  await rebuildTable(db, 'assets', { create: withDerived });
}
