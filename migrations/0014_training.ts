import { sql, type Kysely } from 'kysely';

/**
 * LoRA training.
 * - `datasets`: a named set of the creator's images with a trigger token, class word, repeats,
 *   resolution and bucketing; `dataset_items` holds each image's caption, stored here and never
 *   written into the creator's files, and whether it is left out of training.
 * - `trainings`: a run of a trainer on a dataset and a base model. Its queue state is its job's
 *   (read through `job_id`), except `paused`, which the creator sets; step, loss and the trainer's
 *   last words are kept here so a list never reads job logs. `training_points` is the loss by
 *   step for the chart. The LoRAs a run saves are models rows with `training_id` and the step
 *   or epoch they were saved at; its sample images are assets linked to the training.
 * - Packs already in the trash leave their project, as deleting a pack now does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE datasets (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      trigger_token TEXT NOT NULL,
      class_word TEXT NOT NULL DEFAULT '',
      repeats INTEGER NOT NULL DEFAULT 10 CHECK (repeats >= 1),
      resolution INTEGER NOT NULL DEFAULT 512 CHECK (resolution >= 64),
      bucketing INTEGER NOT NULL DEFAULT 1,
      min_images INTEGER NOT NULL DEFAULT 10,
      project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE UNIQUE INDEX datasets_name ON datasets(name COLLATE NOCASE)`,
    `CREATE TABLE dataset_items (
      dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      caption TEXT NOT NULL DEFAULT '',
      excluded INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (dataset_id, asset_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX dataset_items_asset ON dataset_items(asset_id)`,
    `CREATE TABLE trainings (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
      dataset_name TEXT NOT NULL,
      trigger_token TEXT NOT NULL,
      base_model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
      base_model_name TEXT NOT NULL,
      base_family TEXT,
      trainer TEXT NOT NULL DEFAULT 'kohya',
      preset TEXT,
      config TEXT NOT NULL,
      job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
      paused INTEGER NOT NULL DEFAULT 0,
      step INTEGER NOT NULL DEFAULT 0,
      total_steps INTEGER,
      last_loss REAL,
      eta_sec REAL,
      error TEXT,
      non_commercial INTEGER NOT NULL DEFAULT 0,
      chosen_model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
      project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
      created_by TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT
    )`,
    `CREATE INDEX trainings_dataset ON trainings(dataset_id)`,
    `CREATE INDEX trainings_job ON trainings(job_id)`,
    `CREATE TABLE training_points (
      training_id TEXT NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      loss REAL NOT NULL,
      PRIMARY KEY (training_id, step)
    ) WITHOUT ROWID`,
    `ALTER TABLE models ADD COLUMN training_id TEXT REFERENCES trainings(id) ON DELETE SET NULL`,
    `ALTER TABLE models ADD COLUMN training_step INTEGER`,
    `ALTER TABLE models ADD COLUMN training_epoch INTEGER`,
    `CREATE INDEX models_training ON models(training_id) WHERE training_id IS NOT NULL`,
    // Packs in the trash leave their project (as deleting one now does), so its count is true.
    `UPDATE packs SET project_id = NULL WHERE deleted_at IS NOT NULL AND project_id IS NOT NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
