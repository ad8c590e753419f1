import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPipeline } from '../../../src-main/core/ingest/pipeline';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { openTestCore, type TestCore } from '../../helpers/core';
import { bombPng, pngBuffer, writePng } from './fixtures';

let t: TestCore;
let dir: string;

beforeAll(async () => {
  t = await openTestCore();
  dir = path.join(t.root, 'bad');
  mkdirSync(dir);
});
afterAll(async () => {
  await t.close();
});

describe('bad input never stops the pipeline', () => {
  it('records each bad file with a clear reason, and ingests the good file beside them', async () => {
    const good = path.join(dir, 'good.png');
    await writePng(good);
    const png = await pngBuffer(200, 200);
    const cases: Record<string, { make: () => void; reason: RegExp; code: string }> = {
      'empty.png': {
        make: () => writeFileSync(path.join(dir, 'empty.png'), ''),
        reason: /empty \(0 bytes\)/,
        code: 'empty',
      },
      'truncated.png': {
        make: () =>
          writeFileSync(
            path.join(dir, 'truncated.png'),
            png.subarray(0, Math.floor(png.length / 2)),
          ),
        reason: /Could not (decode|read) the image/,
        code: 'corrupt',
      },
      'garbage.jpg': {
        make: () =>
          writeFileSync(
            path.join(dir, 'garbage.jpg'),
            Buffer.from('this is certainly not a jpeg, just text in disguise'),
          ),
        reason: /not a JPEG image/,
        code: 'corrupt',
      },
      'mislabelled.mp4': {
        make: () => writeFileSync(path.join(dir, 'mislabelled.mp4'), png),
        reason: /Named \.mp4 but the content is a PNG image/,
        code: 'mislabelled',
      },
      'bomb.png': {
        make: () => writeFileSync(path.join(dir, 'bomb.png'), bombPng()),
        reason: /100000×100000 .* safety limit/,
        code: 'too_large',
      },
      'broken.wav': {
        make: () =>
          writeFileSync(
            path.join(dir, 'broken.wav'),
            Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(8)]),
          ),
        reason: /ffprobe could not read it|No audio stream/,
        code: 'corrupt',
      },
      'notes.txt': {
        make: () => writeFileSync(path.join(dir, 'notes.txt'), 'hello'),
        reason: /Unsupported file type "\.txt"/,
        code: 'unsupported',
      },
    };
    for (const c of Object.values(cases)) c.make();
    const paths = [
      good,
      ...Object.keys(cases).map((n) => path.join(dir, n)),
      path.join(dir, 'does-not-exist.png'),
      '/' + 'x'.repeat(5000) + '.png',
    ];
    const s = await t.call('ingest.importFiles', { paths });
    expect(s.added + s.unchanged).toBe(1);
    const failures = await t.call('ingest.failures', {});
    for (const [name, c] of Object.entries(cases)) {
      const f = failures.find((x) => path.basename(x.path) === name);
      expect(f, name).toBeDefined();
      expect(f!.reason, name).toMatch(c.reason);
      expect(f!.code, name).toBe(c.code);
    }
    // A rejected file leaves no pictures under its hash.
    const brokenSha = createHash('sha256')
      .update(readFileSync(path.join(dir, 'broken.wav')))
      .digest('hex');
    for (const v of ['waveform', 'thumb', 'thumb-small'] as const)
      expect(existsSync(thumbPath(t.core.layout, brokenSha, v)), v).toBe(false);
    expect(failures.find((f) => f.path.endsWith('does-not-exist.png'))!.reason).toMatch(
      /moved or deleted/,
    );
    expect(failures.find((f) => f.path.length > 5000)!.reason).toMatch(/too long/);
    // Every failed path of the summary has a non-empty reason.
    expect(s.failed.length).toBe(Object.keys(cases).length + 2);
    for (const f of s.failed) expect(f.reason.length).toBeGreaterThan(10);
  });

  it('reports symlink loops and names that are not valid UTF-8 when walking a folder', async () => {
    const root = path.join(t.root, 'walk');
    mkdirSync(path.join(root, 'inner'), { recursive: true });
    await writePng(path.join(root, 'inner', 'ok.png'));
    symlinkSync(root, path.join(root, 'inner', 'loop'));
    symlinkSync(path.join(root, 'self.png'), path.join(root, 'self.png'));
    // A Latin-1 byte on its own is not UTF-8.
    const badName = Buffer.concat([
      Buffer.from(path.join(root, 'caf')),
      Buffer.from([0xe9]),
      Buffer.from('.png'),
    ]);
    writeFileSync(badName, await pngBuffer(8, 8));
    const s = await t.call('ingest.importFiles', { paths: [root] });
    expect(s.added).toBe(1);
    const reasons = s.failed.map((f) => f.reason).join('\n');
    expect(reasons).toMatch(/Symbolic link loop: this folder leads back/);
    expect(reasons).toMatch(/Symbolic link loop: the link points back to itself/);
    expect(reasons).toMatch(/not valid UTF-8/);
  });

  it.skipIf(process.getuid?.() === 0)(
    'records unreadable files as permission failures',
    async () => {
      const file = path.join(dir, 'locked.png');
      await writePng(file);
      chmodSync(file, 0o000);
      const s = await t.call('ingest.importFiles', { paths: [file] });
      expect(s.failed[0]!.reason).toMatch(/Permission denied/);
    },
  );

  it('treats a file deleted mid-ingest as a failure of that file only', async () => {
    const pipeline = ingestPipeline(t.core);
    const a = path.join(dir, 'vanishing.png');
    const b = path.join(dir, 'staying.png');
    await writePng(a);
    await writePng(b);
    const pa = pipeline.ingest(a);
    const pb = pipeline.ingest(b);
    const { rmSync } = await import('node:fs');
    rmSync(a);
    const [ra, rb] = await Promise.all([pa, pb]);
    // The stat may win the race; either way the other file is unaffected.
    expect(['failed', 'added']).toContain(ra.outcome);
    if (ra.outcome === 'failed') expect(ra.reason).toMatch(/moved or deleted|changed while/);
    expect(rb.outcome).toBe('added');
  });

  it('retries a failure once the file is fixed, and dismisses failures', async () => {
    const file = path.join(dir, 'later.png');
    writeFileSync(file, '');
    await t.call('ingest.importFiles', { paths: [file] });
    const f = (await t.call('ingest.failures', {})).find((x) => x.path === file)!;
    expect(f.code).toBe('empty');
    await writePng(file);
    const r = await t.call('ingest.retry', { ids: [f.id] });
    expect(r.added).toBe(1);
    expect((await t.call('ingest.failures', {})).some((x) => x.path === file)).toBe(false);
    const d = await t.call('ingest.dismissFailures', {});
    expect(d.dismissed).toBeGreaterThan(0);
    expect(await t.call('ingest.failures', {})).toEqual([]);
  });
});
