import { sql, type Kysely } from 'kysely';

/**
 * Generation: a registry of model files, and orders of images.
 *
 * - models gains what a scan of its file says (format, base model, resolution, trigger words
 *   from the training tags, a description, the A1111 short hash), so a generated asset can link
 *   to its model by id.
 * - model_files: every model file Atelier found, in the model folders on this computer
 *   (`location` 'local', `path` absolute) or on an engine server (`location` its endpoint id,
 *   `path` as the server names it), with its size and mtime (the SHA-256 is reused while they
 *   stay the same) or why it is not a model. Several files may be one model (one match key).
 * - orders (one request: a model, an engine, base parameters, N items) and order_items (each
 *   image: its parameters as asked, as sent, as the engine returned them; its engine request id,
 *   retries, error, warnings). The order's counts and status are kept by triggers, so nothing that
 *   changes an item can leave its order stale.
 */
/** The order's status from its counts; `processing` once any item started or finished. */
function orderStatus(row: 'new' | 'old'): string {
  return `UPDATE orders SET
        status = CASE
          WHEN item_count > 0 AND complete_count + failed_count + cancelled_count = item_count THEN
            CASE WHEN failed_count > 0 THEN 'failed' WHEN cancelled_count > 0 THEN 'cancelled' ELSE 'fulfilled' END
          WHEN complete_count + failed_count + cancelled_count > 0
            OR ${row}.status = 'generating'
            OR EXISTS (SELECT 1 FROM order_items WHERE order_id = orders.id AND status = 'generating') THEN 'processing'
          ELSE 'pending' END,
        finished_at = CASE
          WHEN item_count > 0 AND complete_count + failed_count + cancelled_count = item_count
          THEN coalesce(finished_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ELSE NULL END,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
      WHERE id = ${row}.order_id;`;
}

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `ALTER TABLE models ADD COLUMN format TEXT`,
    `ALTER TABLE models ADD COLUMN base_model TEXT`,
    `ALTER TABLE models ADD COLUMN resolution TEXT`,
    `ALTER TABLE models ADD COLUMN trigger_words TEXT`,
    `ALTER TABLE models ADD COLUMN description TEXT`,
    `ALTER TABLE models ADD COLUMN autov2 TEXT`,
    `ALTER TABLE models ADD COLUMN size_bytes INTEGER`,
    `CREATE INDEX models_autov2 ON models(autov2) WHERE autov2 IS NOT NULL`,
    `CREATE TABLE model_files (
      location TEXT NOT NULL,
      path TEXT NOT NULL,
      model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
      kind TEXT,
      size_bytes INTEGER,
      mtime_ms INTEGER,
      sha256 TEXT,
      problem TEXT,
      scanned_at TEXT NOT NULL,
      PRIMARY KEY (location, path)
    ) WITHOUT ROWID`,
    `CREATE INDEX model_files_model ON model_files(model_id)`,
    `CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
      model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
      engine TEXT NOT NULL CHECK (engine IN ('sdcpp', 'sdserver', 'comfyui')),
      endpoint_id TEXT,
      params TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processing', 'fulfilled', 'failed', 'cancelled')),
      item_count INTEGER NOT NULL DEFAULT 0,
      complete_count INTEGER NOT NULL DEFAULT 0,
      failed_count INTEGER NOT NULL DEFAULT 0,
      cancelled_count INTEGER NOT NULL DEFAULT 0,
      job_id TEXT,
      created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT
    )`,
    `CREATE INDEX orders_created ON orders(created_at DESC)`,
    `CREATE TABLE order_items (
      id TEXT PRIMARY KEY,
      order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'generating', 'complete', 'failed', 'cancelled')),
      generation_params TEXT NOT NULL,
      actual_params TEXT,
      returned_params TEXT,
      provider_request_id TEXT,
      endpoint_id TEXT,
      job_id TEXT,
      asset_ids TEXT,
      retries INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      warnings TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT,
      UNIQUE (order_id, seq)
    )`,
    `CREATE INDEX order_items_job ON order_items(job_id) WHERE job_id IS NOT NULL`,
    `CREATE INDEX order_items_status_idx ON order_items(order_id, status)`,
    // The order follows its items: counts kept incrementally (an order of 10,000 items is
    // inserted in one go; recounting per row would be quadratic), and a status from them (any
    // failed item makes a finished order failed; any cancelled, cancelled; else fulfilled).
    `CREATE TRIGGER order_items_insert AFTER INSERT ON order_items BEGIN
      UPDATE orders SET item_count = item_count + 1,
        complete_count = complete_count + (new.status = 'complete'),
        failed_count = failed_count + (new.status = 'failed'),
        cancelled_count = cancelled_count + (new.status = 'cancelled')
      WHERE id = new.order_id;
      ${orderStatus('new')}
    END`,
    `CREATE TRIGGER order_items_status AFTER UPDATE OF status ON order_items
      WHEN old.status IS NOT new.status BEGIN
      UPDATE orders SET
        complete_count = complete_count + (new.status = 'complete') - (old.status = 'complete'),
        failed_count = failed_count + (new.status = 'failed') - (old.status = 'failed'),
        cancelled_count = cancelled_count + (new.status = 'cancelled') - (old.status = 'cancelled')
      WHERE id = new.order_id;
      ${orderStatus('new')}
    END`,
    `CREATE TRIGGER order_items_delete AFTER DELETE ON order_items BEGIN
      UPDATE orders SET item_count = item_count - 1,
        complete_count = complete_count - (old.status = 'complete'),
        failed_count = failed_count - (old.status = 'failed'),
        cancelled_count = cancelled_count - (old.status = 'cancelled')
      WHERE id = old.order_id;
      ${orderStatus('old')}
    END`,
    // An item follows its job, whatever moved the job (the runner, a cancel from the Jobs page,
    // crash recovery, a retry): the two can never disagree, even across a crash.
    `CREATE TRIGGER order_items_follow_job AFTER UPDATE OF status ON jobs
      WHEN old.status IS NOT new.status AND new.kind LIKE 'generate_%' BEGIN
      UPDATE order_items SET
        status = CASE new.status
          WHEN 'queued' THEN 'pending' WHEN 'running' THEN 'generating' WHEN 'completed' THEN 'complete'
          WHEN 'failed' THEN 'failed' WHEN 'cancelled' THEN 'cancelled' ELSE status END,
        retries = retries + (new.status = 'queued' AND old.status IN ('failed', 'cancelled', 'running')),
        error = CASE WHEN new.status IN ('failed', 'cancelled') THEN new.error
          WHEN new.status IN ('queued', 'running') THEN NULL ELSE error END,
        finished_at = CASE WHEN new.status IN ('completed', 'failed', 'cancelled')
          THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE NULL END,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
      WHERE job_id = new.id;
    END`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
