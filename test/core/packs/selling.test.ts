import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { setPngText } from '../../../src-main/core/generate/pngParameters';
import { bumpVersion, exportPack } from '../../../src-main/core/packs/exportPack';
import { packMembers } from '../../../src-main/core/packs/packStore';
import { getPreset } from '../../../src-main/core/packs/presets';
import {
  collageLayout,
  heroSize,
  listingCollage,
  sheetColumns,
  writePreviews,
} from '../../../src-main/core/packs/previews';
import { expandPattern, patternProblems } from '../../../src-main/core/packs/renamePattern';
import { openTestCore, type TestCore } from '../../helpers/core';
import { yauzlRead } from '../zip/readers';
import { insertAsset, makeJpeg, setOwner } from './helpers';

let t: TestCore;
afterEach(async () => {
  await t?.close();
});

const SECRET = 'a secret prompt, masterpiece';

/** Every PNG chunk type of `buf`. */
function pngChunks(buf: Buffer): string[] {
  const out: string[] = [];
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    out.push(buf.toString('latin1', pos + 4, pos + 8));
    pos += 12 + len;
  }
  return out;
}

async function aiPng(file: string, w: number, h: number, seed: number): Promise<void> {
  const png = await sharp({
    create: { width: w, height: h, channels: 3, background: { r: seed * 30, g: 90, b: 160 } },
  })
    .png()
    .toBuffer();
  writeFileSync(
    file,
    setPngText(png, { parameters: `${SECRET}\nSteps: 20, Seed: ${seed}, Model: sdxl` }),
  );
}

async function sellingPack() {
  t = await openTestCore();
  await setOwner(t.call);
  const media = path.join(t.root, 'media');
  mkdirSync(media);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const f = path.join(media, `gen_${i}.png`);
    await aiPng(f, 120 + i * 40, 90, i + 1);
    ids.push(
      insertAsset(t.core, f, 'image', {
        provenance: 'ai_generated',
        prompt: SECRET,
        seed: String(i + 1),
        model: 'sdxl',
        width: 120 + i * 40,
        height: 90,
      }),
    );
  }
  const jpg = path.join(media, 'photo.jpg');
  await makeJpeg(jpg, 3, 200);
  ids.push(insertAsset(t.core, jpg, 'image', { width: 200, height: 200 }));
  const pack = await t.call('packs.create', {
    name: 'Secret Sauce',
    description: 'Backgrounds.',
  });
  await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
  return { pack, ids, media };
}

