import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { PNG_TEXT_LIMITS, readPngText } from '../../../src-main/core/ingest/metadata/pngText';
import { readXmpDescription } from '../../../src-main/core/ingest/metadata/xmp';
import { openTestCore, type TestCore } from '../../helpers/core';
import { pngBuffer, pngChunk, textChunk, withChunks } from '../ingest/fixtures';
import { writeFileSync } from 'node:fs';

// Security audit, High 1 and 2: metadata that costs far more to read than its file size.
let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A 750 KB PNG whose 180 compressed text chunks each inflate to 4 MB (720 MB in all). */
async function textBomb(): Promise<Buffer> {
  const z = deflateSync(Buffer.alloc(4 * 1024 * 1024, 0x41), { level: 9 });
  const chunks = Array.from({ length: 180 }, (_, i) =>
    pngChunk('zTXt', Buffer.concat([Buffer.from(`k${i}\0`, 'latin1'), Buffer.from([0]), z])),
  );
  return withChunks(await pngBuffer(64, 48), [
    textChunk({ key: 'parameters', text: 'a lighthouse\nSteps: 20, Seed: 7', kind: 'tEXt' }),
    ...chunks,
  ]);
}

describe('PNG text-chunk bombs', () => {
  it('reads within a byte budget and says what it left unread', async () => {
    const png = await textBomb();
    expect(png.length).toBeLessThan(800_000);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await readPngText(png);
    const ms = performance.now() - t0;
    expect(r.texts.parameters).toBe('a lighthouse\nSteps: 20, Seed: 7');
    expect(Object.keys(r.texts).length).toBeLessThanOrEqual(5);
    expect(r.truncated).toMatch(/over 16 MB in all; the rest was not read|inflates to more than/);
    expect(ms).toBeLessThan(1500);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);
  });

  it('caps the number of chunks and the size of one', async () => {
    const many = withChunks(
      await pngBuffer(4, 4),
      Array.from({ length: PNG_TEXT_LIMITS.chunks + 10 }, (_, i) =>
        textChunk({ key: `k${i}`, text: 'x', kind: 'tEXt' }),
      ),
    );
    const r = await readPngText(many);
    expect(Object.keys(r.texts)).toHaveLength(PNG_TEXT_LIMITS.chunks);
    expect(r.truncated).toMatch(/more than 64 text chunks/);
    const big = withChunks(await pngBuffer(4, 4), [
      textChunk({ key: 'workflow', text: 'y'.repeat(5 * 1024 * 1024), kind: 'zTXt' }),
      textChunk({ key: 'after', text: 'still read', kind: 'tEXt' }),
    ]);
    const b = await readPngText(big);
    expect(b.texts).toEqual({ after: 'still read' });
    expect(b.truncated).toMatch(/inflates to more than 4 MB/);
  });

  it('a bomb ingests quickly with its metadata marked truncated, and the app stays responsive', async () => {
    t = await openTestCore();
    const file = path.join(t.root, 'bomb.png');
    writeFileSync(file, await textBomb());
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const summary = await t.call('ingest.importFiles', { paths: [file] });
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(summary.outcomes[0]).toMatchObject({ outcome: 'added' });
    expect(ms).toBeLessThan(5000);
    // The event loop kept turning while it was read (no multi-second synchronous inflate).
    expect(ticks).toBeGreaterThan(ms / 10 / 4);
    const asset = await t.call('assets.get', { id: summary.outcomes[0]!.assetId! });
    expect(asset.prompt).toBe('a lighthouse');
    expect(asset.metadataTruncated).toMatch(/not read/);
    expect(asset.rawMetadata).not.toHaveProperty('atelier:metadataTruncated');
  });
});

describe('XMP packets', () => {
  it('reads the description in linear time, even from a 2 MB packet with no closing tag', () => {
    const good =
      '<x:xmpmeta><rdf:RDF><rdf:Description><dc:description><rdf:Alt><rdf:li xml:lang="x-default">a red fox &amp; a crow</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>';
    expect(readXmpDescription(Buffer.from(good))).toBe('a red fox & a crow');
    for (const size of [1, 2, 4]) {
      const evil = '<dc:description>' + '<rdf:li>'.repeat((size * 1024 * 1024) / 8);
      const t0 = performance.now();
      expect(readXmpDescription(Buffer.from(evil))).toBeNull();
      expect(performance.now() - t0).toBeLessThan(200);
    }
    const many = '<dc:description><rdf:li>' + 'x'.repeat(2 * 1024 * 1024) + '</rdf:li>';
    expect(readXmpDescription(many)!.length).toBe(64 * 1024);
  });
});
