import { existsSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deferPictures,
  drainPictures,
  ensureMediaPictures,
} from '../../../src-main/core/media/deferredPictures';
import { resolveMedia } from '../../../src-main/core/media/resolveMedia';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { nowIso, uuidv7 } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeAudio, makeVideo } from '../process/mediaFixtures';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const row = (id: string) =>
  t!.core.sqlite
    .prepare('SELECT id, path, type, thumb_key, duration_sec, phash FROM assets WHERE id = ?')
    .get(id) as {
    id: string;
    path: string;
    type: string;
    thumb_key: string;
    duration_sec: number | null;
    phash: string | null;
  };

/** An audio or video asset registered the way a job output is: facts only, no pictures yet. */
async function bareAsset(kind: 'audio' | 'video', name: string): Promise<string> {
  const file = kind === 'audio' ? makeAudio(t!.root, name) : makeVideo(t!.root, name);
  const id = await addAsset(t!.core, file);
  t!.core.sqlite.prepare('UPDATE assets SET thumb_key = sha256, phash = NULL WHERE id = ?').run(id);
  for (const v of ['waveform', 'poster', 'thumb', 'thumb-small'] as const)
    rmSync(thumbPath(t!.core.layout, row(id).thumb_key, v), { force: true });
  return id;
}

function runningCpuJob(): string {
  const id = uuidv7();
  const at = nowIso();
  t!.core.sqlite
    .prepare(
      "INSERT INTO jobs (id, kind, status, pool, lease_pool, created_at, started_at, updated_at) VALUES (?, 'denoise_audio', 'running', 'cpu', 'cpu', ?, ?, ?)",
    )
    .run(id, at, at, at);
  return id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pictures of job outputs, drawn off the critical path', () => {
  it('waits while a cpu job runs, then draws the waveform and thumbnails', async () => {
    t = await openTestCore();
    const id = await bareAsset('audio', 'take.wav');
    const key = row(id).thumb_key;
    const job = runningCpuJob();
    deferPictures(t.core, id);
    await sleep(600);
    expect(existsSync(thumbPath(t.core.layout, key, 'waveform'))).toBe(false);
    t.core.sqlite.prepare("UPDATE jobs SET status = 'completed' WHERE id = ?").run(job);
    const drawn = () =>
      existsSync(thumbPath(t!.core.layout, key, 'waveform')) &&
      existsSync(thumbPath(t!.core.layout, key, 'thumb-small'));
    const end = Date.now() + 10_000;
    while (!drawn() && Date.now() < end) await sleep(50);
    expect(existsSync(thumbPath(t.core.layout, key, 'waveform'))).toBe(true);
    expect(existsSync(thumbPath(t.core.layout, key, 'thumb-small'))).toBe(true);
  });

  it('draws a picture on request while it is still waiting, and a video poster fills in the perceptual hash', async () => {
    t = await openTestCore();
    runningCpuJob();
    const id = await bareAsset('video', 'clip.mp4');
    deferPictures(t.core, id);
    const served = await resolveMedia(t.core, id, 'poster');
    expect(served.file).toBe(thumbPath(t.core.layout, row(id).thumb_key, 'poster'));
    expect(existsSync(served.file)).toBe(true);
    expect(existsSync(thumbPath(t.core.layout, row(id).thumb_key, 'thumb-small'))).toBe(true);
    expect(row(id).phash).not.toBeNull();
  });

  it('closing the app draws what is still waiting', async () => {
    t = await openTestCore();
    runningCpuJob();
    const id = await bareAsset('audio', 'late.wav');
    const key = row(id).thumb_key;
    deferPictures(t.core, id);
    await t.core.dispose();
    expect(existsSync(thumbPath(t.core.layout, key, 'waveform'))).toBe(true);
  });

  it('a file gone since its job gives a clear "not found", and the backlog goes on', async () => {
    t = await openTestCore();
    const gone = await bareAsset('audio', 'gone.wav');
    const ok = await bareAsset('audio', 'kept.wav');
    rmSync(row(gone).path);
    await expect(ensureMediaPictures(t.core, row(gone))).rejects.toThrow();
    await expect(resolveMedia(t.core, gone, 'waveform')).rejects.toThrow(/No picture for asset/);
    deferPictures(t.core, gone);
    deferPictures(t.core, ok);
    await drainPictures(t.core);
    expect(existsSync(thumbPath(t.core.layout, row(ok).thumb_key, 'waveform'))).toBe(true);
  });
});
