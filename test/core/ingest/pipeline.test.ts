import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { resolveMedia } from '../../../src-main/core/media/resolveMedia';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writeJpeg, writeMp4, writePng, writeWav } from './fixtures';

let t: TestCore;
let media: string;

beforeEach(async () => {
  t = await openTestCore();
  media = path.join(t.root, 'media');
});
afterEach(async () => {
  await t.close();
});

describe('ingest pipeline', () => {
  it('ingests images, audio and video with probe data and content-addressed thumbnails', async () => {
    await writePng(path.join(media, 'a.png'), { w: 300, h: 200 });
    await writeJpeg(path.join(media, 'b.jpg'), { w: 80, h: 40, orientation: 6 });
    writeWav(path.join(media, 'c.wav'));
    writeMp4(path.join(media, 'd.mp4'));
    const summary = await t.call('ingest.importFiles', { paths: [media] });
    expect(summary.failed).toEqual([]);
    expect(summary.added).toBe(4);

    const page = await t.call('assets.list', {});
    expect(page.items.map((a) => a.filename).sort()).toEqual(['a.png', 'b.jpg', 'c.wav', 'd.mp4']);
    const byName = Object.fromEntries(page.items.map((a) => [a.filename, a]));

    const png = await t.call('assets.get', { id: byName['a.png']!.id });
    expect(png).toMatchObject({
      type: 'image',
      width: 300,
      height: 200,
      format: 'png',
      hasAlpha: false,
      mime: 'image/png',
    });
    expect(png.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(png.phash).toMatch(/^[0-9a-f]{16}$/);
    // Ingest makes the 256 px thumbnail; the 512 px one is made on first request, then kept.
    expect(existsSync(thumbPath(t.core.layout, png.sha256, 'thumb-small'))).toBe(true);
    expect(existsSync(thumbPath(t.core.layout, png.sha256, 'thumb'))).toBe(false);
    const large = await resolveMedia(t.core, png.id, 'thumb');
    expect(large.file).toBe(thumbPath(t.core.layout, png.sha256, 'thumb'));
    expect(await sharp(large.file).metadata()).toMatchObject({
      format: 'webp',
      width: 300,
      height: 200,
    });

    // EXIF orientation 6 (rotate 90°): the library reports the upright size.
    const jpg = await t.call('assets.get', { id: byName['b.jpg']!.id });
    expect(jpg).toMatchObject({ width: 40, height: 80, orientation: 6, format: 'jpeg' });

    const wav = await t.call('assets.get', { id: byName['c.wav']!.id });
    expect(wav).toMatchObject({
      type: 'audio',
      sampleRate: 22050,
      channels: 1,
      codec: 'pcm_s16le',
      hasAudio: true,
    });
    expect(wav.durationSec).toBeCloseTo(0.5, 1);
    expect(existsSync(thumbPath(t.core.layout, wav.sha256, 'waveform'))).toBe(true);
    expect(existsSync(thumbPath(t.core.layout, wav.sha256, 'thumb'))).toBe(true);

    const mp4 = await t.call('assets.get', { id: byName['d.mp4']!.id });
    expect(mp4).toMatchObject({
      type: 'video',
      width: 160,
      height: 120,
      fps: 10,
      codec: 'h264',
      audioCodec: 'aac',
      hasAudio: true,
    });
    expect(mp4.durationSec).toBeGreaterThan(0.9);
    expect(mp4.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(existsSync(thumbPath(t.core.layout, mp4.sha256, 'poster'))).toBe(true);
  });

  it('detects animation and alpha', async () => {
    const { execFileSync } = await import('node:child_process');
    mkdirSync(media, { recursive: true });
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=10:duration=0.5',
      path.join(media, 'anim.gif'),
    ]);
    const sharp = (await import('sharp')).default;
    await sharp({
      create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .png()
      .toFile(path.join(media, 'alpha.png'));
    const s = await t.call('ingest.importFiles', { paths: [media] });
    expect(s.added).toBe(2);
    const items = (await t.call('assets.list', {})).items;
    const gif = await t.call('assets.get', {
      id: items.find((a) => a.filename === 'anim.gif')!.id,
    });
    expect(gif).toMatchObject({ isAnimated: true, format: 'gif', width: 64, height: 48 });
    const alpha = await t.call('assets.get', {
      id: items.find((a) => a.filename === 'alpha.png')!.id,
    });
    expect(alpha).toMatchObject({ hasAlpha: true, isAnimated: false });
  });

  it('links an exact duplicate to the existing asset and skips unchanged files on a second pass', async () => {
    const bytes = await writePng(path.join(media, 'one.png'));
    mkdirSync(path.join(media, 'sub'));
    writeFileSync(path.join(media, 'sub', 'copy.png'), bytes);
    const first = await t.call('ingest.importFiles', { paths: [path.join(media, 'one.png')] });
    expect(first.added).toBe(1);
    const second = await t.call('ingest.importFiles', {
      paths: [path.join(media, 'sub', 'copy.png')],
    });
    expect(second.duplicates).toBe(1);
    expect(second.outcomes[0]!.assetId).toBe(first.outcomes[0]!.assetId);
    const detail = await t.call('assets.get', { id: first.outcomes[0]!.assetId! });
    expect(detail.duplicates.map((d) => path.basename(d.path))).toEqual(['copy.png']);
    expect((await t.call('assets.list', {})).items).toHaveLength(1);

    const again = await t.call('ingest.importFiles', { paths: [media] });
    expect(again.unchanged).toBe(2);
    expect(again.added + again.duplicates).toBe(0);

    // Thumbnails lost (a cleared cache): the next copy of those bytes brings them back.
    const { rmSync } = await import('node:fs');
    rmSync(t.core.layout.thumbs, { recursive: true });
    writeFileSync(path.join(media, 'third.png'), bytes);
    expect(
      (await t.call('ingest.importFiles', { paths: [path.join(media, 'third.png')] })).duplicates,
    ).toBe(1);
    expect(existsSync(thumbPath(t.core.layout, detail.sha256, 'thumb-small'))).toBe(true);
  });
});

describe('the data directory', () => {
  it('never ingests Atelier’s own thumbnails, even under a watched parent folder', async () => {
    const t2 = await openTestCore();
    try {
      await writePng(path.join(t2.root, 'art', 'a.png'));
      await t2.call('ingest.importFiles', { paths: [path.join(t2.root, 'art')] });
      const again = await t2.call('ingest.importFiles', { paths: [t2.root] });
      expect(again.added).toBe(0);
      expect(again.failed).toEqual([]);
      expect((await t2.call('assets.list', {})).items).toHaveLength(1);
    } finally {
      await t2.close();
    }
  });
});
