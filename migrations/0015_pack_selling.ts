import { sql, type Kysely } from 'kysely';

/**
 * Selling a pack (issue 18):
 * - `include_prompts`, `strip_metadata`: whether an export ships prompts/ and the generator in
 *   the manifest, and whether PNG/JPEG/WebP files lose their generation metadata (byte-level,
 *   packs/stripMetadata.ts). Packs that exist keep their secrets from now on (no prompts,
 *   stripped); new packs take the Settings default (`packExportDefaults`).
 * - `hero_asset_id`, `collage_asset_ids`: the creator's picks for the marketing images (null:
 *   chosen by rating, then newest).
 * - `license_text`: the pack's own LICENSE.txt (null: the template of its licence type).
 * - `name_pattern`: the last batch-rename pattern (`{pack}-{n:03}`), offered again.
 * - `changelog`: JSON [{version, at, note}], one line per version bump, for the README.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of [
    `ALTER TABLE packs ADD COLUMN include_prompts INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE packs ADD COLUMN strip_metadata INTEGER NOT NULL DEFAULT 1`,
    `ALTER TABLE packs ADD COLUMN hero_asset_id TEXT`,
    `ALTER TABLE packs ADD COLUMN collage_asset_ids TEXT`,
    `ALTER TABLE packs ADD COLUMN license_text TEXT`,
    `ALTER TABLE packs ADD COLUMN name_pattern TEXT`,
    `ALTER TABLE packs ADD COLUMN changelog TEXT NOT NULL DEFAULT '[]'`,
  ])
    await sql.raw(s).execute(db);
}
