import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalizationDetail } from '../../../src-main/contract/localize';
import { JobRunner } from '../../../src-main/core/api/host';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset } from '../process/mediaFixtures';
import { speakingVideo, speechEnginesProblem } from './speechWorld';

const skip = speechEnginesProblem();

describe.skipIf(skip !== null)(
  'speech with Piper (its stdin/--length_scale contract, through a fake)',
  () => {
    let t: TestCore;
    beforeEach(async () => {
      t = await openTestCore();
      const voice = path.join(t.root, 'es_ES-davefx-medium.onnx');
      writeFileSync(voice, 'onnx');
      process.env.ATELIER_PIPER_BIN = path.resolve('test/fakes/piper.mjs');
      process.env.ATELIER_PIPER_VOICE = voice;
    });
    afterEach(async () => {
      delete process.env.ATELIER_PIPER_BIN;
      delete process.env.ATELIER_PIPER_VOICE;
      delete process.env.FAKE_PIPER_FAIL;
      await t.close();
    });
    const run = async (mode: 'audio') => {
      const video = speakingVideo(
        t.root,
        [{ text: 'The quick brown fox jumps over the lazy dog.', atMs: 500 }],
        5,
      );
      const assetId = await addAsset(t.core, video);
      const L = await t.call('localize.start', { assetId, to: 'es', mode });
      const runner = await new JobRunner(t.core, { ignorePause: true }).start();
      await runner.whenIdle();
      await runner.dispose();
      return (await t.call('localize.get', { id: L.id })) as LocalizationDetail;
    };

    it('speaks each line with the voice, faster through --length_scale when it is too long for its slot', async () => {
      const d = await run('audio');
      expect(d.error).toBeNull();
      expect(d.engines.map((e) => e.name)).toContain('Piper (es_ES-davefx-medium)');
      // ~48 characters at 70 ms each is longer than the cue: spoken faster, within 1.5×.
      expect(d.cues[0]!.speed).toBeGreaterThan(1);
      expect(d.cues[0]!.speed).toBeLessThanOrEqual(1.5);
    }, 60_000);

    it('a speech engine that dies on a line fails the job in words, after a second go', async () => {
      process.env.FAKE_PIPER_FAIL = '1';
      const d = await run('audio');
      expect(d.status).toBe('failed');
      expect(d.error).toMatch(/Piper/);
    }, 60_000);
  },
);
