import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations';
import { migrateToLatest } from '../../../src-main/core/db/migrate';
import { openDatabase } from '../../../src-main/core/db/open';
import { tempDir } from '../../helpers/tempDir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const at = '2026-11-01T00:00:00.000Z';

describe('migrations 0020 and 0021 (subtitle assets, their words in search) on a version-19 library', () => {
  it('rebuilds assets with the subtitles type and a language, keeping every row, label, link, index and trigger', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'atelier.db');
    const old = openDatabase(file);
    const upTo = migrations.findIndex(([name]) => name === '0020_subtitle_assets');
    await migrateToLatest(old.db, file, migrations.slice(0, upTo));
    const s = old.sqlite;
    const asset = s.prepare(
      `INSERT INTO assets (id, path, filename, type, sha256, prompt, color_label, derived_from, created_at, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    asset.run(
      'v1',
      '/in/talk.mp4',
      'talk.mp4',
      'video',
      'h1',
      'a walk in the hills',
      'red',
      null,
      at,
      at,
      at,
    );
    asset.run('v2', '/out/talk_es.mp4', 'talk_es.mp4', 'video', 'h2', null, null, 'v1', at, at, at);
    s.prepare(
      `INSERT INTO asset_links (asset_id, role, source_kind, source_id, created_at) VALUES ('v2', 'source', 'asset', 'v1', ?)`,
    ).run(at);
    s.prepare(
      `INSERT INTO localizations (id, asset_id, mode, source_lang, target_lang, created_at, updated_at) VALUES ('l1', 'v1', 'video', 'en', 'es', ?, ?)`,
    ).run(at, at);
    expect(() =>
      s
        .prepare(
          `INSERT INTO assets (id, path, filename, type, sha256, created_at, added_at, updated_at) VALUES ('s0', '/x.srt', 'x.srt', 'subtitles', 'h0', ?, ?, ?)`,
        )
        .run(at, at, at),
    ).toThrow(/CHECK/);
    // Every index and trigger, on assets and on the tables that name it, as it was.
    const schema = (q: typeof s) =>
      q
        .prepare(
          `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type != 'table' ORDER BY type, name`,
        )
        .all();
    const before = schema(s);
    expect(before.length).toBeGreaterThan(20);
    await old.close();

    const db = openDatabase(file);
    const result = await migrateToLatest(db.db, file);
    expect(result.applied).toEqual(['0020_subtitle_assets', '0021_subtitle_search']);
    const q = db.sqlite;
    expect(schema(q)).toEqual(before);
    expect(q.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(q.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(
      q
        .prepare('SELECT id, type, color_label, derived_from, language FROM assets ORDER BY id')
        .all(),
    ).toEqual([
      { id: 'v1', type: 'video', color_label: 'red', derived_from: null, language: null },
      { id: 'v2', type: 'video', color_label: null, derived_from: 'v1', language: null },
    ]);
    // Rows that point at assets are still there (the rebuild did not cascade).
    expect(q.prepare('SELECT count(*) n FROM asset_links').get()).toEqual({ n: 1 });
    expect(q.prepare('SELECT count(*) n FROM localizations').get()).toEqual({ n: 1 });
    q.prepare(
      `INSERT INTO assets (id, path, filename, type, sha256, language, derived_from, created_at, added_at, updated_at)
       VALUES ('s1', '/out/talk_es.srt', 'talk_es.srt', 'subtitles', 'h3', 'es', 'v1', ?, ?, ?)`,
    ).run(at, at, at);
    expect(() => q.prepare("UPDATE assets SET type = 'document' WHERE id = 's1'").run()).toThrow(
      /CHECK/,
    );
    // The full-text index follows inserts and updates through its triggers, and the indexes
    // of earlier migrations (colour labels, formats) are back.
    q.prepare("UPDATE assets SET prompt = 'vaporwave sunset' WHERE id = 'v2'").run();
    expect(
      q.prepare("SELECT count(*) n FROM assets_fts WHERE assets_fts MATCH 'vaporwave'").get(),
    ).toEqual({ n: 1 });
    expect(
      q.prepare("SELECT count(*) n FROM assets_fts WHERE assets_fts MATCH 'hills'").get(),
    ).toEqual({ n: 1 });
    // 0021: the index has a column for what subtitles say, which the triggers leave alone.
    q.prepare(
      `UPDATE assets_fts SET said = 'la montaña' WHERE rowid = (SELECT rid FROM assets WHERE id = 's1')`,
    ).run();
    q.prepare("UPDATE assets SET title = 'Walk' WHERE id = 's1'").run();
    expect(
      q
        .prepare(
          "SELECT a.id FROM assets_fts f JOIN assets a ON a.rid = f.rowid WHERE assets_fts MATCH 'said:montana'",
        )
        .all(),
    ).toEqual([{ id: 's1' }]);
    await db.close();
  });
});
