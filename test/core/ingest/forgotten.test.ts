import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestPipeline } from '../../../src-main/core/ingest/pipeline';
import { openTestCore, type TestCore } from '../../helpers/core';
import { pngBuffer, writePng } from './fixtures';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function emptyTrashOf(tc: TestCore, filenames: string[], deleteFiles = false) {
  const all = await tc.call('assets.list', {});
  const ids = all.items.filter((a) => filenames.includes(a.filename)).map((a) => a.id);
  await tc.call('trash.move', { selection: { ids } });
  return tc.call(
    'trash.empty',
    deleteFiles ? { ids, deleteFiles: true, confirm: 'delete files' } : { ids },
  );
}

const names = async (tc: TestCore) =>
  (await tc.call('assets.list', {})).items.map((a) => a.filename).sort();

describe('files whose assets were emptied from the trash', () => {
  it('stay out of the library on rescans and watcher events, until their bytes change or the user imports them', async () => {
    t = await openTestCore();
    const folder = path.join(t.root, 'watched');
    mkdirSync(folder);
    const { id: folderId } = await t.call('watchFolders.add', { path: folder });
    for (const n of ['keep', 'gone', 'touched', 'changed', 'imported'])
      await writePng(path.join(folder, `${n}.png`));
    expect((await t.call('watchFolders.rescan', { id: folderId })).added).toBe(5);

    const r = await emptyTrashOf(t, ['gone.png', 'touched.png', 'changed.png', 'imported.png']);
    expect(r).toMatchObject({ removed: 4, filesDeleted: 0 });
    expect(await names(t)).toEqual(['keep.png']);

    // A rescan passes them over as known, not as new files nor as skips to report.
    const again = await t.call('watchFolders.rescan', { id: folderId });
    expect(again.added).toBe(0);
    expect(await names(t)).toEqual(['keep.png']);

    // The watcher's path: a touch (same bytes, new mtime) is still forgotten; new bytes are a new file.
    utimesSync(path.join(folder, 'touched.png'), 1_700_000_000, 1_700_000_000);
    const touched = await ingestPipeline(t.core).ingest(path.join(folder, 'touched.png'));
    expect(touched.outcome).toBe('skipped');
    expect(touched.reason).toMatch(/emptied/);
    writeFileSync(path.join(folder, 'changed.png'), await pngBuffer(40, 40));
    expect((await ingestPipeline(t.core).ingest(path.join(folder, 'changed.png'))).outcome).toBe(
      'added',
    );

    // An explicit import brings a forgotten file back.
    const imported = await t.call('ingest.importFiles', {
      paths: [path.join(folder, 'imported.png')],
    });
    expect(imported.added).toBe(1);
    expect(await names(t)).toEqual(['changed.png', 'imported.png', 'keep.png']);
    expect((await t.call('watchFolders.rescan', { id: folderId })).added).toBe(0);

    // A forgotten file deleted from disk is let go of: a new file at that path is welcome.
    rmSync(path.join(folder, 'gone.png'));
    await t.call('watchFolders.rescan', { id: folderId });
    expect(
      t.core.sqlite
        .prepare('SELECT count(*) AS n FROM forgotten_files WHERE path = ?')
        .get(path.join(folder, 'gone.png')),
    ).toEqual({ n: 0 });
    await writePng(path.join(folder, 'gone.png'));
    expect((await t.call('watchFolders.rescan', { id: folderId })).added).toBe(1);
  });

  it('are not remembered when the files themselves were deleted', async () => {
    t = await openTestCore();
    const folder = path.join(t.root, 'watched');
    mkdirSync(folder);
    const { id: folderId } = await t.call('watchFolders.add', { path: folder });
    await writePng(path.join(folder, 'a.png'));
    await t.call('watchFolders.rescan', { id: folderId });
    const r = await emptyTrashOf(t, ['a.png'], true);
    expect(r).toMatchObject({ removed: 1, filesDeleted: 1 });
    expect(existsSync(path.join(folder, 'a.png'))).toBe(false);
    expect(t.core.sqlite.prepare('SELECT count(*) AS n FROM forgotten_files').get()).toEqual({
      n: 0,
    });
  });
});
