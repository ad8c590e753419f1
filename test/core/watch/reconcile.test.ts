import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { createApi } from '../../../src-main/core/api/dispatch';
import { ingestPipeline } from '../../../src-main/core/ingest/pipeline';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { tempDir } from '../../helpers/tempDir';
import { pngBuffer, writePng } from '../ingest/fixtures';

let root: string;
let cleanup: () => void;
let dataDir: string;
let folder: string;

async function open() {
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  const api = createApi(core);
  const call = async <T>(m: string, input: unknown): Promise<T> => {
    const r = await api.invoke(m, input);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as T;
  };
  return { core, call, close: () => core.dispose() };
}

function curate(core: Awaited<ReturnType<typeof open>>['core'], id: string) {
  core.sqlite
    .prepare(
      "UPDATE assets SET rating = 5, status = 'approved', notes = 'keeper', liked = 1 WHERE id = ?",
    )
    .run(id);
}

function curation(core: Awaited<ReturnType<typeof open>>['core'], id: string) {
  return core.sqlite
    .prepare('SELECT rating, status, notes, liked, missing, path FROM assets WHERE id = ?')
    .get(id) as {
    rating: number;
    status: string;
    notes: string;
    liked: number;
    missing: number;
    path: string;
  };
}

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  dataDir = path.join(root, 'data');
  folder = path.join(root, 'watched');
  mkdirSync(folder);
});
afterEach(() => cleanup());

describe('lifecycle through the pipeline', () => {
  it('keeps an asset and its curation across rename, move, delete, restore and change', async () => {
    const app = await open();
    try {
      const { id: folderId } = await app.call<{ id: string }>('watchFolders.add', { path: folder });
      const first = path.join(folder, 'first.png');
      await writePng(first);
      const r = await ingestPipeline(app.core).ingest(first);
      expect(r.outcome).toBe('added');
      const id = r.assetId!;
      curate(app.core, id);
      const pipeline = ingestPipeline(app.core);

      // Rename: the add may arrive before the unlink (as chokidar can order them).
      const renamed = path.join(folder, 'renamed.png');
      renameSync(first, renamed);
      expect((await pipeline.ingest(renamed)).outcome).toBe('moved');
      await pipeline.remove(first);
      expect(curation(app.core, id)).toMatchObject({
        rating: 5,
        status: 'approved',
        notes: 'keeper',
        liked: 1,
        missing: 0,
        path: renamed,
      });

      // Move into a subfolder, unlink first this time.
      mkdirSync(path.join(folder, 'sub'));
      const moved = path.join(folder, 'sub', 'moved.png');
      renameSync(renamed, moved);
      await pipeline.remove(renamed);
      expect(curation(app.core, id).missing).toBe(1);
      expect((await pipeline.ingest(moved)).outcome).toBe('moved');
      expect(curation(app.core, id)).toMatchObject({ rating: 5, missing: 0, path: moved });

      // Delete: kept, shown as missing; then the file reappears: restored.
      const bytes = (await import('node:fs')).readFileSync(moved);
      rmSync(moved);
      await pipeline.remove(moved);
      expect(curation(app.core, id)).toMatchObject({ missing: 1, rating: 5, status: 'approved' });
      expect(
        (await app.call<{ items: unknown[] }>('assets.list', { missing: true })).items,
      ).toHaveLength(1);
      writeFileSync(moved, bytes);
      expect((await pipeline.ingest(moved)).outcome).toBe('restored');
      expect(curation(app.core, id)).toMatchObject({ missing: 0, rating: 5 });

      // Changed content at the same path: re-probed, re-hashed, thumbnails replaced, curation kept.
      const before = app.core.sqlite
        .prepare('SELECT sha256, thumb_key, width FROM assets WHERE id = ?')
        .get(id) as { sha256: string; thumb_key: string; width: number };
      writeFileSync(moved, await pngBuffer(120, 90));
      const changed = await pipeline.ingest(moved);
      expect(changed).toMatchObject({ outcome: 'updated', assetId: id });
      const after = app.core.sqlite
        .prepare('SELECT sha256, thumb_key, width FROM assets WHERE id = ?')
        .get(id) as { sha256: string; thumb_key: string; width: number };
      expect(after.sha256).not.toBe(before.sha256);
      expect(after.thumb_key).toBe(after.sha256);
      expect(after.width).toBe(120);
      expect(existsSync(thumbPath(app.core.layout, after.sha256, 'thumb-small'))).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(thumbPath(app.core.layout, before.sha256, 'thumb-small'))).toBe(false);
      expect(curation(app.core, id)).toMatchObject({
        rating: 5,
        status: 'approved',
        notes: 'keeper',
      });
      expect(
        (await app.call<{ items: { folderId: string }[] }>('assets.list', {})).items[0]!.folderId,
      ).toBe(folderId);
    } finally {
      await app.close();
    }
  });

  it('promotes a live duplicate when the primary file is deleted', async () => {
    const app = await open();
    try {
      const a = path.join(folder, 'a.png');
      const b = path.join(folder, 'b.png');
      const bytes = await writePng(a);
      writeFileSync(b, bytes);
      const p = ingestPipeline(app.core);
      const ra = await p.ingest(a);
      expect((await p.ingest(b)).outcome).toBe('duplicate');
      curate(app.core, ra.assetId!);
      rmSync(a);
      await p.remove(a);
      expect(curation(app.core, ra.assetId!)).toMatchObject({ missing: 0, path: b, rating: 5 });
    } finally {
      await app.close();
    }
  });
});

