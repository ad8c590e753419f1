import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfTool } from '../../../src-main/core/engines/ffmpeg';
import {
  decodeWebpTiles,
  stillWebpSize,
  TILE,
  type DecodedTile,
  type TileSource,
} from '../../../src-main/core/packs/tileDecoder';

const ffmpeg = resolveFfTool('ffmpeg', null).path;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-tiles-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const solid = (w: number, h: number, r: number, g: number, b: number, alpha = 1) =>
  sharp({ create: { width: w, height: h, channels: 4, background: { r, g, b, alpha } } });

async function save(name: string, data: Buffer | Promise<Buffer>): Promise<string> {
  const f = path.join(dir, name);
  writeFileSync(f, await data);
  return f;
}

/** The RGBA pixel at (x, y) of a decoded tile. */
const px = (t: DecodedTile, x: number, y: number) => {
  const o = (y * TILE + x) * 4;
  return [...t.rgba!.subarray(o, o + 4)];
};

describe('stillWebpSize', () => {
  it('reads lossy, lossless and extended headers, and refuses what ffmpeg must not be fed', async () => {
    expect(
      stillWebpSize(await solid(200, 120, 1, 2, 3).removeAlpha().webp({ quality: 70 }).toBuffer()),
    ).toEqual({ width: 200, height: 120 });
    expect(stillWebpSize(await solid(33, 17, 1, 2, 3).webp({ lossless: true }).toBuffer())).toEqual(
      { width: 33, height: 17 },
    );
    expect(
      stillWebpSize(await solid(64, 40, 1, 2, 3, 0.5).webp({ quality: 70 }).toBuffer()),
    ).toEqual({ width: 64, height: 40 });
    const whole = await solid(50, 50, 9, 9, 9).removeAlpha().webp().toBuffer();
    expect(stillWebpSize(whole.subarray(0, whole.length - 10))).toBeNull(); // truncated
    expect(stillWebpSize(Buffer.concat([whole, Buffer.alloc(4)]))).toBeNull(); // trailing bytes
    const animated = await sharp(Buffer.concat([await solid(20, 20, 255, 0, 0).png().toBuffer()]))
      .webp()
      .toBuffer();
    expect(stillWebpSize(animated)).toEqual({ width: 20, height: 20 });
    const frames = await sharp(
      [
        await solid(20, 20, 255, 0, 0).png().toBuffer(),
        await solid(20, 20, 0, 0, 255).png().toBuffer(),
      ],
      { join: { animated: true } },
    )
      .webp({ loop: 0 })
      .toBuffer();
    expect(stillWebpSize(frames)).toBeNull();
    expect(stillWebpSize(await sharp(whole).png().toBuffer())).toBeNull();
  });
});

describe.skipIf(!ffmpeg)('decodeWebpTiles', () => {
  it('decodes in order, centres smaller pictures on transparency, and marks what it cannot decode', async () => {
    const red = await save(
      'red.webp',
      solid(256, 256, 220, 20, 20).removeAlpha().webp({ quality: 90 }).toBuffer(),
    );
    const wide = await save(
      'wide.webp',
      solid(256, 100, 20, 20, 220).removeAlpha().webp({ quality: 90 }).toBuffer(),
    );
    const half = await save(
      'half.webp',
      solid(64, 64, 20, 200, 20, 0.5).webp({ quality: 90 }).toBuffer(),
    );
    const good = await solid(256, 256, 200, 200, 20).removeAlpha().webp().toBuffer();
    // Scrambled after the header: a RIFF length that adds up, bytes that do not decode.
    const garbage = Buffer.from(good);
    for (let i = 40; i < garbage.length; i++) garbage[i] = (garbage[i]! * 7 + 13) & 255;
    const broken = await save('broken.webp', garbage);
    const truncated = await save('truncated.webp', good.subarray(0, good.length - 20));
    const big = await save('big.webp', solid(300, 300, 1, 1, 1).removeAlpha().webp().toBuffer());
    const png = await save('png.webp', solid(256, 256, 1, 1, 1).png().toBuffer());
    const yellow = await save('yellow.webp', good);
    const order = [
      red,
      broken,
      wide,
      path.join(dir, 'missing.webp'),
      truncated,
      half,
      big,
      png,
      yellow,
    ];
    // Many after the broken one, so it fails with others already handed to ffmpeg.
    const tail = Array.from({ length: 40 }, () => red);
    const sources: TileSource[] = [...order, ...tail].map((file, i) => ({ index: i * 10, file }));

    const got: DecodedTile[] = [];
    for await (const t of decodeWebpTiles(sources, ffmpeg))
      got.push(t.rgba ? { ...t, rgba: Buffer.from(t.rgba) } : t);

    expect(got.map((t) => t.index)).toEqual(sources.map((s) => s.index));
    const decoded = got.map((t) => (t.rgba ? 'ok' : 'none'));
    // The picture before the broken one may be reported as undecoded too (ffmpeg stops before
    // writing it out): it is then drawn another way, never given the wrong picture.
    expect(decoded.slice(1, 9)).toEqual(['none', 'ok', 'none', 'none', 'ok', 'none', 'none', 'ok']);
    expect(decoded.slice(9).every((d) => d === 'ok')).toBe(true);

    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 8);
    if (got[0]!.rgba) expect(near(px(got[0]!, 128, 128), [220, 20, 20, 255])).toBe(true);
    const w = got[2]!;
    expect(w.rgba && [w.width, w.height]).toEqual([256, 100]);
    expect(near(px(w, 128, 128), [20, 20, 220, 255])).toBe(true);
    expect(px(w, 128, 10)[3]).toBe(0); // above the picture: transparent
    const h = got[5]!;
    expect(h.rgba && [h.width, h.height]).toEqual([64, 64]);
    expect(px(h, 128, 128)[3]).toBeGreaterThan(110);
    expect(px(h, 128, 128)[3]).toBeLessThan(145);
    expect(px(h, 20, 20)[3]).toBe(0);
    expect(near(px(got[8]!, 5, 5), [200, 200, 20, 255])).toBe(true);
    for (const t of got.slice(9)) expect(near(px(t, 200, 30), [220, 20, 20, 255])).toBe(true);
  });

  it('without ffmpeg, every tile is left to the caller', async () => {
    const red = await save(
      'red2.webp',
      solid(256, 256, 220, 20, 20).removeAlpha().webp().toBuffer(),
    );
    const got: DecodedTile[] = [];
    for await (const t of decodeWebpTiles(
      [
        { index: 3, file: red },
        { index: 4, file: red },
      ],
      null,
    ))
      got.push(t);
    expect(got).toEqual([
      { index: 3, rgba: null },
      { index: 4, rgba: null },
    ]);
  });

  it('an abort stops it with the abort reason', async () => {
    const red = await save(
      'red3.webp',
      solid(256, 256, 220, 20, 20).removeAlpha().webp().toBuffer(),
    );
    const ac = new AbortController();
    const run = async () => {
      let n = 0;
      for await (const _ of decodeWebpTiles(
        Array.from({ length: 200 }, (_, i) => ({ index: i, file: red })),
        ffmpeg,
        ac.signal,
      )) {
        if (++n === 5) ac.abort(new Error('stop here'));
      }
    };
    await expect(run()).rejects.toThrow('stop here');
  });
});
