import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renameExclusive, reserveExportRoot } from '../../../src-main/core/packs/exportNames';
import { exportPack } from '../../../src-main/core/packs/exportPack';
import { openTestCore, type TestCore } from '../../helpers/core';
import { makeLibrary, setOwner } from '../packs/helpers';

// Security audit, Medium 9: two exports of one pack in the same second got the same ZIP name;
// one replaced the other while both records said "completed" with different SHA-256s.
let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('export names', () => {
  it('two exports of one pack at once get two names, each file matching its record', async () => {
    t = await openTestCore();
    await setOwner(t.call);
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids = await makeLibrary(t.core, media);
    const pack = await t.call('packs.create', { name: 'Twins', licenseType: 'commercial' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const out = path.join(t.root, 'out');
    const [a, b] = await Promise.all([
      exportPack(t.core, pack.id, { outDir: out }),
      exportPack(t.core, pack.id, { outDir: out, preset: 'etsy' }),
    ]);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    const za = a.files.find((f) => f.kind === 'zip')!;
    const zb = b.files.find((f) => f.kind === 'zip')!;
    expect(za.path).not.toBe(zb.path);
    expect(sha(za.path)).toBe(a.sha256);
    expect(sha(zb.path)).toBe(b.sha256);
    expect(readdirSync(out).filter((n) => n.endsWith('.zip'))).toHaveLength(2);
  });

  it('never takes a name that is on disk, and never replaces a file', async () => {
    t = await openTestCore();
    const dir = path.join(t.root, 'x');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'pack_20260101_000000.zip'), 'the creator’s own');
    const r1 = reserveExportRoot(dir, 'pack_20260101_000000');
    const r2 = reserveExportRoot(dir, 'pack_20260101_000000');
    expect([r1.root, r2.root]).toEqual(['pack_20260101_000000-2', 'pack_20260101_000000-3']);
    r1.release();
    expect(reserveExportRoot(dir, 'pack_20260101_000000').root).toBe('pack_20260101_000000-2');
    writeFileSync(path.join(dir, 'temp'), 'new');
    await expect(
      renameExclusive(path.join(dir, 'temp'), path.join(dir, 'pack_20260101_000000.zip')),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(readFileSync(path.join(dir, 'pack_20260101_000000.zip'), 'utf8')).toBe(
      'the creator’s own',
    );
  });
});
