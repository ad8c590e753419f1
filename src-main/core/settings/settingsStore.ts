import type { Kysely } from 'kysely';
import { appSettingsSchema, type AppSettings } from '../../contract/system';
import type { Database } from '../db/schema';
import { nowIso } from '../util/ids';

export const defaultSettings: AppSettings = {
  theme: 'system',
  ownerName: '',
  supportContact: '',
  workspaceExpiryDays: 7,
};

/**
 * Settings are rows of key → JSON value. A value that no longer parses (hand-edited, or from an
 * older shape) falls back to the default for that key rather than breaking start-up.
 */
export class SettingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getAll(): Promise<AppSettings> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).execute();
    const merged: Record<string, unknown> = { ...defaultSettings };
    for (const row of rows) {
      if (!(row.key in defaultSettings)) continue;
      try {
        const candidate = { ...merged, [row.key]: JSON.parse(row.value) as unknown };
        if (appSettingsSchema.safeParse(candidate).success) merged[row.key] = candidate[row.key];
      } catch {}
    }
    return appSettingsSchema.parse(merged);
  }

  async update(patch: Partial<AppSettings>): Promise<AppSettings> {
    const at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        await trx
          .insertInto('settings')
          .values({ key, value: JSON.stringify(value), updated_at: at })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at }),
          )
          .execute();
      }
    });
    return this.getAll();
  }
}
