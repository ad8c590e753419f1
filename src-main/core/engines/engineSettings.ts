import type { Kysely } from 'kysely';
import { engineSettingsSchema, type EngineSettings } from '../../contract/engines';
import type { Database } from '../db/schema';
import { nowIso } from '../util/ids';

/** Engine overrides live in the settings table under one key, apart from the app settings. */
const KEY = 'engines';

export async function readEngineSettings(db: Kysely<Database>): Promise<EngineSettings> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', KEY)
    .executeTakeFirst();
  if (row) {
    try {
      const parsed = engineSettingsSchema.safeParse(JSON.parse(row.value));
      // A hand-edited or older value falls back to defaults rather than breaking processing.
      if (parsed.success) return parsed.data;
    } catch {}
  }
  return engineSettingsSchema.parse({});
}

export async function writeEngineSettings(
  db: Kysely<Database>,
  patch: Partial<EngineSettings>,
): Promise<EngineSettings> {
  const current = await readEngineSettings(db);
  const next = engineSettingsSchema.parse({
    ...current,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  });
  const value = JSON.stringify(next);
  const at = nowIso();
  await db
    .insertInto('settings')
    .values({ key: KEY, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
  return next;
}
