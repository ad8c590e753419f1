import { sql, type Kysely } from 'kysely';

/**
 * What each cue looked like when the last run of its localisation finished (a hash of its text,
 * translation and times), so the cue editor can say which cues a re-run will redo. NULL: no run
 * has finished since the cue was recognised; '' : the cue was made (split) after the last run.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE loc_cues ADD COLUMN ran_hash TEXT`).execute(db);
}
