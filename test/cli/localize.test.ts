import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { speakingVideo, speechEnginesProblem } from '../core/localize/speechWorld';
import { tempDir } from '../helpers/tempDir';
import { capture } from '../helpers/cliCapture';

const skip = speechEnginesProblem();
if (skip) console.info(`atelier localize CLI test skipped: ${skip}`);

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

describe.skipIf(skip !== null)('atelier localize', () => {
  it('makes English and Spanish subtitles with --wait, lists them as Library assets, and shows the cues', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const d = ['--data-dir', path.join(t.dir, 'data')];
    const video = speakingVideo(
      t.dir,
      [
        { text: 'The quick brown fox jumps over the lazy dog.', atMs: 500 },
        { text: 'Thank you for watching this short video.', atMs: 4500 },
      ],
      8,
    );
    expect(await main(['ingest', video, ...d], capture().io)).toBe(0);

    const twoModes = capture();
    expect(await main(['localize', video, '--dub', '--subtitles', ...d], twoModes.io)).toBe(2);
    expect(twoModes.err.join('\n')).toMatch(
      /Choose one of --subtitles-only, --subtitles and --dub/,
    );
    const noTarget = capture();
    expect(await main(['localize', video, '--subtitles', ...d], noTarget.io)).toBe(2);
    expect(noTarget.err.join('\n')).toMatch(/--to LANG is needed/);

    const run = capture();
    expect(
      await main(['localize', video, '--subtitles', '--to', 'es', '--wait', ...d], run.io),
    ).toBe(0);
    const text = run.out.join('\n');
    const id = /^talk\.mp4: completed, 2 cues \(localisation ([0-9a-f-]{36})\)$/m.exec(text)?.[1];
    expect(id, text).toBeTruthy();
    for (const [kind, lang] of [
      ['srt', 'en'],
      ['vtt', 'en'],
      ['srt', 'es'],
      ['vtt', 'es'],
    ])
      expect(text).toMatch(new RegExp(`^  ${kind}\\s+${lang}  asset [0-9a-f-]{36}$`, 'm'));

    const list = capture();
    expect(await main(['assets', 'list', '--type', 'subtitles', ...d], list.io)).toBe(0);
    const listed = list.out.join('\n');
    for (const name of ['talk_en.srt', 'talk_en.vtt', 'talk_es.srt', 'talk_es.vtt'])
      expect(listed).toContain(name);

    const all = capture();
    expect(await main(['localize', 'list', ...d], all.io)).toBe(0);
    expect(all.out).toEqual([
      expect.stringMatching(new RegExp(`^${id} +translate en→es +completed +2 cues  talk\\.mp4$`)),
    ]);
    const json = capture();
    expect(await main(['localize', 'show', id!, '--json', ...d], json.io)).toBe(0);
    const shown = JSON.parse(json.out.join('\n')) as { cues: { translation: string }[] };
    expect(shown.cues.map((c) => c.translation).join(' ')).toMatch(/zorro/);
  }, 120_000);
});
