import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveFfTool } from '../../../src-main/core/engines/ffmpeg';
import { probeImage } from '../../../src-main/core/ingest/probeImage';
import { exportPack } from '../../../src-main/core/packs/exportPack';
import { packMembers, type PackMemberRow } from '../../../src-main/core/packs/packStore';
import { previewDir, writePreviews, type PreviewJob } from '../../../src-main/core/packs/previews';
import { openTestCore, type TestCore } from '../../helpers/core';
import { insertAsset, makeJpeg, makePng, setOwner } from './helpers';

const TILE = 256;
const GAP = 8;

let t: TestCore;
afterEach(async () => {
  await t?.close();
});

/** A pack of a solid-colour JPEG, an undecodable "PNG" and a noise PNG, in that order. */
async function smallPack() {
  t = await openTestCore();
  await setOwner(t.call);
  const media = path.join(t.root, 'media');
  mkdirSync(media);
  const good = path.join(media, 'good.jpg');
  await makeJpeg(good, 7, 300); // rgb(25, 120, 200)
  const bad = path.join(media, 'bad.png');
  writeFileSync(
    bad,
    Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2000, 0x5a)]),
  );
  const noise = path.join(media, 'noise.png');
  await makePng(noise, 3, 300);
  const ids = [
    insertAsset(t.core, good, 'image'),
    insertAsset(t.core, bad, 'image'),
    insertAsset(t.core, noise, 'image'),
  ];
  const pack = await t.call('packs.create', { name: 'Tiles', description: 'Three tiles.' });
  await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
  return { pack, members: packMembers(t.core, pack.id) };
}

function job(members: PackMemberRow[], over: Partial<PreviewJob> = {}): PreviewJob {
  return {
    members,
    coverId: null,
    layout: t.core.layout,
    watermark: null,
    collage: false,
    dir: path.join(t.core.layout.tmp, 'previews', 'test'),
    ffmpeg: resolveFfTool('ffmpeg', null).path,
    ...over,
  };
}

