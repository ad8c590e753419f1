import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearPlacementJournal,
  placementJournal,
} from '../../../src-main/core/jobs/placementJournal';
import { recoverInterrupted } from '../../../src-main/core/jobs/recovery';
import { placeOutput } from '../../../src-main/core/process/placeOutput';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function jobDir(core: TestCore, id: string): string {
  const d = path.join(core.core.layout.tmp, 'jobs', id);
  mkdirSync(d, { recursive: true });
  return d;
}

describe('placement journal', () => {
  it('removes at start-up an output placed by a job that died before its asset row was written', async () => {
    t = await openTestCore();
    const dir = jobDir(t, 'job-a');
    const out = path.join(t.root, 'outputs');
    writeFileSync(path.join(dir, 'out.png'), 'finished bytes');
    // Someone's file already holds the first name: the output lands on castle_x4-2.png.
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'castle_x4.png'), 'the user’s own file');
    const placed = placeOutput(
      path.join(dir, 'out.png'),
      out,
      'castle_x4.png',
      placementJournal(dir),
    );
    expect(path.basename(placed)).toBe('castle_x4-2.png');
    // "kill -9" here: no row. Start-up recovery:
    recoverInterrupted(t.core);
    expect(existsSync(placed)).toBe(false);
    expect(readFileSync(path.join(out, 'castle_x4.png'), 'utf8')).toBe('the user’s own file');
    expect(existsSync(dir)).toBe(false);
  });

  it('never removes a name that belongs to another file, nor a registered output', async () => {
    t = await openTestCore();
    const out = path.join(t.root, 'outputs');
    mkdirSync(out, { recursive: true });
    // A journal written for a name that turned out to be taken (the link failed with EEXIST).
    const dirB = jobDir(t, 'job-b');
    writeFileSync(path.join(dirB, 'out.png'), 'never placed');
    const theirs = path.join(out, 'taken.png');
    writeFileSync(theirs, 'someone else');
    placementJournal(dirB)(theirs, path.join(dirB, 'out.png'));
    // A placement whose row was written but whose journal was not cleared yet.
    const dirC = jobDir(t, 'job-c');
    writeFileSync(path.join(dirC, 'out.png'), 'registered');
    const registered = placeOutput(
      path.join(dirC, 'out.png'),
      out,
      'reg.png',
      placementJournal(dirC),
    );
    t.core.sqlite
      .prepare(
        `INSERT INTO assets (id, path, filename, ext, type, mime, sha256, size_bytes, mtime_ms, created_at, added_at, updated_at)
         VALUES ('a1', ?, 'reg.png', 'png', 'image', 'image/png', 'x', 10, 0, '2026-01-01', '2026-01-01', '2026-01-01')`,
      )
      .run(registered);
    recoverInterrupted(t.core);
    expect(readFileSync(theirs, 'utf8')).toBe('someone else');
    expect(readFileSync(registered, 'utf8')).toBe('registered');
  });

  it('is cleared once the row is written', async () => {
    t = await openTestCore();
    const dir = jobDir(t, 'job-d');
    writeFileSync(path.join(dir, 'out.png'), 'x');
    placeOutput(path.join(dir, 'out.png'), path.join(t.root, 'o'), 'a.png', placementJournal(dir));
    expect(existsSync(path.join(dir, '.placing.json'))).toBe(true);
    clearPlacementJournal(dir);
    expect(existsSync(path.join(dir, '.placing.json'))).toBe(false);
  });
});
