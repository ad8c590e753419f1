import { describe, expect, it } from 'vitest';
import {
  assignUniqueNames,
  fileNameProblems,
  sanitizeFileName,
  wantedName,
} from '../../../src-main/core/packs/fileNames';
import { findPlaceholders, renderLicense } from '../../../src-main/core/packs/licenses';
import { planParts } from '../../../src-main/core/packs/parts';
import { getPreset, listPresets } from '../../../src-main/core/packs/presets';
import { exportStamp, slugify } from '../../../src-main/core/packs/slug';
import { hamming } from '../../../src-main/core/packs/checks';
import { licenseTypes } from '../../../src-main/contract/packs';
import { assertSafeEntryName } from '../../../src-main/core/zip/entryName';

describe('file names', () => {
  it.each([
    ['../../etc/passwd', '_._etc_passwd'],
    ['/abs/path.png', '_abs_path.png'],
    ['C:\\x\\y.png', 'C__x_y.png'],
    ['CON.png', '_CON.png'],
    ['nul', '_nul'],
    ['LPT1.tar.gz', '_LPT1.tar.gz'],
    ['a\u0000b\u0007c.png', 'abc.png'],
    ['what?.png', 'what_.png'],
    ['...hidden.png', 'hidden.png'],
    ['ends with dot. .png', 'ends with dot.png'],
    ['', 'file'],
    ['..', 'file'],
    ['Cafe\u0301.png', 'Café.png'],
  ])('%j becomes %j', (raw, safe) => {
    const s = sanitizeFileName(raw);
    expect(s).toBe(safe);
    expect(() => assertSafeEntryName(`root/assets/${s}`)).not.toThrow();
    expect(fileNameProblems(s)).toEqual([]);
  });

  it('keeps names within 255 bytes with the extension intact, never splitting a character', () => {
    const s = sanitizeFileName(`${'日本'.repeat(100)}.png`);
    expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
    expect(s.endsWith('.png')).toBe(true);
    expect(s).not.toContain('\uFFFD');
  });

  it('de-duplicates case- and normalisation-insensitively with _001, _002', () => {
    expect(
      assignUniqueNames(['a.png', 'A.PNG', 'a.png', 'b.png', 'Café.png', 'CAFE\u0301.png']),
    ).toEqual(['a.png', 'A_001.PNG', 'a_002.png', 'b.png', 'Café.png', 'CAFÉ_001.png']);
  });

  it('says in words what is wrong with a typed name', () => {
    expect(fileNameProblems('a/b.png')[0]).toMatch(/path separator/);
    expect(fileNameProblems('AUX.txt').join()).toMatch(/reserved/);
    expect(fileNameProblems('ok name.png')).toEqual([]);
  });

  it('keeps the real extension on a chosen export name', () => {
    expect(wantedName({ filename: 'x.PNG', ext: 'png' }, 'Sunset')).toBe('Sunset.png');
    expect(wantedName({ filename: 'x.png', ext: 'png' }, 'Sunset.png')).toBe('Sunset.png');
    expect(wantedName({ filename: 'x.png', ext: 'png' }, null)).toBe('x.png');
  });
});

describe('slugs and stamps', () => {
  it('slugs are lowercase letters, digits and underscores, at most 50', () => {
    expect(slugify('Néon Nights — Vol. 2!')).toBe('neon_nights_vol_2');
    expect(slugify('!!!')).toBe('pack');
    expect(slugify('x'.repeat(80))).toHaveLength(50);
    expect(exportStamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('20260102_030405');
  });
});

describe('licenses', () => {
  it.each(licenseTypes)('%s fills holder, year and contact and leaves no placeholder', (type) => {
    const r = renderLicense(type, {
      holder: 'Ada',
      support: 'ada@example.com',
      packName: 'P',
      packVersion: '1.2.0',
      year: 2026,
    });
    expect(r.placeholders).toEqual([]);
    expect(r.text).toContain('Copyright (c) 2026 Ada');
    expect(r.text).toMatch(
      /WHAT YOU MAY DO[\s\S]*WHAT YOU MAY NOT DO[\s\S]*ATTRIBUTION[\s\S]*NO WARRANTY/,
    );
  });
  it('reports empty settings as placeholders', () => {
    const r = renderLicense('commercial', {
      holder: '',
      support: '',
      packName: 'P',
      packVersion: '1',
      year: 2026,
    });
    expect(r.placeholders).toEqual(['{{HOLDER}}', '{{SUPPORT}}']);
    expect(findPlaceholders('Great pack. TODO: write this. [Your Name]')).toEqual([
      '[Your Name]',
      'TODO',
    ]);
  });
});

describe('parts', () => {
  const items = (
    n: number,
    bytes: number,
    type: 'image' | 'audio' | 'video' | 'subtitles' = 'image',
  ) => Array.from({ length: n }, (_, i) => ({ id: `${type}${i}`, bytes, type }));
  it('one ZIP when it fits', () => {
    expect(planParts(items(3, 100), getPreset('standard'))).toEqual([
      { suffix: null, assetIds: ['image0', 'image1', 'image2'], docs: true, bytes: 300 },
    ]);
  });
  it('numbered parts under a cap, docs in the first, order kept', () => {
    const parts = planParts(items(10, 8e6), getPreset('etsy'));
    expect(parts.map((p) => p.suffix)).toEqual(['part01', 'part02', 'part03', 'part04', 'part05']);
    expect(parts.flatMap((p) => p.assetIds)).toEqual(items(10, 0).map((i) => i.id));
    expect(parts.filter((p) => p.docs)).toHaveLength(1);
    for (const p of parts) expect(p.bytes).toBeLessThanOrEqual(20e6);
  });
  it('Gumroad: one ZIP per type plus docs past 100 files', () => {
    const parts = planParts(
      [
        ...items(90, 10),
        ...items(20, 10, 'audio'),
        ...items(5, 10, 'video'),
        ...items(10, 1, 'subtitles'),
      ],
      getPreset('gumroad'),
    );
    expect(parts.map((p) => [p.suffix, p.assetIds.length])).toEqual([
      ['images', 90],
      ['video', 5],
      ['audio', 20],
      ['subtitles', 10],
      ['docs', 0],
    ]);
  });
  it('every preset loads', () => {
    expect(listPresets().map((p) => p.id)).toEqual([
      'standard',
      'gumroad',
      'etsy',
      'creative_market',
      'itchio',
    ]);
  });
});

describe('near duplicates', () => {
  it('counts differing bits of 64-bit hex hashes', () => {
    expect(hamming('ffffffffffffffff', 'ffffffffffffffff')).toBe(0);
    expect(hamming('ffffffffffffffff', 'fffffffffffffff0')).toBe(4);
    expect(hamming('0000000000000000', 'ffffffffffffffff')).toBe(64);
  });
});