/** Mean colour of a 40 px square inside tile `i` of a sheet `cols` tiles wide. */
async function tileColour(sheet: string, i: number, cols: number): Promise<number[]> {
  const left = GAP + (i % cols) * (TILE + GAP) + 20;
  const top = GAP + Math.floor(i / cols) * (TILE + GAP) + 20;
  const { data, info } = await sharp(sheet)
    .extract({ left, top, width: 40, height: 40 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let p = 0; p < data.length; p += info.channels)
    for (let c = 0; c < 3; c++) sums[c]! += data[p + c]!;
  return sums.map((v) => Math.round(v / (info.width * info.height)));
}

/** Children of this process whose command line names the export process (Linux /proc). */
function exportChildren(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let kids = '';
    try {
      kids = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of kids.split(' ').filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('exportProcess')) pids.push(pid);
      } catch {
        // exited meanwhile
      }
    }
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('contact sheets, heroes and collage', () => {
  it('enlarges a small sprite to fill its tile, with hard edges', async () => {
    t = await openTestCore();
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    // 16×16 black and white checkerboard of 1 px squares: ×16 in the tile.
    const raw = Buffer.alloc(16 * 16 * 3);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        raw.fill((x + y) % 2 ? 255 : 0, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    const sprite = path.join(media, 'sprite.png');
    await sharp(raw, { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toFile(sprite);
    const pack = await t.call('packs.create', { name: 'Sprites', description: 'One sprite.' });
    await t.call('packs.addAssets', {
      packId: pack.id,
      assetIds: [insertAsset(t.core, sprite, 'image', { width: 16, height: 16 })],
    });
    const set = await writePreviews(
      job(packMembers(t.core, pack.id), { dir: path.join(t.core.layout.tmp, 'previews', 's') }),
    );
    const { data, info } = await sharp(set.sheets[0]!.file)
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const grey = (x: number, y: number) => data[(GAP + y) * info.width + GAP + x]!;
    // Near the edges of source pixel (0,0) (black) and (1,0) (white): a blurring enlargement
    // would mix them there.
    for (const x of [2, 13]) expect(grey(x, 8), `x ${x}`).toBeLessThan(40);
    for (const x of [18, 29]) expect(grey(x, 8), `x ${x}`).toBeGreaterThan(215);
    // And the sprite fills the cell: the last source pixel (15,15) is black at the far corner.
    expect(grey(250, 250)).toBeLessThan(40);
  });

  it('shows each picture whole: a wide image is fitted inside its tile, not cropped', async () => {
    t = await openTestCore();
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    // 512×128, left half red and right half blue: a centre crop would show only the seam.
    const wide = path.join(media, 'wide.png');
    const half = (r: number, b: number) => ({
      create: { width: 256, height: 128, channels: 3 as const, background: { r, g: 0, b } },
    });
    await sharp(half(255, 0))
      .extend({ right: 256, background: { r: 0, g: 0, b: 255 } })
      .png()
      .toFile(wide);
    const pack = await t.call('packs.create', { name: 'Wide', description: 'One wide picture.' });
    await t.call('packs.addAssets', {
      packId: pack.id,
      assetIds: [insertAsset(t.core, wide, 'image')],
    });
    const set = await writePreviews(
      job(packMembers(t.core, pack.id), { dir: path.join(t.core.layout.tmp, 'previews', 'w') }),
    );
    const sheet = set.sheets[0]!.file;
    expect(await sharp(sheet).metadata()).toMatchObject({
      width: TILE + 2 * GAP,
      height: TILE + 2 * GAP,
    });
    const at = async (x: number, y: number) => {
      const { data } = await sharp(sheet)
        .extract({ left: x, top: y, width: 8, height: 8 })
        .raw()
        .toBuffer({ resolveWithObject: true });
      return [0, 1, 2].map((c) =>
        Math.round(data.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / 64),
      );
    };
    // 256×64 in the middle of the 256 px cell: grey above, red on the left, blue on the right.
    const [above, left, right] = [
      await at(GAP + 124, GAP + 20),
      await at(GAP + 20, GAP + 124),
      await at(GAP + 228, GAP + 124),
    ];
    above.forEach((v) => expect(Math.abs(v - 0xf4)).toBeLessThan(6));
    expect(left[0]).toBeGreaterThan(200);
    expect(left[2]).toBeLessThan(50);
    expect(right[2]).toBeGreaterThan(200);
    expect(right[0]).toBeLessThan(50);
  });

  it('draws tiles from the Library thumbnails through ffmpeg: colours, whole pictures, transparency, pixel art', async () => {
    t = await openTestCore();
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids: string[] = [];
    /** An asset with its thumbnails made by ingest's own code, as the Library has them. */
    const add = async (name: string, img: ReturnType<typeof sharp>, w: number, h: number) => {
      const file = path.join(media, name);
      await img.png().toFile(file);
      const key = createHash('sha256').update(name).digest('hex');
      await probeImage(readFileSync(file), key, t.core.layout);
      const id = insertAsset(t.core, file, 'image', { width: w, height: h });
      t.core.sqlite.prepare('UPDATE assets SET thumb_key = ? WHERE id = ?').run(key, id);
      ids.push(id);
    };
    const solid = (w: number, h: number, r: number, g: number, b: number, alpha = 1) =>
      sharp({ create: { width: w, height: h, channels: 4, background: { r, g, b, alpha } } });
    await add('red.png', solid(600, 600, 220, 30, 30).removeAlpha(), 600, 600);
    // Wide: fitted whole inside the cell, grey above and below.
    await add('wide.png', solid(800, 200, 30, 30, 220).removeAlpha(), 800, 200);
    // Half-transparent green over the sheet's grey.
    await add('glass.png', solid(400, 400, 0, 200, 0, 0.5), 400, 400);
    // 16 px checkerboard sprite: enlarged ×16 with hard edges.
    const raw = Buffer.alloc(16 * 16 * 3);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        raw.fill((x + y) % 2 ? 255 : 0, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    await add('sprite.png', sharp(raw, { raw: { width: 16, height: 16, channels: 3 } }), 16, 16);
    // 200×100 photo-sized-down: enlarged smoothly to 256×128.
    await add('small.png', solid(200, 100, 240, 200, 40).removeAlpha(), 200, 100);
    const pack = await t.call('packs.create', { name: 'Thumbs', description: 'Five thumbnails.' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const set = await writePreviews(
      job(packMembers(t.core, pack.id), { dir: path.join(t.core.layout.tmp, 'previews', 'th') }),
    );
    const sheet = set.sheets[0]!.file;
    const { data, info } = await sharp(sheet).raw().toBuffer({ resolveWithObject: true });
    // Five tiles: a 3×2 grid, not a 5×1 strip.
    expect([info.width, info.height]).toEqual([3 * TILE + 4 * GAP, 2 * TILE + 3 * GAP]);
    const at = (tile: number, x: number, y: number) => {
      const col = tile % 3;
      const row = Math.floor(tile / 3);
      const o = ((GAP + row * (TILE + GAP) + y) * info.width + GAP + col * (TILE + GAP) + x) * 3;
      return [data[o]!, data[o + 1]!, data[o + 2]!];
    };
    // Lossy twice (the WebP thumbnail, then the JPEG sheet): saturated colours move a little.
    const near = (got: number[], want: number[], tol = 16) =>
      got.forEach((v, c) => expect(Math.abs(v - want[c]!), `${got} vs ${want}`).toBeLessThan(tol));
    near(at(0, 128, 128), [220, 30, 30]);
    near(at(0, 3, 3), [220, 30, 30]);
    near(at(1, 128, 128), [30, 30, 220]);
    near(at(1, 128, 20), [0xf4, 0xf4, 0xf4]);
    near(
      at(2, 128, 128),
      [Math.round((0 + 0xf4) / 2), Math.round((200 + 0xf4) / 2), Math.round((0 + 0xf4) / 2)],
      20,
    );
    // Sprite: source pixels (0,0) black and (1,0) white, each 16 px wide; no blur at their edges.
    expect(Math.max(...at(3, 2, 8))).toBeLessThan(50);
    expect(Math.max(...at(3, 13, 8))).toBeLessThan(50);
    expect(Math.min(...at(3, 18, 8))).toBeGreaterThan(200);
    expect(Math.max(...at(3, 250, 250))).toBeLessThan(50);
    // Small picture: fills the cell's width, centred vertically (256×128 from row 64).
    near(at(4, 3, 128), [240, 200, 40]);
    near(at(4, 252, 70), [240, 200, 40]);
    near(at(4, 128, 40), [0xf4, 0xf4, 0xf4]);
  });

  it('writes the contact sheet, heroes and collage; a file that cannot be decoded gets the blank tile', async () => {
    const { members } = await smallPack();
    const dir = path.join(t.core.layout.tmp, 'previews', 'a');
    const set = await writePreviews(job(members, { dir, collage: true }));

    expect(set.sheets.map((s) => s.name)).toEqual(['preview_grid.jpg']);
    const sheet = set.sheets[0]!;
    expect(sheet.file).toBe(path.join(dir, 'preview_grid.jpg'));
    expect(statSync(sheet.file).size).toBe(sheet.bytes);
    const meta = await sharp(sheet.file).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([3 * TILE + 4 * GAP, TILE + 2 * GAP]);
    // The solid JPEG keeps its colour; the corrupt file shows the light grey blank tile.
    const [good, blank] = [await tileColour(sheet.file, 0, 3), await tileColour(sheet.file, 1, 3)];
    good.forEach((v, c) =>
      expect(Math.abs(v - [25, 120, 200][c]!), `good tile channel ${c}`).toBeLessThan(8),
    );
    blank.forEach((v) => expect(Math.abs(v - 0xdd)).toBeLessThan(6));

    // Heroes: the two decodable images, full size (300 px, never enlarged); the corrupt one is no hero.
    expect(set.heroes.map((h) => h.name)).toEqual(['hero_01.jpg', 'hero_02.jpg']);
    expect((await sharp(set.heroes[0]!.file).metadata()).width).toBe(300);
    expect(set.collage?.name).toBe('listing.jpg');
    // No marketplace named: Standard's 2400×1600.
    expect(await sharp(set.collage!.file).metadata()).toMatchObject({
      width: 2400,
      height: 1600,
      format: 'jpeg',
    });
  });

  it('watermarks sheets and heroes when asked, at the same size', async () => {
    const { members } = await smallPack();
    const plain = await writePreviews(
      job(members, { dir: path.join(t.core.layout.tmp, 'previews', 'plain') }),
    );
    const marked = await writePreviews(
      job(members, {
        dir: path.join(t.core.layout.tmp, 'previews', 'marked'),
        watermark: 'Ada · preview',
      }),
    );
    for (const [a, b] of [
      [plain.sheets[0]!, marked.sheets[0]!],
      [plain.heroes[0]!, marked.heroes[0]!],
    ] as const) {
      const [ra, rb] = await Promise.all([
        sharp(a.file).raw().toBuffer({ resolveWithObject: true }),
        sharp(b.file).raw().toBuffer({ resolveWithObject: true }),
      ]);
      expect([rb.info.width, rb.info.height]).toEqual([ra.info.width, ra.info.height]);
      let changed = 0;
      for (let i = 0; i < ra.data.length; i++)
        if (Math.abs(ra.data[i]! - rb.data[i]!) > 24) changed++;
      // The diagonal text covers a good share of the picture, not a few JPEG-noise pixels.
      expect(changed / ra.data.length, b.name).toBeGreaterThan(0.01);
    }
  });

  it('a cancel stops the drawing at once', async () => {
    const { members } = await smallPack();
    // Thirty sheets of the noise picture: several seconds of work, cancelled after the first sheet.
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...members[2]!,
      asset_id: `noise-${i}`,
      position: i,
    }));
    const dir = path.join(t.core.layout.tmp, 'previews', 'c');
    const ac = new AbortController();
    const p = writePreviews(job(many, { dir }), ac.signal);
    p.catch(() => undefined);
    await until(() => existsSync(path.join(dir, 'preview_grid.jpg')));
    const abortedAt = Date.now();
    ac.abort(new Error('Cancelled by the test'));
    await expect(p).rejects.toThrow('Cancelled by the test');
    // Stopped, not left to finish the other 29 sheets.
    expect(Date.now() - abortedAt).toBeLessThan(1500);
    expect(existsSync(path.join(dir, 'preview_grid_02.jpg'))).toBe(false);
  });

  it('a folder that cannot be written fails with the reason', async () => {
    const { members } = await smallPack();
    const file = path.join(t.root, 'not-a-folder');
    writeFileSync(file, '');
    await expect(writePreviews(job(members, { dir: path.join(file, 'previews') }))).rejects.toThrow(
      /ENOTDIR/,
    );
  });

  it('an export draws its previews in its own process, puts them in the ZIP and leaves no preview folder behind, done or cancelled', async () => {
    const { pack } = await smallPack();
    const stale = previewDir(t.core.layout.tmp, '01a20000-0000-7000-8000-000000000000');
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'preview_grid.jpg'), 'left by a crashed export');

    const rec = await exportPack(t.core, pack.id, {
      outDir: path.join(t.root, 'out'),
      watermarkPreviews: true,
    });
    expect(rec.status).toBe('completed');
    const { execFileSync } = await import('node:child_process');
    const listing = execFileSync('unzip', ['-l', rec.files[0]!.path], { encoding: 'utf8' });
    expect(listing).toMatch(/previews\/preview_grid\.jpg/);
    expect(listing).toMatch(/previews\/hero_02\.jpg/);
    expect(readdirSync(previewDir(t.core.layout.tmp))).toEqual([]);

    const ac = new AbortController();
    const p = exportPack(
      t.core,
      pack.id,
      { outDir: path.join(t.root, 'out2') },
      { signal: ac.signal },
    );
    await until(
      () =>
        existsSync(previewDir(t.core.layout.tmp)) &&
        readdirSync(previewDir(t.core.layout.tmp)).length > 0,
    );
    const workers = process.platform === 'linux' ? exportChildren() : [];
    if (process.platform === 'linux') expect(workers.length).toBe(1);
    ac.abort(new Error('Cancelled'));
    await expect(p).rejects.toThrow(/Cancelled/);
    expect(readdirSync(previewDir(t.core.layout.tmp))).toEqual([]);
    // The export process is gone, not left writing in the background.
    for (const pid of workers) expect(alive(pid)).toBe(false);
  });
});
