import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localizationDir } from '../../../src-main/core/localize/localizeKind';
import { nowIso } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset } from '../process/mediaFixtures';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

function ffmpeg(args: string[]) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

async function localization(file: string): Promise<string> {
  const assetId = await addAsset(t.core, file);
  const id = `loc-${path.basename(file)}`;
  t.core.sqlite
    .prepare(
      `INSERT INTO localizations (id, asset_id, mode, source_lang, target_lang, created_at, updated_at) VALUES (?, ?, 'subtitles', 'en', NULL, ?, ?)`,
    )
    .run(id, assetId, nowIso(), nowIso());
  return id;
}

describe('the waveform of a localisation', () => {
  it('is loud where the sound is and flat where it is silent, and is decoded only once', async () => {
    // 2 s of a loud tone (sine is 1/8 of full scale; ×6 makes it 0.75), then 2 s of silence, in a video (AAC) as the editor gets them.
    const file = path.join(t.root, 'tone-then-silence.mp4');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=15:duration=4',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2:sample_rate=44100,volume=6,apad=whole_dur=4',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      file,
    ]);
    const id = await localization(file);
    const w = await t.call('localize.waveform', { id, buckets: 40 });
    expect(w.peaks).toHaveLength(40);
    expect(Math.abs(w.durationMs - 4000)).toBeLessThan(150);
    // Each bucket is 0.1 s: the first 1.8 s loud, the last 1.8 s silent (AAC's edges aside).
    const loud = w.peaks.slice(1, 18);
    const quiet = w.peaks.slice(22, 39);
    expect(Math.min(...loud)).toBeGreaterThan(0.5);
    expect(Math.max(...quiet)).toBeLessThan(0.02);
    expect(w.peaks.every((p) => p >= 0 && p <= 1)).toBe(true);

    // Kept in the localisation's folder under the source's hash: the next call reads it back.
    const dir = localizationDir(t.core, id);
    const files = readdirSync(dir).filter((f) => f.startsWith('waveform-'));
    expect(files).toHaveLength(1);
    const sha = t.core.sqlite
      .prepare(
        `SELECT sha256 FROM assets a JOIN localizations l ON l.asset_id = a.id WHERE l.id = ?`,
      )
      .pluck()
      .get(id) as string;
    expect(files[0]).toContain(sha.slice(0, 32));
    writeFileSync(path.join(dir, files[0]!), JSON.stringify({ durationMs: 4000, peaks: [0.25] }));
    expect(await t.call('localize.waveform', { id, buckets: 40 })).toEqual({
      durationMs: 4000,
      peaks: [0.25],
    });
    // Another resolution is its own file; the default follows the length (20 a second, ≥ 200).
    const fine = await t.call('localize.waveform', { id });
    expect(fine.peaks).toHaveLength(200);
    expect(readdirSync(dir).filter((f) => f.startsWith('waveform-'))).toHaveLength(2);
  });

  it('says so when the source has no audio track', async () => {
    const file = path.join(t.root, 'silent-film.mp4');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=15:duration=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      file,
    ]);
    const id = await localization(file);
    const r = await t.api.invoke('localize.waveform', { id });
    expect(!r.ok && r.error.code).toBe('invalid_input');
    expect(!r.ok && r.error.message).toMatch(/silent-film\.mp4 has no audio track/);
  });

  it('refuses a localisation that does not exist', async () => {
    const r = await t.api.invoke('localize.waveform', { id: 'nope' });
    expect(!r.ok && r.error.code).toBe('not_found');
  });
});