describe('start-up reconcile', () => {
  it('finds moves, renames, deletes, changes and new files made while the app was closed, without re-hashing unchanged files', async () => {
    let app = await open();
    const ids: Record<string, string> = {};
    const folderId = (await app.call<{ id: string }>('watchFolders.add', { path: folder })).id;
    for (const n of ['keep', 'rename', 'move', 'delete', 'change'])
      await writePng(path.join(folder, `${n}.png`));
    // A whole-second mtime, so restoring it below is exact.
    utimesSync(path.join(folder, 'keep.png'), 1_700_000_000, 1_700_000_000);
    const first = await app.call<{ added: number }>('watchFolders.rescan', { id: folderId });
    expect(first.added).toBe(5);
    for (const a of (
      await app.call<{ items: { id: string; filename: string }[] }>('assets.list', {})
    ).items) {
      ids[a.filename] = a.id;
      curate(app.core, a.id);
    }
    await app.close();

    // While closed:
    renameSync(path.join(folder, 'rename.png'), path.join(folder, 'renamed.png'));
    mkdirSync(path.join(folder, 'deep'));
    renameSync(path.join(folder, 'move.png'), path.join(folder, 'deep', 'move.png'));
    rmSync(path.join(folder, 'delete.png'));
    writeFileSync(path.join(folder, 'change.png'), await pngBuffer(33, 33));
    await writePng(path.join(folder, 'new.png'));
    // Same size and mtime as recorded but different bytes: trusted without re-hashing, as designed.
    const keep = path.join(folder, 'keep.png');
    const keepBytes = (await import('node:fs')).readFileSync(keep);
    keepBytes[keepBytes.length - 20] = keepBytes[keepBytes.length - 20]! ^ 0xff;
    writeFileSync(keep, keepBytes);
    utimesSync(keep, 1_700_000_000, 1_700_000_000);

    app = await open();
    try {
      const s = await app.call<{
        added: number;
        updated: number;
        unchanged: number;
        failed: unknown[];
      }>('watchFolders.rescan', { id: folderId });
      expect(s.failed).toEqual([]);
      expect(s.added).toBe(1);
      expect(s.updated).toBe(3); // rename, move, change
      expect(s.unchanged).toBe(1); // keep: size + mtime matched, not read
      expect(curation(app.core, ids['rename.png']!)).toMatchObject({
        path: path.join(folder, 'renamed.png'),
        missing: 0,
        rating: 5,
      });
      expect(curation(app.core, ids['move.png']!)).toMatchObject({
        path: path.join(folder, 'deep', 'move.png'),
        missing: 0,
        rating: 5,
      });
      expect(curation(app.core, ids['delete.png']!)).toMatchObject({
        missing: 1,
        rating: 5,
        status: 'approved',
      });
      expect(curation(app.core, ids['change.png']!)).toMatchObject({ missing: 0, rating: 5 });
      const changed = app.core.sqlite
        .prepare('SELECT width FROM assets WHERE id = ?')
        .get(ids['change.png']) as { width: number };
      expect(changed.width).toBe(33);
      const keepRow = app.core.sqlite
        .prepare('SELECT sha256 FROM assets WHERE id = ?')
        .get(ids['keep.png']) as { sha256: string };
      const { createHash } = await import('node:crypto');
      expect(keepRow.sha256).not.toBe(createHash('sha256').update(keepBytes).digest('hex'));
      expect((await app.call<{ items: unknown[] }>('assets.list', {})).items).toHaveLength(6);
    } finally {
      await app.close();
    }
  });
});

describe('watch errors', () => {
  it('explains running out of inotify watches and a vanished folder', async () => {
    const { describeWatchError } = await import('../../../src-main/core/watch/watchService');
    expect(describeWatchError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toMatch(
      /max_user_watches/,
    );
    expect(describeWatchError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toMatch(
      /no longer exists/,
    );
  });

  it('records a rescan of a folder that disappeared as a failure, keeping its assets', async () => {
    const app = await open();
    try {
      await writePng(path.join(folder, 'a.png'));
      const { id } = await app.call<{ id: string }>('watchFolders.add', { path: folder });
      await app.call('watchFolders.rescan', { id });
      rmSync(folder, { recursive: true });
      const s = await app.call<{ failed: { reason: string }[] }>('watchFolders.rescan', { id });
      expect(s.failed[0]!.reason).toMatch(/does not exist/);
      expect((await app.call<{ items: { missing: boolean }[] }>('assets.list', {})).items).toEqual([
        expect.objectContaining({ missing: false }),
      ]);
    } finally {
      await app.close();
    }
  });
});
