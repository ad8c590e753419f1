import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryFilterInput } from '../../../src-main/contract';
import { filterSql } from '../../../src-main/core/browse/filterSql';
import { openTestCore, type TestCore } from '../../helpers/core';
import { asset, insertAssets } from './helpers';

let t: TestCore;
const root = '/studio/renders';
const winRoot = 'C:\\Art\\Drops';

beforeAll(async () => {
  t = await openTestCore();
  const at = '2025-01-01T00:00:00.000Z';
  const folder = t.core.sqlite.prepare(
    'INSERT INTO watch_folders (id, path, is_inbox, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  folder.run('wf-main', root, 0, at, at);
  folder.run('wf-win', winRoot, 0, at, at);
  const a = (
    filename: string,
    over: Parameters<typeof asset>[0] extends infer O ? Partial<O> : never,
    i: number,
  ) => asset({ filename, ...over }, i);
  insertAssets(t.core.sqlite, [
    a('wide.png', { width: 1920, height: 1080, path: `${root}/wide.png`, folder_id: 'wf-main' }, 0),
    a(
      'tall.jpg',
      { width: 832, height: 1216, path: `${root}/2025/tall.jpg`, folder_id: 'wf-main' },
      1,
    ),
    a(
      'square.webp',
      { width: 1024, height: 1024, path: `${root}/2025/june/square.webp`, folder_id: 'wf-main' },
      2,
    ),
    // 1000 × 1040 differs by under 5%: square.
    a(
      'nearly.jpeg',
      { width: 1000, height: 1040, path: `${root}/2025/june/nearly.jpeg`, folder_id: 'wf-main' },
      3,
    ),
    a(
      'big.png',
      { width: 4096, height: 2304, path: `${root}/2024/big.png`, folder_id: 'wf-main' },
      4,
    ),
    a(
      'clip.mp4',
      {
        type: 'video',
        width: 1280,
        height: 720,
        duration_sec: 4,
        path: `${root}/clips/clip.mp4`,
        folder_id: 'wf-main',
      },
      5,
    ),
    a(
      'song.wav',
      {
        type: 'audio',
        width: null,
        height: null,
        duration_sec: 60,
        path: `${root}/2025/june/song.wav`,
        folder_id: 'wf-main',
      },
      6,
    ),
    // A sibling whose name starts like "2025": never inside "2025".
    a(
      'other.png',
      { width: 512, height: 512, path: `${root}/2025-old/other.png`, folder_id: 'wf-main' },
      7,
    ),
    a(
      'win.png',
      { width: 640, height: 480, path: `${winRoot}\\Sub\\Deep\\win.png`, folder_id: 'wf-win' },
      8,
    ),
    a('loose.png', { width: 640, height: 480, path: '/elsewhere/loose.png' }, 9),
    a(
      'gone.png',
      {
        width: 640,
        height: 480,
        path: `${root}/2025/gone.png`,
        folder_id: 'wf-main',
        deleted_at: at,
      },
      10,
    ),
  ]);
});
afterAll(() => t.close());

async function names(filter: LibraryFilterInput): Promise<string[]> {
  const page = await t.call('library.query', { filter, limit: 500 });
  return page.items.map((i) => i.filename).sort();
}

describe('shape, resolution and format filters', () => {
  it('filters by aspect: landscape, portrait, square (within 5%), and combinations', async () => {
    expect(await names({ aspects: ['landscape'] })).toEqual([
      'big.png',
      'clip.mp4',
      'loose.png',
      'wide.png',
      'win.png',
    ]);
    expect(await names({ aspects: ['portrait'] })).toEqual(['tall.jpg']);
    expect(await names({ aspects: ['square'] })).toEqual([
      'nearly.jpeg',
      'other.png',
      'square.webp',
    ]);
    expect(await names({ aspects: ['portrait', 'square'] })).toEqual([
      'nearly.jpeg',
      'other.png',
      'square.webp',
      'tall.jpg',
    ]);
    // All three: anything with a shape (audio has none).
    expect(await names({ aspects: ['portrait', 'square', 'landscape'] })).not.toContain('song.wav');
    expect(await names({ aspects: ['portrait', 'square', 'landscape'] })).toHaveLength(9);
  });

  it('filters by minimum width, height and megapixels', async () => {
    expect(await names({ minWidth: 1920 })).toEqual(['big.png', 'wide.png']);
    expect(await names({ minHeight: 1200 })).toEqual(['big.png', 'tall.jpg']);
    expect(await names({ minWidth: 1000, minHeight: 1000 })).toEqual([
      'big.png',
      'nearly.jpeg',
      'square.webp',
      'wide.png',
    ]);
    // 1920×1080 = 2.07 MP, 1024×1024 = 1.049 MP, 1000×1040 = 1.04 MP.
    expect(await names({ minMegapixels: 2 })).toEqual(['big.png', 'wide.png']);
    expect(await names({ minMegapixels: 1.045 })).toEqual(['big.png', 'square.webp', 'wide.png']);
    expect(await names({ minMegapixels: 8 })).toEqual(['big.png']);
  });

  it('filters by format, jpg finding .jpeg too, case-insensitively', async () => {
    expect(await names({ formats: ['webp'] })).toEqual(['square.webp']);
    expect(await names({ formats: ['JPG'] })).toEqual(['nearly.jpeg', 'tall.jpg']);
    expect(await names({ formats: ['mp4', 'wav'] })).toEqual(['clip.mp4', 'song.wav']);
    expect(await names({ formats: ['png'], aspects: ['square'] })).toEqual(['other.png']);
  });

  it('lists formats in use among the facets', async () => {
    const facets = await t.call('library.facets', {});
    expect(facets.formats.map((f) => f.value).sort()).toEqual([
      'jpeg',
      'jpg',
      'mp4',
      'png',
      'wav',
      'webp',
    ]);
    expect(facets.formats.find((f) => f.value === 'png')?.count).toBe(5);
  });

  it('filters by date added or created, the bare upper date taking the whole day', async () => {
    // asset() adds one per second from 2025-06-01T00:00:00Z.
    expect(await names({ from: '2025-06-01T00:00:05Z', to: '2025-06-01T00:00:07Z' })).toEqual([
      'clip.mp4',
      'song.wav',
    ]);
    expect(await names({ dateField: 'created', to: '2025-05-31' })).toEqual([]);
    expect(
      await names({ dateField: 'created', from: '2025-06-01', to: '2025-06-01' }),
    ).toHaveLength(10);
  });
});

describe('folders', () => {
  it('filters by watched folder, and by a sub-folder with everything beneath it', async () => {
    expect(await names({ folderId: 'wf-main' })).toHaveLength(8);
    expect(await names({ folderId: 'wf-main', folderPath: '2025' })).toEqual([
      'nearly.jpeg',
      'song.wav',
      'square.webp',
      'tall.jpg',
    ]);
    expect(await names({ folderId: 'wf-main', folderPath: '/2025/june/' })).toEqual([
      'nearly.jpeg',
      'song.wav',
      'square.webp',
    ]);
    expect(await names({ folderId: 'wf-main', folderPath: '2025-old' })).toEqual(['other.png']);
    expect(await names({ folderId: 'wf-main', folderPath: 'nope' })).toEqual([]);
    // Backslash paths (Windows) match the same relative path.
    expect(await names({ folderId: 'wf-win', folderPath: 'Sub/Deep' })).toEqual(['win.png']);
    expect(await names({ folderId: 'wf-win', folderPath: 'Sub' })).toEqual(['win.png']);
    // Combined with other filters.
    expect(await names({ folderId: 'wf-main', folderPath: '2025', aspects: ['square'] })).toEqual([
      'nearly.jpeg',
      'square.webp',
    ]);
  });

  it('selects by a folder filter the same assets the grid shows', async () => {
    const r = await t.call('curation.set', {
      selection: { query: { folderId: 'wf-main', folderPath: '2025/june' } },
      patch: { colorLabel: 'blue' },
    });
    expect(r.changed).toBe(3);
    expect(await names({ colorLabels: ['blue'] })).toEqual([
      'nearly.jpeg',
      'song.wav',
      'square.webp',
    ]);
    await t.call('curation.undo', {});
  });

  it('builds the folder tree with counts that include sub-folders, trash left out', async () => {
    const tree = await t.call('library.folders', {});
    const main = tree.find((f) => f.id === 'wf-main')!;
    expect(main).toMatchObject({ name: 'renders', path: root, count: 8, isInbox: false });
    const shape = (nodes: typeof main.children): unknown =>
      nodes.map((n) => [n.name, n.path, n.count, shape(n.children)]);
    expect(shape(main.children)).toEqual([
      ['2024', '2024', 1, []],
      ['2025', '2025', 4, [['june', '2025/june', 3, []]]],
      ['2025-old', '2025-old', 1, []],
      ['clips', 'clips', 1, []],
    ]);
    const win = tree.find((f) => f.id === 'wf-win')!;
    expect(win.name).toBe('Drops');
    expect(shape(win.children)).toEqual([['Sub', 'Sub', 1, [['Deep', 'Sub/Deep', 1, []]]]]);
  });
});

describe('filter SQL', () => {
  it('binds every value as a parameter', () => {
    const w = filterSql({
      tagMode: 'any',
      dateField: 'added',
      trashed: false,
      formats: ["png'; DROP TABLE assets; --"],
      folderId: 'x',
      folderPath: "a'b",
    });
    expect(w.sql).not.toContain('DROP');
    expect(w.sql).not.toContain("a'b");
  });
});
