import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRow } from '../../../src-main/core/db/schema';
import { registerOutput } from '../../../src-main/core/process/registerOutput';
import { replaceOutput } from '../../../src-main/core/process/replaceOutput';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { nowIso } from '../../../src-main/core/util/ids';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeVideo } from './mediaFixtures';

let t: TestCore;
let source: AssetRow;
beforeEach(async () => {
  t = await openTestCore();
  const id = await addAsset(t.core, makeVideo(t.root, 'talk.mp4', 1));
  source = (await t.core.db
    .selectFrom('assets')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst())!;
});
afterEach(() => t.close());

const cue = (text: string) => `1\n00:00:00,000 --> 00:00:00,800\n${text}\n`;
let n = 0;
function temp(text: string): string {
  const file = path.join(t.root, `made-${n++}.srt`);
  writeFileSync(file, cue(text));
  return file;
}
const spec = (expectSha: string) => ({
  derivation: { kind: 'localize', params: {} },
  jobId: 'job-2',
  expectSha,
});
/** What the first run made: an SRT derived from the video. */
const madeOnce = (language?: string) =>
  registerOutput(t.core, {
    source,
    tempFile: temp('Hola.'),
    suffix: 'es',
    ext: 'srt',
    provenance: 'derived',
    derivation: { kind: 'localize', params: {} },
    jobId: 'job-1',
    language,
  });
const row = (id: string) =>
  t.core.sqlite.prepare('SELECT * FROM assets WHERE id = ?').get(id) as AssetRow;

describe('a job replacing an output it made', () => {
  it('swaps the bytes under the same asset, keeps its curation and drops what no longer holds', async () => {
    const id = await madeOnce('es');
    const first = row(id);
    expect(first).toMatchObject({ type: 'subtitles', language: 'es', filename: 'talk_es.srt' });
    t.core.sqlite
      .prepare('UPDATE assets SET rating = 5, color_label = ? WHERE id = ?')
      .run('red', id);
    t.core.sqlite
      .prepare(
        `INSERT INTO asset_copies (path, asset_id, size_bytes, mtime_ms, missing, added_at) VALUES ('/elsewhere/talk_es.srt', ?, 1, 1, 0, ?)`,
      )
      .run(id, nowIso());

    expect(await replaceOutput(t.core, id, temp('Hola a todos.'), spec(first.sha256))).toBe(
      'replaced',
    );
    const second = row(id);
    expect(readFileSync(second.path, 'utf8')).toBe(cue('Hola a todos.'));
    expect(second.path).toBe(first.path);
    expect(second).toMatchObject({
      rating: 5,
      color_label: 'red',
      language: 'es',
      job_id: 'job-2',
    });
    expect(second.sha256).not.toBe(first.sha256);
    expect(second.size_bytes).toBe(readFileSync(second.path).length);
    expect(existsSync(thumbPath(t.core.layout, second.thumb_key!, 'thumb'))).toBe(true);
    expect(existsSync(thumbPath(t.core.layout, first.thumb_key!, 'thumb'))).toBe(false);
    expect(t.core.sqlite.prepare('SELECT count(*) n FROM asset_copies').get()).toEqual({ n: 0 });

    // The same bytes again change nothing.
    const same = temp('Hola a todos.');
    expect(await replaceOutput(t.core, id, same, spec(second.sha256))).toBe('unchanged');
    expect(existsSync(same)).toBe(false);
    expect(row(id).updated_at).toBe(second.updated_at);
  });

  it('leaves a file the creator edited alone, and says so', async () => {
    const id = await madeOnce();
    const made = row(id);
    // Edited with another program: the Library has not seen it (outputs/ is not watched).
    writeFileSync(made.path, cue('¡Hola, amigos!'));
    // Made again the same as the first time, or differently: either way theirs is kept.
    const again = temp('Hola.');
    expect(await replaceOutput(t.core, id, again, spec(made.sha256))).toBe('diverged');
    expect(existsSync(again)).toBe(true);
    const next = temp('Hola de nuevo.');
    expect(await replaceOutput(t.core, id, next, spec(made.sha256))).toBe('diverged');
    expect(readFileSync(made.path, 'utf8')).toBe(cue('¡Hola, amigos!'));
    expect(existsSync(next)).toBe(true);
    // Or replaced and re-read by the Library: its hash is no longer the job's.
    expect(await replaceOutput(t.core, id, next, spec('0'.repeat(64)))).toBe('diverged');
  });

  it('finishes a replacement cut off between the swap and the row', async () => {
    const id = await madeOnce();
    const made = row(id);
    // The new bytes reached the file, the row never heard of them.
    writeFileSync(made.path, cue('Hola otra vez.'));
    expect(await replaceOutput(t.core, id, temp('Hola otra vez.'), spec(made.sha256))).toBe(
      'replaced',
    );
    const now = row(id);
    expect(now.size_bytes).toBe(readFileSync(made.path).length);
    expect(now.sha256).not.toBe(made.sha256);
  });
});