describe('exports keep the seller’s secrets', () => {
  it('a new pack ships no prompts and strips the files, and says so in README and manifest', async () => {
    const { pack } = await sellingPack();
    expect(pack.includePrompts).toBe(false);
    expect(pack.stripMetadata).toBe(true);
    const record = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'out') });
    expect(record.status).toBe('completed');
    expect([record.includedPrompts, record.strippedMetadata]).toEqual([false, true]);
    const zip = record.files[0]!.path;
    const entries = await yauzlRead(zip, () => true);
    const root = path.basename(zip, '.zip');
    const byName = new Map(entries.map((e) => [e.name.slice(root.length + 1), e]));
    expect([...byName.keys()].some((n) => n.startsWith('prompts'))).toBe(false);

    const manifest = JSON.parse(byName.get('manifest.json')!.data!.toString('utf8'));
    expect(manifest.includes).toEqual({
      prompts: false,
      generation_metadata_stripped: true,
      stripped_files: 3,
    });
    for (const a of manifest.assets) {
      expect(a.generator).toBeNull();
      expect(a.prompt_file).toBeNull();
      const e = byName.get(a.rel_path)!;
      // The manifest and checksums vouch for the stripped bytes the buyer gets.
      expect(createHash('sha256').update(e.data!).digest('hex')).toBe(a.sha256);
      expect(e.size).toBe(a.size_bytes);
    }
    expect(JSON.stringify(manifest)).not.toContain('secret prompt');
    const readme = byName.get('README.md')!.data!.toString('utf8');
    expect(readme).toContain('Prompts and generation settings: no');
    expect(readme).toContain('Generation metadata in the files: removed');
    expect(readme).not.toContain('prompts/');

    for (const [name, e] of byName) {
      if (!name.startsWith('assets/gen_')) continue;
      const chunks = pngChunks(e.data!);
      for (const ty of ['tEXt', 'iTXt', 'zTXt', 'eXIf']) expect(chunks, name).not.toContain(ty);
      expect(e.data!.includes(Buffer.from('secret prompt'))).toBe(false);
      const meta = await sharp(e.data!).metadata();
      expect(meta.comments ?? []).toEqual([]);
      expect(meta.format).toBe('png');
    }
  });

  it('a pack that shares its prompts ships prompts/ and the generator; an export may override it', async () => {
    const { pack } = await sellingPack();
    await t.call('packs.update', { id: pack.id, includePrompts: true, stripMetadata: false });
    const rec = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'a') });
    const entries = await yauzlRead(rec.files[0]!.path, (n) => n.endsWith('README.md'));
    expect(entries.some((e) => /\/prompts\/gen_0\.txt$/.test(e.name))).toBe(true);
    expect(entries.find((e) => e.name.endsWith('README.md'))!.data!.toString()).toContain(
      'Prompts and generation settings: yes',
    );
    const over = await exportPack(t.core, pack.id, {
      outDir: path.join(t.root, 'b'),
      includePrompts: false,
    });
    expect(over.includedPrompts).toBe(false);
    const e2 = await yauzlRead(over.files[0]!.path);
    expect(e2.some((e) => e.name.includes('/prompts/'))).toBe(false);
  });

  it('Settings → Export defaults decide what new packs include', async () => {
    t = await openTestCore();
    expect(await t.call('packs.exportDefaults', {})).toEqual({
      includePrompts: false,
      stripMetadata: true,
    });
    await t.call('packs.setExportDefaults', { includePrompts: true });
    const p = await t.call('packs.create', { name: 'Open Recipe' });
    expect([p.includePrompts, p.stripMetadata]).toEqual([true, true]);
    await t.call('packs.setExportDefaults', { stripMetadata: false, includePrompts: false });
    const q = await t.call('packs.create', { name: 'Closed' });
    expect([q.includePrompts, q.stripMetadata]).toEqual([false, false]);
    // The app settings are untouched by the extra row.
    expect((await t.call('settings.get', {})).theme).toBe('system');
  });
});

