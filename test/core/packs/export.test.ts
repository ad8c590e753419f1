import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPack } from '../../../src-main/core/packs/exportPack';
import type { ZipSink } from '../../../src-main/core/zip/zipWriter';
import { openTestCore, type TestCore } from '../../helpers/core';
import { pythonZip, unzipTest, yauzlRead } from '../zip/readers';
import { insertAsset, makeLibrary, makePng, setOwner } from './helpers';

let t: TestCore;
afterEach(async () => {
  await t?.close();
});

async function packWithLibrary() {
  t = await openTestCore();
  await setOwner(t.call);
  const media = path.join(t.root, 'media');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(media);
  const ids = await makeLibrary(t.core, media);
  const pack = await t.call('packs.create', {
    name: 'Dawn Castles',
    description: 'Castles at dawn, for games and prints.',
    licenseType: 'commercial',
  });
  await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
  return { pack, ids, media };
}

describe('exportPack', () => {
  it('writes a ZIP that every reader accepts, with the layout, manifest and checksums buyers need', async () => {
    const { pack, ids } = await packWithLibrary();
    const out = path.join(t.root, 'out');
    // This pack shares its prompts and keeps the files as they are (the default is the opposite).
    await t.call('packs.update', { id: pack.id, includePrompts: true, stripMetadata: false });
    const record = await exportPack(t.core, pack.id, { outDir: out });
    expect(record.status).toBe('completed');
    expect(record.includedPrompts).toBe(true);
    expect(record.strippedMetadata).toBe(false);
    expect(record.files).toHaveLength(1);
    const zip = record.files[0]!.path;
    expect(path.basename(zip)).toMatch(/^dawn_castles_\d{8}_\d{6}\.zip$/);
    expect(readdirSync(out)).toEqual([path.basename(zip)]);

    unzipTest(zip);
    const py = pythonZip(zip);
    expect(py.bad).toBeNull();
    expect(py.utf8).toBe(true);
    const entries = await yauzlRead(zip, (n) => !n.includes('/previews/'));
    const root = path.basename(zip, '.zip');
    const byName = new Map(entries.map((e) => [e.name.slice(root.length + 1), e]));
    for (const f of [
      'README.md',
      'LICENSE.txt',
      'manifest.json',
      'checksums.txt',
      'previews/preview_grid.jpg',
      'previews/hero_01.jpg',
      'prompts/castle.txt',
    ]) {
      expect(byName.has(f), f).toBe(true);
    }
    expect(entries.every((e) => e.name.startsWith(`${root}/`))).toBe(true);
    // Media is stored, text and WAV deflated.
    expect(byName.get('assets/img_0.png')!.method).toBe(0);
    expect(byName.get('assets/tone.wav')!.method).toBe(8);
    expect(byName.get('assets/clip.es.srt')!.method).toBe(8);
    expect(byName.get('README.md')!.method).toBe(8);

    const manifest = JSON.parse(byName.get('manifest.json')!.data!.toString('utf8'));
    expect(manifest.pack.asset_count).toBe(ids.length);
    const assetEntries = entries.filter(
      (e) => e.name.includes('/assets/') && !e.name.endsWith('/'),
    );
    expect(assetEntries).toHaveLength(ids.length);
    expect(manifest.pack.total_size_bytes).toBe(assetEntries.reduce((s, e) => s + e.size, 0));
    for (const a of manifest.assets) {
      const e = byName.get(a.rel_path)!;
      expect(e, a.rel_path).toBeDefined();
      expect(createHash('sha256').update(e.data!).digest('hex')).toBe(a.sha256);
      expect(e.size).toBe(a.size_bytes);
    }
    const castle = manifest.assets.find((a: { filename: string }) => a.filename === 'castle.jpg');
    expect(castle.generator).toMatchObject({
      prompt: 'a castle at dawn',
      seed: '42',
      model: 'sdxl_base',
    });

    // checksums.txt lists every file but itself, and every line matches the bytes.
    const lines = byName.get('checksums.txt')!.data!.toString('utf8').trim().split('\n');
    const listed = new Set<string>();
    for (const line of lines) {
      const m = /^SHA256 \((.+)\) = ([0-9a-f]{64})$/.exec(line)!;
      expect(m, line).not.toBeNull();
      listed.add(m[1]!);
      const e = byName.get(m[1]!);
      if (e?.data) expect(createHash('sha256').update(e.data).digest('hex')).toBe(m[2]);
    }
    const files = entries
      .filter((e) => !e.name.endsWith('/'))
      .map((e) => e.name.slice(root.length + 1));
    expect(new Set(files.filter((f) => f !== 'checksums.txt'))).toEqual(listed);

    const license = byName.get('LICENSE.txt')!.data!.toString('utf8');
    expect(license).toMatch(/^STANDARD COMMERCIAL LICENSE/);
    expect(license).toContain('Ada Lovelace');
    expect(license).not.toMatch(/\{\{/);
    const readme = byName.get('README.md')!.data!.toString('utf8');
    expect(readme).toContain('# Dawn Castles');
    expect(readme).toMatch(/- \*\*Subtitles\*\*: 1 \(SRT\)/);
    expect(readme).toContain('ada@example.com');

    const after = await t.call('packs.get', { id: pack.id });
    expect(after.exportSha256).toBe(
      createHash('sha256')
        .update((await import('node:fs')).readFileSync(zip))
        .digest('hex'),
    );
    expect(after.exportPath).toBe(zip);
    const history = await t.call('packs.exports', { packId: pack.id });
    expect(history[0]!.status).toBe('completed');
  });

  it('lists the bytes actually exported in checksums.txt when a file changed after import', async () => {
    const { pack } = await packWithLibrary();
    const changed = path.join(t.root, 'media', 'img_0.png');
    const before = createHash('sha256').update(readFileSync(changed)).digest('hex');
    await makePng(changed, 7, 80); // other pixels, other size: ingest's hash no longer holds
    const now = createHash('sha256').update(readFileSync(changed)).digest('hex');
    expect(now).not.toBe(before);
    const rec = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'out') });
    expect(rec.status).toBe('completed');
    const zip = rec.files[0]!.path;
    const root = path.basename(zip, '.zip');
    const entries = await yauzlRead(
      zip,
      (n) => n.endsWith('checksums.txt') || n.endsWith('manifest.json') || n.includes('/assets/'),
    );
    const sums = entries.find((e) => e.name === `${root}/checksums.txt`)!.data!.toString('utf8');
    expect(sums).toContain(`SHA256 (assets/img_0.png) = ${now}`);
    const manifest = JSON.parse(
      entries.find((e) => e.name === `${root}/manifest.json`)!.data!.toString('utf8'),
    );
    expect(
      manifest.assets.find((a: { filename: string }) => a.filename === 'img_0.png').sha256,
    ).toBe(now);
    // Unchanged files keep ingest's hash, which is still the hash of their bytes.
    for (const e of entries.filter((x) => x.name.includes('/assets/') && x.data)) {
      expect(sums).toContain(
        `SHA256 (${e.name.slice(root.length + 1)}) = ${createHash('sha256').update(e.data!).digest('hex')}`,
      );
    }
  });

  it('skips a vanished file with a reason and exports the rest, or blocks when asked to', async () => {
    const { pack, ids } = await packWithLibrary();
    rmSync(path.join(t.root, 'media', 'img_1.png'));
    const rec = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'o1') });
    expect(rec.assetCount).toBe(ids.length - 1);
    expect(rec.skipped).toEqual([
      expect.objectContaining({ filename: 'img_1.png', reason: 'file missing from disk' }),
    ]);
    unzipTest(rec.files[0]!.path);
    await expect(
      exportPack(t.core, pack.id, { outDir: path.join(t.root, 'o2'), onMissing: 'block' }),
    ).rejects.toThrow(/missing/);
    expect(existsSync(path.join(t.root, 'o2')) ? readdirSync(path.join(t.root, 'o2')) : []).toEqual(
      [],
    );
  });

  it('never writes outside the pack root, whatever the names', async () => {
    t = await openTestCore();
    await setOwner(t.call);
    const media = path.join(t.root, 'media');
    (await import('node:fs')).mkdirSync(media);
    const hostile = [
      '../../escape.png',
      '/etc/passwd.png',
      'C:\\Windows\\system32.png',
      'CON.png',
      'nul.png',
      'com1.tar.png',
      'a\u0000b\u001f.png',
      'what?*<>|".png',
      '.hidden.png',
      'trailing. .png',
      'Café.png',
      'Cafe\u0301.png',
      'CAFÉ.PNG',
      `${'x'.repeat(300)}.png`,
      `${'日'.repeat(120)}.png`,
    ];
    const ids: string[] = [];
    for (let i = 0; i < hostile.length; i++) {
      const f = path.join(media, `h${i}.png`);
      await makePng(f, 100 + i, 32);
      ids.push(insertAsset(t.core, f, 'image', { filename: hostile[i]! }));
    }
    const pack = await t.call('packs.create', { name: 'Hostile names' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const report = await t.call('packs.check', { packId: pack.id });
    expect(report.issues.filter((i) => i.code === 'invalid_name').length).toBeGreaterThan(5);
    expect(report.issues.some((i) => i.code === 'name_clash')).toBe(true);

    const out = path.join(t.root, 'out');
    const rec = await exportPack(t.core, pack.id, { outDir: out });
    const zip = rec.files[0]!.path;
    unzipTest(zip);
    expect(pythonZip(zip).bad).toBeNull();
    const root = path.basename(zip, '.zip');
    const names = (await yauzlRead(zip)).map((e) => e.name);
    const assetNames = names
      .filter((n) => n.startsWith(`${root}/assets/`) && !n.endsWith('/'))
      .map((n) => n.slice(root.length + 8));
    expect(assetNames).toHaveLength(hostile.length);
    const keys = new Set(assetNames.map((n) => n.normalize('NFC').toLowerCase()));
    expect(keys.size).toBe(hostile.length);
    for (const n of assetNames) {
      // eslint-disable-next-line no-control-regex -- asserting no control characters survive
      expect(n).not.toMatch(/[\\/:*?"<>|\u0000-\u001f]/);
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
      expect(n.split('.')[0]!.toLowerCase()).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/);
      expect(n).not.toMatch(/^\./);
    }
    // Extract with Info-ZIP into an empty folder: everything lands under the root, nothing beside it.
    const { execFileSync } = await import('node:child_process');
    const x = path.join(t.root, 'x');
    execFileSync('unzip', ['-q', zip, '-d', x]);
    expect(readdirSync(x)).toEqual([root]);
    expect(readdirSync(path.join(x, root, 'assets'))).toHaveLength(hostile.length);
  });

  it('a full disk or a cancel leaves nothing under the final name and says why', async () => {
    const { pack } = await packWithLibrary();
    const out = path.join(t.root, 'full');
    let written = 0;
    const fullDisk = async (file: string): Promise<ZipSink> => {
      writeFileSync(file, '');
      return {
        async write(buf) {
          if ((written += buf.length) > 20_000)
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
              code: 'ENOSPC',
            });
        },
        async truncate() {},
        async sync() {},
        async close() {},
      };
    };
    await expect(exportPack(t.core, pack.id, { outDir: out }, { sink: fullDisk })).rejects.toThrow(
      /disk is full/,
    );
    expect(readdirSync(out)).toEqual([]);
    const [rec] = await t.call('packs.exports', { packId: pack.id });
    expect(rec!.status).toBe('failed');
    expect(rec!.error).toMatch(/disk is full/);

    const ac = new AbortController();
    const p = exportPack(
      t.core,
      pack.id,
      { outDir: out },
      { signal: ac.signal, onProgress: (f) => f > 0.02 && ac.abort(new Error('Cancelled')) },
    );
    await expect(p).rejects.toThrow(/Cancelled/);
    expect(readdirSync(out)).toEqual([]);
    expect((await t.call('packs.exports', { packId: pack.id }))[0]!.status).toBe('cancelled');
  });

  it('splits into numbered parts under a size cap, and by type for Gumroad past 100 files', async () => {
    const { pack, ids, media } = await packWithLibrary();
    for (let i = 0; i < 3; i++) {
      const f = path.join(media, `big_${i}.png`);
      await makePng(f, 50 + i, 512); // noise: ~790 KB each, so a 1 MiB cap needs several parts
      ids.push(insertAsset(t.core, f, 'image'));
    }
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const rec = await exportPack(t.core, pack.id, {
      outDir: path.join(t.root, 'parts'),
      maxPartBytes: 1 << 20,
    });
    expect(rec.files.length).toBeGreaterThanOrEqual(3);
    const zips = rec.files.filter((f) => f.kind === 'zip');
    for (const z of zips) {
      unzipTest(z.path);
      expect(z.bytes).toBeLessThanOrEqual(1 << 20);
    }
    const all = (await Promise.all(zips.map((z) => yauzlRead(z.path)))).flat().map((e) => e.name);
    expect(all.filter((n) => n.includes('/assets/') && !n.endsWith('/'))).toHaveLength(ids.length);
    expect(new Set(all.filter((n) => n.endsWith('/manifest.json')))).toHaveProperty('size', 1);

    const etsy = await exportPack(t.core, pack.id, {
      outDir: path.join(t.root, 'etsy'),
      preset: 'etsy',
    });
    expect(etsy.files.some((f) => f.kind === 'collage' && f.path.endsWith('_listing.jpg'))).toBe(
      true,
    );
  });
});
