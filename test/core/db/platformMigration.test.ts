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

const at = '2026-01-01T00:00:00.000Z';

describe('migration 0008 (platform) on a version-7 library', () => {
  it('rebuilds jobs, assets and watch folders without losing a row, a link, an index or a trigger', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'atelier.db');
    const old = openDatabase(file);
    await migrateToLatest(old.db, file, migrations.slice(0, 7));
    const s = old.sqlite;
    s.prepare(
      "INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u1', 'Ada', 'owner', ?, ?)",
    ).run(at, at);
    s.prepare(
      "INSERT INTO watch_folders (id, path, default_provenance, created_at, updated_at) VALUES ('w1', '/in', 'ai_generated', ?, ?)",
    ).run(at, at);
    const asset = s.prepare(
      `INSERT INTO assets (id, path, folder_id, filename, type, sha256, prompt, model, derived_from, provenance, created_at, added_at, updated_at)
       VALUES (?, ?, 'w1', ?, 'image', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    asset.run(
      'a1',
      '/in/a.png',
      'a.png',
      'h1',
      'neon cyberpunk city',
      'dreamshaper_8',
      null,
      'ai_generated',
      at,
      at,
      at,
    );
    asset.run(
      'a2',
      '/out/a_x4.png',
      'a_x4.png',
      'h2',
      'neon cyberpunk city',
      'dreamshaper_8',
      'a1',
      'enhanced',
      at,
      at,
      at,
    );
    s.prepare(
      "INSERT INTO packs (id, name, slug, created_at, updated_at) VALUES ('p1', 'Neon', 'neon', ?, ?)",
    ).run(at, at);
    s.prepare(
      "INSERT INTO pack_assets (pack_id, asset_id, position, added_at) VALUES ('p1', 'a2', 1, ?)",
    ).run(at);
    const job = s.prepare(
      `INSERT INTO jobs (id, kind, status, resource_class, parent_id, asset_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    job.run('b1', 'batch', 'running', 'io', null, null, at, at);
    job.run('j1', 'upscale', 'running', 'gpu', 'b1', 'a1', at, at);
    job.run('j2', 'denoise_audio', 'queued', 'cpu', 'b1', null, at, at);
    s.prepare(
      "INSERT INTO job_segments (id, job_id, idx, status) VALUES ('s1', 'j1', 0, 'completed')",
    ).run();
    s.prepare("INSERT INTO job_logs (job_id, at, message) VALUES ('j1', ?, 'started')").run(at);
    await old.close();

    const db = openDatabase(file);
    const result = await migrateToLatest(db.db, file);
    expect(result.applied).toContain('0008_platform');
    const q = db.sqlite;
    expect(q.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(q.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(q.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });

    // Jobs: pool keys from the old classes, batch parents on none, the owner as creator;
    // segments and logs still there (dropping the old table did not cascade).
    expect(q.prepare('SELECT id, pool, created_by, parent_id FROM jobs ORDER BY id').all()).toEqual(
      [
        { id: 'b1', pool: '', created_by: 'u1', parent_id: null },
        { id: 'j1', pool: 'gpu', created_by: 'u1', parent_id: 'b1' },
        { id: 'j2', pool: 'cpu', created_by: 'u1', parent_id: 'b1' },
      ],
    );
    expect(q.prepare('SELECT count(*) n FROM job_segments').get()).toEqual({ n: 1 });
    expect(q.prepare('SELECT count(*) n FROM job_logs').get()).toEqual({ n: 1 });
    const indexes = (
      q
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs'")
        .all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'jobs_dispatch',
        'jobs_queue',
        'jobs_parent_status',
        'jobs_top_created',
      ]),
    );
    expect(indexes).not.toContain('jobs_runnable');
    // The dispatch query walks its index.
    const plan = q
      .prepare(
        "EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status = 'queued' AND pool = 'cpu' ORDER BY priority DESC, position ASC LIMIT 1",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/jobs_dispatch/);

    // Assets: the upscale's source became a link; "derived" is a provenance now; the pack, the
    // full-text index and its triggers, and the model table's triggers all still work.
    expect(
      q.prepare('SELECT asset_id, role, source_kind, source_id FROM asset_links').all(),
    ).toEqual([{ asset_id: 'a2', role: 'source', source_kind: 'asset', source_id: 'a1' }]);
    q.prepare(
      "UPDATE assets SET provenance = 'derived', prompt = 'vaporwave sunset' WHERE id = 'a1'",
    ).run();
    expect(() =>
      q.prepare("UPDATE assets SET provenance = 'nonsense' WHERE id = 'a1'").run(),
    ).toThrow(/CHECK/);
    expect(
      q.prepare("SELECT count(*) n FROM assets_fts WHERE assets_fts MATCH 'vaporwave'").get(),
    ).toEqual({
      n: 1,
    });
    expect(
      q.prepare("SELECT count(*) n FROM assets_fts WHERE assets_fts MATCH 'cyberpunk'").get(),
    ).toEqual({
      n: 1,
    });
    expect(q.prepare("SELECT asset_count FROM packs WHERE id = 'p1'").get()).toEqual({
      asset_count: 1,
    });
    q.prepare(
      `INSERT INTO assets (id, path, folder_id, filename, type, sha256, prompt, model, derived_from, provenance, created_at, added_at, updated_at)
       VALUES (?, ?, 'w1', ?, 'image', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run('a3', '/in/c.png', 'c.png', 'h1', 'x', 'juggernaut', null, 'derived', at, at, at);
    expect(q.prepare("SELECT name FROM asset_models WHERE asset_id = 'a3'").all()).toEqual([
      { name: 'juggernaut' },
    ]);
    expect(q.prepare('SELECT sha256 FROM dup_hashes').all()).toEqual([{ sha256: 'h1' }]);
    expect(q.prepare("SELECT default_provenance FROM watch_folders WHERE id = 'w1'").get()).toEqual(
      {
        default_provenance: 'ai_generated',
      },
    );
    // Deleting the source nulls derived_from and drops its link; deleting a job cascades again.
    q.prepare("DELETE FROM jobs WHERE id = 'b1'").run();
    expect(q.prepare('SELECT count(*) n FROM jobs').get()).toEqual({ n: 0 });
    expect(q.prepare('SELECT count(*) n FROM job_logs').get()).toEqual({ n: 0 });
    await db.close();
  });
});
