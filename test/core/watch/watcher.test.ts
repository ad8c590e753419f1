import {
  appendFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetSummary, IngestFailure } from '../../../src-main/contract';
import { openAtelier, type Atelier } from '../../../src-main/core/app/atelier';
import { createApi, type Api } from '../../../src-main/core/api/dispatch';
import { watchServiceOf } from '../../../src-main/core/watch/watchService';
import '../../../src-main/core/api/services';
import { tempDir } from '../../helpers/tempDir';
import { pngBuffer, writePng } from '../ingest/fixtures';

let root: string;
let cleanup: () => void;
let core: Atelier;
let api: Api;
let added: AssetSummary[];
let updated: AssetSummary[];
let failed: IngestFailure[];
let statusChanges: number;

async function call<T>(m: string, input: unknown): Promise<T> {
  const r = await api.invoke(m, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

async function until<T>(what: string, fn: () => T | undefined | false, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function start() {
  core = await openAtelier({ dataDir: path.join(root, 'data'), host: 'serve', services: true });
  core.allowedRoots.push(root);
  api = createApi(core);
  added = [];
  updated = [];
  failed = [];
  statusChanges = 0;
  core.events.on('asset.added', (a) => added.push(a));
  core.events.on('asset.updated', (a) => updated.push(a));
  core.events.on('ingest.failed', (f) => failed.push(f));
  core.events.on('status.changed', () => statusChanges++);
  await watchServiceOf(core)!.settled();
}

beforeEach(async () => {
  ({ dir: root, cleanup } = tempDir());
  await start();
});
afterEach(async () => {
  await core.dispose();
  cleanup();
});

describe('watcher end to end', () => {
  it('creates the Inbox once, ingests drops with thumbnails, follows renames and deletes', async () => {
    const folders = await call<{ id: string; path: string; isInbox: boolean }[]>(
      'watchFolders.details',
      {},
    );
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatchObject({ isInbox: true, path: path.join(root, 'data', 'Inbox') });
    const inbox = folders[0]!.path;

    // A browser download: the partial name first, renamed when complete.
    const png = await pngBuffer(200, 120);
    writeFileSync(path.join(inbox, 'drop.png.crdownload'), png.subarray(0, 100));
    appendFileSync(path.join(inbox, 'drop.png.crdownload'), png.subarray(100));
    writeFileSync(path.join(inbox, '.hidden.png'), png);
    writeFileSync(path.join(inbox, 'Thumbs.db'), 'x');
    renameSync(path.join(inbox, 'drop.png.crdownload'), path.join(inbox, 'drop.png'));
    const a = await until('asset.added', () => added.find((x) => x.filename === 'drop.png'));
    expect(a.hasThumb).toBe(true);
    const page = await call<{ items: AssetSummary[] }>('assets.list', {});
    expect(page.items.map((x) => x.filename)).toEqual(['drop.png']);
    await until('status.changed', () => statusChanges > 0);

    // A slow copy: half now, the rest later: ingested once, complete.
    const slow = path.join(inbox, 'slow.png');
    const big = await pngBuffer(400, 300);
    writeFileSync(slow, big.subarray(0, big.length / 2));
    await new Promise((r) => setTimeout(r, 120));
    appendFileSync(slow, big.subarray(big.length / 2));
    const s = await until('slow file', () => added.find((x) => x.filename === 'slow.png'));
    expect(s.width).toBe(400);
    expect(failed).toEqual([]);

    renameSync(path.join(inbox, 'drop.png'), path.join(inbox, 'renamed.png'));
    const moved = await until('rename', () =>
      updated.find((x) => x.id === a.id && x.filename === 'renamed.png' && !x.missing),
    );
    expect(moved.id).toBe(a.id);

    rmSync(path.join(inbox, 'renamed.png'));
    await until('missing', () => updated.find((x) => x.id === a.id && x.missing));
    expect(
      added.filter((x) => x.filename === 'drop.png' || x.filename === 'renamed.png'),
    ).toHaveLength(1);

    // Removing the Inbox is respected on the next start.
    await call('watchFolders.remove', { id: folders[0]!.id });
    await core.dispose();
    await start();
    expect(await call<unknown[]>('watchFolders.details', {})).toEqual([]);
    expect((await call<{ items: unknown[] }>('assets.list', {})).items).toHaveLength(2);
  });

  it('adds, pauses, resumes and removes folders; a paused folder catches up on resume', async () => {
    const dir = path.join(root, 'art');
    mkdirSync(dir);
    await writePng(path.join(dir, 'before.png'));
    const f = await call<{ id: string; enabled: boolean }>('watchFolders.add', {
      path: dir,
      defaultTheme: 'autumn',
      defaultProvenance: 'user_provided',
      defaultSource: 'camera',
    });
    await watchServiceOf(core)!.settled();
    const before = await until('existing file', () =>
      added.find((x) => x.filename === 'before.png'),
    );
    expect(before).toMatchObject({
      theme: 'autumn',
      provenance: 'user_provided',
      source: 'camera',
      folderId: f.id,
    });

    await call('watchFolders.update', { id: f.id, enabled: false });
    await writePng(path.join(dir, 'while-paused.png'));
    await new Promise((r) => setTimeout(r, 600));
    expect(added.some((x) => x.filename === 'while-paused.png')).toBe(false);
    await call('watchFolders.update', { id: f.id, enabled: true });
    await until('caught up', () => added.find((x) => x.filename === 'while-paused.png'));

    await expect(call('watchFolders.add', { path: dir })).rejects.toThrow(/Already watching/);
    await expect(call('watchFolders.add', { path: path.join(root, 'nope') })).rejects.toThrow(
      /not found/,
    );
    await call('watchFolders.remove', { id: f.id });
    await writePng(path.join(dir, 'after-remove.png'));
    await new Promise((r) => setTimeout(r, 600));
    expect(added.some((x) => x.filename === 'after-remove.png')).toBe(false);
    const items = (await call<{ items: AssetSummary[] }>('assets.list', {})).items;
    expect(items).toHaveLength(2);
    expect(items.every((x) => x.folderId === null)).toBe(true);
    expect(existsSync(dir)).toBe(true);
  });

  it('receives a browser upload in chunks into the Inbox', async () => {
    const png = await pngBuffer(50, 50);
    const half = Math.floor(png.length / 2);
    const p1 = await call<{ uploadId: string; receivedBytes: number }>('ingest.upload', {
      name: '../evil/sun.png',
      chunkBase64: png.subarray(0, half).toString('base64'),
      final: false,
    });
    expect(p1.receivedBytes).toBe(half);
    const p2 = await call<{ result: { outcome: string; path: string } }>('ingest.upload', {
      uploadId: p1.uploadId,
      name: '../evil/sun.png',
      chunkBase64: png.subarray(half).toString('base64'),
      final: true,
    });
    expect(p2.result.outcome).toBe('added');
    expect(p2.result.path).toBe(path.join(root, 'data', 'Inbox', 'sun.png'));
    await expect(
      call('ingest.upload', { name: 'x.exe', chunkBase64: 'AA==', final: true }),
    ).rejects.toThrow(/Unsupported/);
  });

  it('sweeps partial uploads abandoned for an hour when a new upload starts, and keeps live ones', async () => {
    const uploads = path.join(root, 'data', 'tmp', 'uploads');
    const png = await pngBuffer(40, 40);
    const stale = await call<{ uploadId: string }>('ingest.upload', {
      name: 'stale.png',
      chunkBase64: png.subarray(0, 100).toString('base64'),
      final: false,
    });
    const live = await call<{ uploadId: string }>('ingest.upload', {
      name: 'live.png',
      chunkBase64: png.subarray(0, 100).toString('base64'),
      final: false,
    });
    const twoHoursAgo = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    utimesSync(path.join(uploads, `${stale.uploadId}.part`), twoHoursAgo, twoHoursAgo);
    await call('ingest.upload', {
      name: 'next.png',
      chunkBase64: png.subarray(0, 100).toString('base64'),
      final: false,
    });
    expect(existsSync(path.join(uploads, `${stale.uploadId}.part`))).toBe(false);
    await expect(
      call('ingest.upload', {
        uploadId: stale.uploadId,
        name: 'stale.png',
        chunkBase64: 'AA==',
        final: true,
      }),
    ).rejects.toThrow(/start it again/);
    const done = await call<{ result: { outcome: string } }>('ingest.upload', {
      uploadId: live.uploadId,
      name: 'live.png',
      chunkBase64: png.subarray(100).toString('base64'),
      final: true,
    });
    expect(done.result.outcome).toBe('added');
  });
});
