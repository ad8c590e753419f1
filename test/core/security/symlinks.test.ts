import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkFolder } from '../../../src-main/core/ingest/walk';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writePng } from '../ingest/fixtures';

// Security audit, Medium 10: 25 symlinks and one PNG produced 4,096 paths and 4,095 copy rows.
let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('symbolic links', () => {
  it('a diamond of links reaches each folder once: one PNG is one asset, no copies', async () => {
    t = await openTestCore();
    const root = path.join(t.root, 'lib');
    const levels = 12;
    mkdirSync(path.join(root, 'd0'), { recursive: true });
    await writePng(path.join(root, 'd0', 'one.png'), { seed: 4 });
    // d(i) holds two links to d(i-1): 2^12 = 4,096 paths lead to the one file.
    for (let i = 1; i <= levels; i++) {
      mkdirSync(path.join(root, `d${i}`));
      symlinkSync(path.join(root, `d${i - 1}`), path.join(root, `d${i}`, 'a'));
      symlinkSync(path.join(root, `d${i - 1}`), path.join(root, `d${i}`, 'b'));
    }
    symlinkSync(path.join(root, 'd0', 'one.png'), path.join(root, 'also-one.png'));
    const t0 = performance.now();
    const walked = await walkFolder(root, true);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(walked.files).toHaveLength(1);
    expect(walked.failures).toEqual([]);
    const summary = await t.call('ingest.importFiles', { paths: [root] });
    expect(summary.added).toBe(1);
    expect(t.core.sqlite.prepare('SELECT count(*) n FROM asset_copies').get()).toEqual({ n: 0 });
    // A real loop is still reported, not followed.
    symlinkSync(root, path.join(root, 'd0', 'back-to-top'));
    const looped = await walkFolder(root, true);
    expect(looped.files).toHaveLength(1);
    expect(looped.failures.map((f) => f.error.code)).toContain('symlink_loop');
  });
});
