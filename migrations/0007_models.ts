import { sql, type Kysely } from 'kysely';

/**
 * The models and LoRAs the creator's AI-generated assets were made with, and what their
 * licenses allow. A row exists once the creator has said something about a model (or, later,
 * once a model file is registered for generation and training): the names themselves come from
 * the assets' generation metadata. `match_key` is how metadata finds the row: the name without
 * folders or file extension, lower-cased, as A1111, ComfyUI and InvokeAI write it differently.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE models (
        id TEXT PRIMARY KEY,
        match_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'checkpoint' CHECK (kind IN ('checkpoint', 'lora', 'vae', 'upscaler', 'other')),
        family TEXT,
        path TEXT,
        sha256 TEXT,
        trigger_token TEXT,
        non_commercial INTEGER NOT NULL DEFAULT 0 CHECK (non_commercial IN (0, 1)),
        license_note TEXT,
        metadata TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    )
    .execute(db);
  await sql
    .raw(`CREATE INDEX models_non_commercial ON models (non_commercial) WHERE non_commercial = 1`)
    .execute(db);
}
