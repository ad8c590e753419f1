import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { migrateToLatest, readSchemaState } from '../../../src-main/core/db/migrate';
import { openDatabase } from '../../../src-main/core/db/open';
import { tempDir } from '../../helpers/tempDir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('migrations', () => {
  it('creates every table on a fresh database file, with WAL and foreign keys on', async () => {
    const file = path.join(dir(), 'atelier.db');
    const { db, sqlite, close } = openDatabase(file);
    const result = await migrateToLatest(db, file);
    expect(result.applied).toEqual(migrations.map(([n]) => n));
    expect(result.backupPath).toBeNull();
    const tables = (
      sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name`)
        .all() as { name: string }[]
    ).map((r) => r.name);
    for (const t of [
      'users',
      'sessions',
      'settings',
      'watch_folders',
      'assets',
      'assets_fts',
      'tags',
      'asset_tags',
      'collections',
      'collection_assets',
      'projects',
      'packs',
      'pack_assets',
      'jobs',
      'job_segments',
      'job_logs',
      'migration_history',
    ]) {
      expect(tables).toContain(t);
    }
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(sqlite.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    await close();
  });

  it('is a no-op the second time', async () => {
    const file = path.join(dir(), 'atelier.db');
    const a = openDatabase(file);
    await migrateToLatest(a.db, file);
    await a.close();
    const b = openDatabase(file);
    const again = await migrateToLatest(b.db, file);
    expect(again.applied).toEqual([]);
    expect(again.backupPath).toBeNull();
    await b.close();
  });

  it('backs the file up before migrating an existing database, and commits each migration with its history row', async () => {
    const d = dir();
    const file = path.join(d, 'atelier.db');
    const first = openDatabase(file);
    await migrateToLatest(first.db, file, migrations.slice(0, 1));
    await first.db
      .insertInto('settings')
      .values({ key: 'ownerName', value: '"Ada"', updated_at: 'now' })
      .execute();
    await first.close();

    const extra = [
      ...migrations,
      [
        '9998_ok',
        { up: async (db: Kysely<any>) => void (await sql`CREATE TABLE extra_ok (x)`.execute(db)) },
      ],
      [
        '9999_broken',
        {
          up: async (db: Kysely<any>) => {
            await sql`CREATE TABLE extra_broken (x)`.execute(db);
            throw new Error('boom');
          },
        },
      ],
    ] as const;
    const second = openDatabase(file);
    await expect(migrateToLatest(second.db, file, extra)).rejects.toThrow('boom');
    await second.close();

    const backups = readdirSync(d).filter((f) => f.startsWith('atelier.db.bak-'));
    expect(backups).toHaveLength(1);
    const backup = new BetterSqlite3(path.join(d, backups[0]!), { readonly: true });
    expect(backup.prepare(`SELECT value FROM settings WHERE key='ownerName'`).get()).toEqual({
      value: '"Ada"',
    });
    backup.close();

    const check = new BetterSqlite3(file, { readonly: true });
    const names = (
      check.prepare('SELECT name FROM migration_history ORDER BY name').all() as { name: string }[]
    ).map((r) => r.name);
    expect(names).toContain('9998_ok');
    expect(names).not.toContain('9999_broken');
    // The failed migration's DDL rolled back with it.
    expect(
      check.prepare(`SELECT name FROM sqlite_master WHERE name='extra_broken'`).get(),
    ).toBeUndefined();
    expect(
      check.prepare(`SELECT name FROM sqlite_master WHERE name='extra_ok'`).get(),
    ).toBeDefined();
    check.close();
  });

  it('refuses a database written by a newer Atelier and leaves the file untouched', async () => {
    const d = dir();
    const dataDir = path.join(d, 'data');
    const core = await openAtelier({ dataDir, host: 'cli', services: false });
    await core.dispose();
    const file = path.join(dataDir, 'atelier.db');
    const raw = new BetterSqlite3(file);
    raw
      .prepare(
        `INSERT INTO migration_history(name, timestamp) VALUES ('9999_from_the_future', 'x')`,
      )
      .run();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha(file);
    const filesBefore = readdirSync(dataDir).sort();

    await expect(openAtelier({ dataDir, host: 'cli', services: false })).rejects.toThrow(
      /newer version of Atelier/,
    );
    expect(sha(file)).toBe(before);
    expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
    expect(readSchemaState(file).unknown).toEqual(['9999_from_the_future']);
    expect(existsSync(path.join(dataDir, 'atelier.lock'))).toBe(false);
  });

  it('keeps the full-text index and tag counts in step through triggers', async () => {
    const file = path.join(dir(), 'atelier.db');
    const { db, sqlite, close } = openDatabase(file);
    await migrateToLatest(db, file);
    const at = new Date().toISOString();
    await db
      .insertInto('assets')
      .values({
        id: 'a1',
        path: '/x/castle.png',
        filename: 'castle.png',
        type: 'image',
        sha256: 'ab',
        mime: null,
        phash: null,
        width: null,
        height: null,
        duration_sec: null,
        sample_rate: null,
        channels: null,
        fps: null,
        codec: null,
        audio_codec: null,
        bit_rate: null,
        format: null,
        orientation: null,
        theme: null,
        source: null,
        prompt: 'a misty castle at dawn',
        negative_prompt: null,
        seed: null,
        model: null,
        model_hash: null,
        generation_params: null,
        raw_metadata: null,
        derived_from: null,
        derivation: null,
        job_id: null,
        thumb_key: null,
        folder_id: null,
        project_id: null,
        created_at: at,
        added_at: at,
        updated_at: at,
        deleted_at: null,
      })
      .execute();
    const search = (q: string) =>
      (
        sqlite
          .prepare(
            `SELECT a.id FROM assets_fts f JOIN assets a ON a.rid = f.rowid WHERE assets_fts MATCH ?`,
          )
          .all(q) as { id: string }[]
      ).map((r) => r.id);
    expect(search('misty')).toEqual(['a1']);
    await db
      .insertInto('tags')
      .values({ id: 't1', name: 'Fantasy', color: null, created_at: at })
      .execute();
    await db
      .insertInto('asset_tags')
      .values({ asset_id: 'a1', tag_id: 't1', created_at: at })
      .execute();
    expect(search('fantasy')).toEqual(['a1']);
    expect(
      (await db.selectFrom('tags').select('usage_count').executeTakeFirstOrThrow()).usage_count,
    ).toBe(1);
    await db.updateTable('tags').set({ name: 'Medieval' }).execute();
    expect(search('medieval')).toEqual(['a1']);
    expect(search('fantasy')).toEqual([]);
    await db.deleteFrom('asset_tags').execute();
    expect(
      (await db.selectFrom('tags').select('usage_count').executeTakeFirstOrThrow()).usage_count,
    ).toBe(0);
    await db.updateTable('assets').set({ prompt: 'a sunny beach' }).execute();
    expect(search('castle')).toEqual(['a1']); // still in the filename
    expect(search('misty')).toEqual([]);
    await db.deleteFrom('assets').execute();
    expect(search('castle')).toEqual([]);
    await close();
  });
});
