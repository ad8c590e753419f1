import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markCuesRun, storeCues } from '../../../src-main/core/localize/localizeStore';
import { nowIso } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset } from '../process/mediaFixtures';
import { makeVideo } from '../process/mediaFixtures';

let t: TestCore;
let id: string;
beforeEach(async () => {
  t = await openTestCore();
  const assetId = await addAsset(t.core, makeVideo(t.root, 'clip.mp4', 2));
  id = 'loc-1';
  t.core.sqlite
    .prepare(
      `INSERT INTO localizations (id, asset_id, mode, source_lang, target_lang, created_at, updated_at) VALUES (?, ?, 'video', 'en', 'es', ?, ?)`,
    )
    .run(id, assetId, nowIso(), nowIso());
  storeCues(t.core, id, [
    { index: 1, startMs: 0, endMs: 2000, text: 'one two three four', words: [], confidence: 0.9 },
    { index: 2, startMs: 2500, endMs: 4000, text: 'five six', words: [], confidence: 0.8 },
  ]);
});
afterEach(() => t.close());

describe('fixing cues', () => {
  it('edits text, translation and times; refuses a cue that ends before it starts', async () => {
    const c = await t.call('localize.updateCue', {
      id,
      index: 2,
      text: 'five and six',
      startMs: 2600,
    });
    expect(c).toMatchObject({
      index: 2,
      text: 'five and six',
      startMs: 2600,
      endMs: 4000,
      edited: true,
    });
    const bad = await t.api.invoke('localize.updateCue', { id, index: 2, endMs: 2000 });
    expect(!bad.ok && bad.error.message).toBe('A cue must end after it starts.');
    const none = await t.api.invoke('localize.updateCue', { id, index: 9, text: 'x' });
    expect(!none.ok && none.error.code).toBe('not_found');
  });
  it('splits a cue by time with its words shared out, and merges it back', async () => {
    const s = await t.call('localize.splitCue', { id, index: 1, atMs: 1000 });
    expect(s.cues.map((c) => [c.index, c.startMs, c.endMs, c.text])).toEqual([
      [1, 0, 1000, 'one two'],
      [2, 1000, 2000, 'three four'],
      [3, 2500, 4000, 'five six'],
    ]);
    const m = await t.call('localize.mergeCues', { id, index: 2 });
    expect(m.cues.map((c) => [c.index, c.startMs, c.endMs, c.text])).toEqual([
      [1, 0, 1000, 'one two'],
      [2, 1000, 4000, 'three four five six'],
    ]);
    const last = await t.api.invoke('localize.mergeCues', { id, index: 2 });
    expect(!last.ok && last.error.message).toMatch(/no cue after it/);
    const edge = await t.api.invoke('localize.splitCue', { id, index: 1, atMs: 50 });
    expect(!edge.ok && edge.error.message).toMatch(/inside it/);
  });
  it('refuses to change cues while the localisation runs, and says what to do', async () => {
    const at = nowIso();
    t.core.sqlite
      .prepare(
        `INSERT INTO jobs (id, kind, status, pool, created_at, updated_at) VALUES ('j1', 'video_translation', 'running', 'cpu', ?, ?)`,
      )
      .run(at, at);
    t.core.sqlite.prepare(`UPDATE localizations SET job_id = 'j1' WHERE id = ?`).run(id);
    for (const [method, input] of [
      ['localize.updateCue', { id, index: 1, text: 'changed' }],
      ['localize.splitCue', { id, index: 1, atMs: 1000 }],
      ['localize.mergeCues', { id, index: 1 }],
    ] as const) {
      const r = await t.api.invoke(method, input);
      expect(!r.ok && r.error, method).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/is running: wait for it to finish, or stop it/),
      });
    }
    t.core.sqlite.prepare(`UPDATE jobs SET status = 'cancelled' WHERE id = 'j1'`).run();
    expect((await t.call('localize.updateCue', { id, index: 1, text: 'changed' })).text).toBe(
      'changed',
    );
  });
  it('says which cues changed since the last finished run, and none before one finished', async () => {
    const changed = async () =>
      (await t.call('localize.get', { id })).cues.filter((c) => c.changed).map((c) => c.index);
    await t.call('localize.updateCue', { id, index: 1, text: 'one two three and four' });
    expect(await changed()).toEqual([]);
    markCuesRun(t.core, id);
    expect(await changed()).toEqual([]);
    await t.call('localize.updateCue', { id, index: 2, translation: 'cinco seis' });
    expect(await changed()).toEqual([2]);
    // The same text again is no change; a split makes two cues the last run never saw.
    await t.call('localize.updateCue', { id, index: 1, text: 'one two three and four' });
    await t.call('localize.splitCue', { id, index: 1, atMs: 1000 });
    expect(await changed()).toEqual([1, 2, 3]);
    markCuesRun(t.core, id);
    expect(await changed()).toEqual([]);
  });
});
