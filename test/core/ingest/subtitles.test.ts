import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writePng } from './fixtures';

let t: TestCore;
let dir: string;

beforeAll(async () => {
  t = await openTestCore();
  dir = path.join(t.root, 'subs');
  mkdirSync(dir);
});
afterAll(async () => {
  await t.close();
});

const srt = `1
00:00:01,000 --> 00:00:03,200
Hola, me encantan
las montañas.

2
00:00:04,000 --> 00:00:06,500
<i>El río</i> está frío.
`;

const vtt = `WEBVTT
Language: fr

NOTE made by hand

00:00.500 --> 00:02.000 align:start
Bonjour à tous.

intro-2
00:02.500 --> 00:05.250
Je m'appelle Ada.
`;

describe('subtitles are Library assets', () => {
  it('imports SRT and WebVTT files with their cues, language, length and a card thumbnail', async () => {
    const files = {
      'walk.es.srt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(srt)]),
      'intro.vtt': Buffer.from(vtt),
      // Windows-1252, as older subtitle editors saved it: "montañas" with ñ as one byte.
      'legacy.srt': Buffer.from(srt, 'latin1'),
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
    const s = await t.call('ingest.importFiles', {
      paths: Object.keys(files).map((n) => path.join(dir, n)),
    });
    expect(s.failed).toEqual([]);
    expect(s.added).toBe(3);
    const page = await t.call('assets.list', { type: 'subtitles' });
    const byName = Object.fromEntries(page.items.map((a) => [a.filename, a]));
    expect(Object.keys(byName).sort()).toEqual(['intro.vtt', 'legacy.srt', 'walk.es.srt']);

    const walk = await t.call('assets.get', { id: byName['walk.es.srt']!.id });
    expect(walk).toMatchObject({
      type: 'subtitles',
      format: 'srt',
      codec: 'subrip',
      mime: 'application/x-subrip',
      language: 'es',
      durationSec: 6.5,
      hasThumb: true,
    });
    // Search finds a subtitle file by what it says, accents or not, and shows where.
    const found = await t.call('library.query', {
      filter: { search: 'montanas', tagMode: 'any', dateField: 'added', trashed: false },
    });
    expect(found.items.map((i) => i.filename).sort()).toEqual(['legacy.srt', 'walk.es.srt']);
    expect(found.items[0]!.snippet?.field).toBe('said');
    expect(
      found.items[0]!.snippet!.parts.filter((p) => p.hit).map((p) => p.text.toLowerCase()),
    ).toEqual(['montañas']);
    const intro = await t.call('assets.get', { id: byName['intro.vtt']!.id });
    expect(intro).toMatchObject({ format: 'vtt', language: 'fr', durationSec: 5.25 });
    const legacy = await t.call('assets.get', { id: byName['legacy.srt']!.id });
    expect(legacy.language).toBeNull();

    const cues = await t.call('assets.cues', { id: walk.id });
    expect(cues).toEqual({
      language: 'es',
      format: 'srt',
      total: 2,
      cues: [
        { startMs: 1000, endMs: 3200, text: 'Hola, me encantan\nlas montañas.' },
        { startMs: 4000, endMs: 6500, text: '<i>El río</i> está frío.' },
      ],
    });
    expect((await t.call('assets.cues', { id: legacy.id })).cues[0]!.text).toContain('montañas');
    const vttCues = await t.call('assets.cues', { id: intro.id, limit: 1 });
    expect(vttCues).toMatchObject({ total: 2, cues: [{ startMs: 500, text: 'Bonjour à tous.' }] });

    // The card: a 16:9 picture in both thumbnail sizes, not blank.
    const card = thumbPath(t.core.layout, walk.sha256, 'thumb');
    expect(existsSync(thumbPath(t.core.layout, walk.sha256, 'thumb-small'))).toBe(true);
    const stats = await sharp(card).stats();
    const meta = await sharp(card).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(16 / 9, 1);
    expect(Math.max(...stats.channels.map((c) => c.max))).toBeGreaterThan(200);

    await writePng(path.join(dir, 'still.png'));
    const still = await t.call('ingest.importFiles', { paths: [path.join(dir, 'still.png')] });
    const notSubs = await t.api.invoke('assets.cues', { id: still.outcomes[0]!.assetId! });
    expect(!notSubs.ok && notSubs.error.message).toBe('still.png is image, not subtitles.');
  });

  it('imports UTF-16 and CRLF files and a cue with a control character in it', async () => {
    const crlf = srt.replace(/\n/g, '\r\n');
    const files = {
      'unicode.srt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')]),
      // A DOS end-of-file mark after the last cue, as old tools wrote it.
      'dos.srt': Buffer.from(`${crlf}\x1a`),
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
    const s = await t.call('ingest.importFiles', {
      paths: Object.keys(files).map((n) => path.join(dir, n)),
    });
    expect(s.failed).toEqual([]);
    for (const o of s.outcomes) {
      const cues = await t.call('assets.cues', { id: o.assetId! });
      expect(cues.cues[0]!.text).toBe('Hola, me encantan\nlas montañas.');
      expect((await t.call('assets.get', { id: o.assetId! })).hasThumb).toBe(true);
    }
  });

  it('refuses a subtitle file without cues or with an unreadable time, saying why', async () => {
    writeFileSync(path.join(dir, 'notes.srt'), 'just some notes, no cues at all\n');
    writeFileSync(path.join(dir, 'header-only.vtt'), 'WEBVTT\n\nNOTE nothing here\n');
    writeFileSync(path.join(dir, 'bad-time.srt'), '1\n00:00:01,000 --> 00:0x:02,000\nhi\n');
    // What Notepad saves for an empty file: its byte-order mark alone.
    writeFileSync(path.join(dir, 'bom-only.srt'), Buffer.from([0xef, 0xbb, 0xbf]));
    const s = await t.call('ingest.importFiles', {
      paths: ['notes.srt', 'header-only.vtt', 'bad-time.srt', 'bom-only.srt'].map((n) =>
        path.join(dir, n),
      ),
    });
    expect(s.added).toBe(0);
    const reason = (n: string) => s.failed.find((f) => f.path.endsWith(n))?.reason;
    expect(reason('notes.srt')).toMatch(/not SRT subtitles/);
    expect(reason('header-only.vtt')).toMatch(/no cues/);
    expect(reason('bad-time.srt')).toMatch(/cue time that cannot be read \(00:0x:02,000\)/);
    expect(reason('bom-only.srt')).toMatch(/not SRT subtitles/);
  });
});