describe('selling: versions, licence text, batch rename', () => {
  it('a re-export bumps the version and writes the changelog line into README and manifest', async () => {
    const { pack } = await sellingPack();
    const first = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'o') });
    expect(first.version).toBe('1.0.0');
    const second = await exportPack(t.core, pack.id, {
      outDir: path.join(t.root, 'o'),
      bump: 'minor',
      changelog: 'Added 4 new backgrounds',
    });
    expect(second.version).toBe('1.1.0');
    const after = await t.call('packs.get', { id: pack.id });
    expect(after.version).toBe('1.1.0');
    expect(after.changelog).toEqual([
      expect.objectContaining({ version: '1.1.0', note: 'Added 4 new backgrounds' }),
    ]);
    const entries = await yauzlRead(
      second.files[0]!.path,
      (n) => n.endsWith('README.md') || n.endsWith('manifest.json') || n.endsWith('LICENSE.txt'),
    );
    const readme = entries.find((e) => e.name.endsWith('README.md'))!.data!.toString();
    expect(readme).toMatch(/Version 1\.1\.0/);
    expect(readme).toMatch(/- 1\.1\.0 — \d{4}-\d\d-\d\d — Added 4 new backgrounds/);
    expect(readme).toMatch(/- 1\.0\.0 — \d{4}-\d\d-\d\d/);
    const manifest = JSON.parse(
      entries.find((e) => e.name.endsWith('manifest.json'))!.data!.toString(),
    );
    expect(manifest.pack.version).toBe('1.1.0');
    expect(manifest.changelog[0].note).toBe('Added 4 new backgrounds');
    expect(bumpVersion('1.1.0', 'patch')).toBe('1.1.1');
    expect(bumpVersion('v2', 'minor')).toBe('2.1');
    expect(bumpVersion('1.4.2', 'major')).toBe('2.0.0');
  });

  it('a failed export keeps the old version', async () => {
    const { pack } = await sellingPack();
    await t.call('settings.update', { ownerName: '' });
    await expect(
      exportPack(t.core, pack.id, { outDir: path.join(t.root, 'o'), bump: 'major' }),
    ).rejects.toThrow();
    expect((await t.call('packs.get', { id: pack.id })).version).toBe('1.0.0');
  });

  it('the pack’s own licence text is filled in and exported; clearing it goes back to the template', async () => {
    const { pack } = await sellingPack();
    const text = 'CUSTOM LICENCE\n\nCopyright {{YEAR}} {{HOLDER}}. Use in up to 3 games.\n';
    await t.call('packs.update', { id: pack.id, licenseText: text });
    const shown = await t.call('packs.licenseText', { packId: pack.id });
    expect(shown.text).toContain('Ada Lovelace');
    expect(shown.placeholders).toEqual([]);
    const rec = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'o') });
    const lic = (await yauzlRead(rec.files[0]!.path, (n) => n.endsWith('LICENSE.txt'))).find((e) =>
      e.name.endsWith('LICENSE.txt'),
    )!;
    expect(lic.data!.toString()).toMatch(/^CUSTOM LICENCE\r\n/);
    expect(lic.data!.toString()).toContain(`Copyright ${new Date().getFullYear()} Ada Lovelace`);
    // A placeholder the creator left is an error with its fix.
    await t.call('packs.update', { id: pack.id, licenseText: 'Mine. Contact [your email].' });
    const report = await t.call('packs.check', { packId: pack.id });
    const issue = report.issues.find((i) => i.key === 'placeholder:license')!;
    expect(issue.fix).toEqual({ kind: 'license', label: 'Edit licence text' });
    await t.call('packs.update', { id: pack.id, licenseText: null });
    expect((await t.call('packs.get', { id: pack.id })).licenseText).toBeNull();
  });

  it('batch rename: {pack}-{n:03} with {title}, {orig}, {ext}; a dry run changes nothing', async () => {
    const { pack, ids } = await sellingPack();
    const dry = await t.call('packs.renameAll', {
      packId: pack.id,
      pattern: '{pack}-{n:03}',
      dryRun: true,
    });
    expect(dry.names.map((n) => n.name)).toEqual([
      'secret_sauce-001.png',
      'secret_sauce-002.png',
      'secret_sauce-003.png',
      'secret_sauce-004.jpg',
    ]);
    expect(dry.renamed).toBe(0);
    const page = await t.call('packs.assets', { packId: pack.id });
    expect(page.items[0]!.exportFilename).toBeNull();

    const done = await t.call('packs.renameAll', {
      packId: pack.id,
      pattern: '{orig}_{n}.{ext}',
    });
    expect(done.renamed).toBe(4);
    const after = await t.call('packs.assets', { packId: pack.id });
    expect(after.items.map((i) => i.effectiveName)).toEqual([
      'gen_0_1.png',
      'gen_1_2.png',
      'gen_2_3.png',
      'photo_4.jpg',
    ]);
    expect((await t.call('packs.get', { id: pack.id })).namePattern).toBe('{orig}_{n}.{ext}');
    expect(ids).toHaveLength(4);

    expect(patternProblems('{pack}')).toEqual([
      'needs {n} or {orig}, or every file would get the same name',
    ]);
    expect(patternProblems('{n}-{colour}')[0]).toMatch(/unknown fields \{colour\}/);
    expect(
      expandPattern('{title} {n:02}', 'p', [{ filename: 'x.webp', ext: 'webp', title: 'A/B: c?' }]),
    ).toEqual(['A_B_ c_ 01.webp']);
    const bad = await t.api.invoke('packs.renameAll', { packId: pack.id, pattern: '{pack}' });
    expect(bad.ok).toBe(false);
  });
});

