import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalizationDetail } from '../../../src-main/contract/localize';
import { JobRunner } from '../../../src-main/core/api/host';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeVideo } from '../process/mediaFixtures';

let t: TestCore;
const keys = ['ATELIER_WHISPER_BIN', 'ATELIER_WHISPER_MODEL', 'FAKE_WHISPER_TRANSCRIPT'];
beforeEach(async () => {
  t = await openTestCore();
  const model = path.join(t.root, 'ggml-base.bin');
  writeFileSync(model, 'ggml');
  process.env.ATELIER_WHISPER_BIN = path.resolve('test/fakes/whisper-cli.mjs');
  process.env.ATELIER_WHISPER_MODEL = model;
});
afterEach(async () => {
  for (const k of keys) delete process.env[k];
  await t.close();
});

describe('recognition with whisper.cpp (its output formats, through a fake)', () => {
  it('any language whisper knows: words from -ojf tokens become cues', async () => {
    process.env.FAKE_WHISPER_TRANSCRIPT = JSON.stringify([
      { from: 400, to: 2600, text: ' Hola a todos, bienvenidos.' },
      { from: 3600, to: 5800, text: ' Hoy pintamos una montaña.' },
    ]);
    const assetId = await addAsset(t.core, makeVideo(t.root, 'es.mp4', 7));
    const L = await t.call('localize.start', { assetId, from: 'es', mode: 'subtitles' });
    const progress: number[] = [];
    const off = t.core.events.on('jobs.progress', (p) => progress.push(p.progress));
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await runner.whenIdle();
    await runner.dispose();
    off();
    const d = (await t.call('localize.get', { id: L.id })) as LocalizationDetail;
    expect(d.error).toBeNull();
    expect(d.cues.map((c) => [c.startMs, c.text])).toEqual([
      [400, 'Hola a todos, bienvenidos.'],
      [3600, 'Hoy pintamos una montaña.'],
    ]);
    expect(d.cues[0]!.confidence).toBeCloseTo(0.912, 2);
    expect(d.engines[0]!.name).toBe('whisper.cpp (ggml-base.bin)');
    expect(progress.at(-1)).toBe(1);
  });

  it('a transcript with no words is refused in words', async () => {
    process.env.ATELIER_WHISPER_MODEL = path.join(t.root, 'gone.bin');
    writeFileSync(process.env.ATELIER_WHISPER_MODEL, 'x');
    process.env.FAKE_WHISPER_TRANSCRIPT = '[]';
    const assetId = await addAsset(t.core, makeVideo(t.root, 'x.mp4', 2));
    const L = await t.call('localize.start', { assetId, from: 'de', mode: 'subtitles' });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await runner.whenIdle();
    await runner.dispose();
    const d = await t.call('localize.get', { id: L.id });
    expect(d.status).toBe('failed');
    expect(d.error).toMatch(/No speech was recognised in x\.mp4/);
  });
});
