import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPack } from '../../../src-main/core/packs/exportPack';
import { openTestCore, type TestCore } from '../../helpers/core';
import { insertAsset, makePng, setOwner } from './helpers';

/**
 * A real full disk: a 2 MB tmpfs. Mounting needs root (CI containers usually are); elsewhere this
 * test is skipped and export.test.ts covers the same path with a sink that throws ENOSPC.
 */
function tryMountTmpfs(dir: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]).status === 0;
}

let t: TestCore;
let mounted: string | null = null;
afterEach(async () => {
  if (mounted) spawnSync('umount', [mounted]);
  mounted = null;
  await t?.close();
});

describe('export onto a full disk', () => {
  it('fails with a clear message and leaves the small disk empty', async (ctx) => {
    t = await openTestCore();
    const mnt = path.join(t.root, 'small-disk');
    if (!tryMountTmpfs(mnt)) {
      ctx.skip();
      return;
    }
    mounted = mnt;
    await setOwner(t.call);
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const f = path.join(media, `n${i}.png`);
      await makePng(f, 200 + i, 400); // ~480 KB of noise each: 2.4 MB will not fit in 2 MB
      ids.push(insertAsset(t.core, f, 'image'));
    }
    const pack = await t.call('packs.create', { name: 'Too big' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    await expect(exportPack(t.core, pack.id, { outDir: mnt })).rejects.toThrow(/disk is full/);
    expect(readdirSync(mnt)).toEqual([]);
    const df = execFileSync('df', ['--output=used', mnt], { encoding: 'utf8' })
      .trim()
      .split('\n')[1]!
      .trim();
    expect(Number(df)).toBeLessThan(64);
  });
});
