import { sql, type Kysely } from 'kysely';

/**
 * Indexes the queue needs on the jobs table from 0001: the scheduler's "next runnable job of this
 * resource class" and the Jobs page's keyset pages per status stay index lookups at 10k+ jobs,
 * and a batch finds its unfinished children without scanning them all.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE INDEX jobs_runnable ON jobs(resource_class, priority DESC, position, created_at) WHERE status = 'queued'`,
    `CREATE INDEX jobs_status_created ON jobs(status, created_at DESC, id DESC)`,
    `CREATE INDEX jobs_parent_status ON jobs(parent_id, status) WHERE parent_id IS NOT NULL`,
    `CREATE INDEX jobs_top_created ON jobs(created_at DESC, id DESC) WHERE parent_id IS NULL`,
    `CREATE INDEX assets_job ON assets(job_id) WHERE job_id IS NOT NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
