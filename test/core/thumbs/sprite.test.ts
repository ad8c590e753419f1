import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMedia } from '../../../src-main/core/media/resolveMedia';
import { ensureVideoSprite, spriteFrames, spriteTimes } from '../../../src-main/core/thumbs/sprite';
import { openTestCore, type TestCore } from '../../helpers/core';
import { makeAudio } from '../process/mediaFixtures';

let t: TestCore;
let video: { id: string; file: string };

/** Four seconds whose colour sweeps the hue wheel: every tenth looks different. */
function sweepVideo(dir: string): string {
  const file = path.join(dir, 'sweep.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=10:duration=4',
    '-vf',
    'hue=h=t*90',
    '-pix_fmt',
    'yuv420p',
    '-y',
    file,
  ]);
  return file;
}

beforeAll(async () => {
  t = await openTestCore();
  const file = sweepVideo(t.root);
  const summary = await t.call('ingest.importFiles', { paths: [file, makeAudio(t.root)] });
  video = { id: summary.outcomes.find((o) => o.path === file)!.assetId!, file };
}, 60_000);
afterAll(() => t.close());

describe('video hover-scrub sprite', () => {
  it('samples the middle of each tenth of the video', () => {
    expect(spriteTimes(10)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]);
  });

  it('is made on first request by one ffmpeg run, content-addressed, frames side by side', async () => {
    const key = (
      t.core.sqlite.prepare('SELECT thumb_key FROM assets WHERE id = ?').get(video.id) as {
        thumb_key: string;
      }
    ).thumb_key;
    const target = path.join(t.dataDir, 'thumbs', key.slice(0, 2), `${key}_sprite.webp`);
    expect(existsSync(target)).toBe(false);
    // Two hovers at once share one run.
    const [a, b] = await Promise.all([
      resolveMedia(t.core, video.id, 'sprite'),
      resolveMedia(t.core, video.id, 'sprite'),
    ]);
    expect(a.file).toBe(target);
    expect(b.file).toBe(target);
    expect(a.mime).toBe('image/webp');
    const meta = await sharp(target).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.height).toBe(180);
    expect(meta.width).toBe(320 * spriteFrames);
    // The frames differ (the hue sweeps): the first and the sixth tile are not the same picture.
    const tile = (i: number) =>
      sharp(target)
        .extract({ left: i * 320, top: 0, width: 320, height: 180 })
        .resize(8, 8)
        .raw()
        .toBuffer();
    const [first, sixth] = await Promise.all([tile(0), tile(5)]);
    const diff = first.reduce((sum, v, i) => sum + Math.abs(v - sixth[i]!), 0) / first.length;
    expect(diff).toBeGreaterThan(10);
    // Asked again: the kept file, not a new run.
    const mtime = statSync(target).mtimeMs;
    await resolveMedia(t.core, video.id, 'sprite');
    expect(statSync(target).mtimeMs).toBe(mtime);
  }, 60_000);

  it('only videos have one; no duration, no sprite', async () => {
    const audio = t.core.sqlite.prepare("SELECT id FROM assets WHERE type = 'audio'").get() as {
      id: string;
    };
    await expect(resolveMedia(t.core, audio.id, 'sprite')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await ensureVideoSprite(t.core.layout, 'ab'.repeat(32), video.file, null)).toBeNull();
  });
});