describe('marketing images', () => {
  it('the collage never has an empty cell and keeps every aspect ratio, for 1 to 9 pictures', () => {
    const shapes = [1.5, 0.66, 1, 1.78, 0.75, 1.33, 2, 1, 0.5];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      for (const [W, H] of [
        [2667, 2000],
        [1280, 720],
        [1820, 1214],
        [630, 500],
      ] as const) {
        const aspects = shapes.slice(0, n);
        const rects = collageLayout(aspects, W, H);
        expect(rects).toHaveLength(n);
        let area = 0;
        rects.forEach((r, i) => {
          expect(r.left).toBeGreaterThanOrEqual(0);
          expect(r.top).toBeGreaterThanOrEqual(0);
          expect(r.left + r.width).toBeLessThanOrEqual(W);
          expect(r.top + r.height).toBeLessThanOrEqual(H);
          // Fitted, not cropped: the cell has the picture's shape (within rounding).
          expect(Math.abs(r.width / r.height - aspects[i]!) / aspects[i]!).toBeLessThan(
            0.02 + 2 / Math.min(r.width, r.height),
          );
          area += r.width * r.height;
          for (const o of rects.slice(i + 1))
            expect(
              r.left + r.width <= o.left ||
                o.left + o.width <= r.left ||
                r.top + r.height <= o.top ||
                o.top + o.height <= r.top,
            ).toBe(true);
        });
        // Rows are full: pictures cover most of the canvas, whatever the count.
        if (n > 1) expect(area / (W * H), `${n} in ${W}×${H}`).toBeGreaterThan(0.45);
      }
    }
  });

  it('collages of 2, 3, 5 and 7 pictures are drawn at each marketplace’s size with no empty cell', async () => {
    t = await openTestCore();
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids: string[] = [];
    const sizes = [
      [800, 600],
      [600, 900],
      [1000, 1000],
      [1200, 500],
      [700, 700],
      [640, 960],
      [900, 600],
    ];
    for (const [i, [w, h]] of sizes.entries()) {
      const f = path.join(media, `p${i}.png`);
      // Saturated colours, none close to the collage's white.
      await sharp({
        create: { width: w!, height: h!, channels: 3, background: { r: 200, g: i * 30, b: 40 } },
      })
        .png()
        .toFile(f);
      ids.push(insertAsset(t.core, f, 'image', { width: w, height: h }));
    }
    const pack = await t.call('packs.create', { name: 'Collage' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const members = packMembers(t.core, pack.id);
    for (const preset of ['etsy', 'gumroad', 'creative_market', 'itchio'] as const) {
      const listing = getPreset(preset).listing;
      for (const n of [2, 3, 5, 7]) {
        const buf = (await listingCollage(
          members.slice(0, n),
          { layout: t.core.layout, watermark: null, ffmpeg: null },
          listing,
        ))!;
        const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
        expect([info.width, info.height], `${preset} ${n}`).toEqual([
          listing.width,
          listing.height,
        ]);
        // White (the background) is a thin frame, never a cell: under half the canvas.
        let white = 0;
        for (let p = 0; p < data.length; p += 3)
          if (data[p]! > 240 && data[p + 1]! > 240 && data[p + 2]! > 240) white++;
        expect(white / (info.width * info.height), `${preset} ${n}`).toBeLessThan(0.5);
      }
    }
  });

  it('heroes are full size within the marketplace’s guidance; the creator’s hero and collage picks come first; else best rated, then newest', async () => {
    t = await openTestCore();
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = path.join(media, `big_${i}.png`);
      await sharp({
        create: { width: 3000, height: 2000, channels: 3, background: { r: i * 60, g: 0, b: 0 } },
      })
        .png({ compressionLevel: 1 })
        .toFile(f);
      ids.push(insertAsset(t.core, f, 'image', { width: 3000, height: 2000 }));
    }
    t.core.sqlite.prepare('UPDATE assets SET rating = 5 WHERE id = ?').run(ids[2]);
    const pack = await t.call('packs.create', { name: 'Heroes' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const dir = (n: string) => path.join(t.core.layout.tmp, 'previews', n);
    const etsy = getPreset('etsy').listing;
    const members = packMembers(t.core, pack.id);
    const auto = await writePreviews({
      members,
      layout: t.core.layout,
      watermark: null,
      collage: true,
      dir: dir('auto'),
      ffmpeg: null,
      listing: etsy,
    });
    const heroMeta = await sharp(auto.heroes[0]!.file).metadata();
    // 3000×2000 → 2000 on the short side (Etsy), the long side within 3000.
    expect([heroMeta.width, heroMeta.height]).toEqual([3000, 2000]);
    // The best rated is the hero: its red is 120.
    const { data } = await sharp(auto.heroes[0]!.file)
      .extract({ left: 100, top: 100, width: 4, height: 4 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(Math.abs(data[0]! - 120)).toBeLessThan(8);
    expect(await sharp(auto.collage!.file).metadata()).toMatchObject({ width: 2667, height: 2000 });

    await t.call('packs.update', { id: pack.id, heroAssetId: ids[3], collageAssetIds: [ids[0]!] });
    const picked = await writePreviews({
      members,
      layout: t.core.layout,
      watermark: null,
      collage: true,
      dir: dir('picked'),
      ffmpeg: null,
      heroId: ids[3],
      collageIds: [ids[0]!, ids[1]!],
      listing: getPreset('gumroad').listing,
    });
    const h = await sharp(picked.heroes[0]!.file)
      .extract({ left: 10, top: 10, width: 4, height: 4 })
      .raw()
      .toBuffer();
    expect(Math.abs(h[0]! - 180)).toBeLessThan(8);
    // Gumroad: 720 on the short side.
    expect((await sharp(picked.heroes[0]!.file).metadata()).height).toBe(720);
    expect(heroSize(200, 100, etsy)).toEqual({ width: 200, height: 100 });

    // A pick that leaves the pack is forgotten.
    await t.call('packs.removeAssets', { packId: pack.id, assetIds: [ids[3]!, ids[0]!] });
    const p = await t.call('packs.get', { id: pack.id });
    expect([p.heroAssetId, p.collageAssetIds]).toEqual([null, null]);
    const wrong = await t.api.invoke('packs.update', { id: pack.id, heroAssetId: ids[0] });
    expect(wrong.ok).toBe(false);
  });

  it('contact sheets are near-square grids', () => {
    expect(sheetColumns(1)).toBe(1);
    expect(sheetColumns(4)).toBe(2);
    expect(sheetColumns(10)).toBe(4);
    expect(sheetColumns(12)).toBe(4);
    expect(sheetColumns(100)).toBe(10);
    for (let n = 2; n <= 100; n++) {
      const c = sheetColumns(n);
      const rows = Math.ceil(n / c);
      expect(c / rows, `${n}`).toBeLessThanOrEqual(n <= 3 ? 3 : 2);
      expect(rows / c, `${n}`).toBeLessThanOrEqual(1.5);
    }
  });
});

describe('pack checks offer their fix', () => {
  it('"Approve these 3", "Remove from pack" and "Set your name" come with the issues', async () => {
    t = await openTestCore();
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = path.join(media, `f${i}.jpg`);
      await makeJpeg(f, i + 1, 64);
      ids.push(
        insertAsset(t.core, f, 'image', { status: i < 3 ? 'pending' : 'rejected', width: 64 }),
      );
    }
    const pack = await t.call('packs.create', { name: 'Fixes' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const report = await t.call('packs.check', { packId: pack.id });
    const by = (code: string) => report.issues.find((i) => i.code === code)!;
    expect(by('unapproved').fix).toEqual({
      kind: 'approve',
      label: 'Approve these 3',
      assetIds: ids.slice(0, 3),
    });
    expect(by('rejected').fix).toEqual({
      kind: 'remove',
      label: 'Remove from pack',
      assetIds: [ids[3]],
    });
    expect(by('placeholder').fix).toEqual({
      kind: 'settings',
      label: 'Set your name',
      field: 'owner',
    });
    await t.call('settings.update', { ownerName: 'Ada' });
    const again = await t.call('packs.check', { packId: pack.id });
    expect(again.issues.find((i) => i.code === 'placeholder')!.fix).toMatchObject({
      field: 'support',
    });
  });
});
