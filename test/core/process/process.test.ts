import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { drainPictures } from '../../../src-main/core/media/deferredPictures';
import { thumbPath } from '../../../src-main/core/thumbs/paths';
import { writeEngineSettings } from '../../../src-main/core/engines/engineSettings';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset, makeAudio, makeImage, makeVideo } from './mediaFixtures';

let t: TestCore | undefined;
let runner: JobRunner | undefined;
afterEach(async () => {
  await runner?.dispose();
  await t?.close();
  t = runner = undefined;
});

async function setup() {
  t = await openTestCore();
  runner = await new JobRunner(t.core).start();
  return t;
}

async function finished(id: string, ms = 90_000) {
  const end = Date.now() + ms;
  for (;;) {
    const j = await t!.call('jobs.get', { id, logLines: 30 });
    if (['completed', 'failed', 'cancelled'].includes(j.status)) return j;
    if (Date.now() > end) throw new Error(`job ${id} still ${j.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const asset = (id: string) =>
  t!.core.db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('processing kinds with the real engines', () => {
  it('upscales ×2 with Real-ESRGAN on lavapipe: 4× then lanczos, registered as a linked asset', async () => {
    await setup();
    const src = await makeImage(t!.root, 'castle.png', 32);
    const id = await addAsset(t!.core, src, { prompt: 'a castle' });
    const before = execFileSync('sha256sum', [src]).toString();
    const progress: number[] = [];
    t!.core.events.on('jobs.progress', (p) => progress.push(p.progress));
    const { jobId } = await t!.call('process.run', {
      kind: 'upscale',
      assetIds: [id],
      params: { model: 'realesrgan-x4fast', scale: 2 },
    });
    const job = await finished(jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ engine: 'realesrgan', width: 64, height: 64 });
    const out = await asset(job.outputAssetIds[0]!);
    expect(out).toMatchObject({
      derived_from: id,
      provenance: 'enhanced',
      is_upscaled: 1,
      job_id: jobId,
      width: 64,
      height: 64,
      prompt: 'a castle',
    });
    expect(out.filename).toBe('castle_x2.png');
    expect(path.dirname(out.path)).toBe(t!.core.layout.outputs);
    expect(JSON.parse(out.derivation!)).toMatchObject({
      kind: 'upscale',
      engine: 'realesrgan',
      params: { scale: 2, model: 'realesrgan-x4fast' },
    });
    expect(existsSync(thumbPath(t!.core.layout, out.sha256, 'thumb-small'))).toBe(true);
    expect((await sharp(out.path).metadata()).width).toBe(64);
    expect(execFileSync('sha256sum', [src]).toString()).toBe(before); // the source is never modified
    expect(progress.length).toBeGreaterThan(0);
    const lineage = await t!.call('process.lineage', { assetId: id });
    expect(lineage.descendants.map((d) => d.id)).toEqual([out.id]);
    const back = await t!.call('process.lineage', { assetId: out.id });
    expect(back.ancestors.map((a) => a.id)).toEqual([id]);
  });

  it('lanczos engine on request; a second output never clobbers the first', async () => {
    await setup();
    const id = await addAsset(t!.core, await makeImage(t!.root, 'tile.png', 40));
    const a = await finished(
      (
        await t!.call('process.run', {
          kind: 'upscale',
          assetIds: [id],
          params: { engine: 'lanczos', scale: 3 },
        })
      ).jobId,
    );
    const b = await finished(
      (
        await t!.call('process.run', {
          kind: 'upscale',
          assetIds: [id],
          params: { engine: 'lanczos', scale: 3 },
        })
      ).jobId,
    );
    const [oa, ob] = [await asset(a.outputAssetIds[0]!), await asset(b.outputAssetIds[0]!)];
    expect([oa.filename, ob.filename]).toEqual(['tile_x3.png', 'tile_x3-2.png']);
    expect(oa.width).toBe(120);
    expect(JSON.parse(oa.derivation!).engine).toBe('lanczos');
  });

  it('denoises audio and normalises loudness (two-pass loudnorm) with ffmpeg', async () => {
    await setup();
    const id = await addAsset(t!.core, makeAudio(t!.root));
    const d = await finished(
      (
        await t!.call('process.run', {
          kind: 'denoise_audio',
          assetIds: [id],
          params: { strength: 0.25 },
        })
      ).jobId,
    );
    expect(d.error).toBeNull();
    const out = await asset(d.outputAssetIds[0]!);
    expect(out.filename).toBe('voice_denoised.wav');
    expect(JSON.parse(out.derivation!).filter).toBe('afftdn=nr=7.0:nf=-50:tn=1');
    // The waveform is drawn once the engines are idle (deferredPictures.ts).
    await drainPictures(t!.core);
    expect(existsSync(thumbPath(t!.core.layout, out.sha256, 'waveform'))).toBe(true);
    const e = await finished(
      (
        await t!.call('process.run', {
          kind: 'enhance',
          assetIds: [id],
          params: { targetLufs: -16 },
        })
      ).jobId,
    );
    expect(e.error).toBeNull();
    const enhanced = await asset(e.outputAssetIds[0]!);
    expect(JSON.parse(enhanced.derivation!).filter).toMatch(/measured_I=.*linear=true/);
    const r = execFileSync('sh', [
      '-c',
      `ffmpeg -hide_banner -nostats -i "${enhanced.path}" -af loudnorm=print_format=json -f null - 2>&1`,
    ]).toString();
    const inputI = Number(JSON.parse(r.slice(r.lastIndexOf('{'), r.lastIndexOf('}') + 1)).input_i);
    expect(Math.abs(inputI - -16)).toBeLessThan(1.5);
    expect(enhanced.sample_rate).toBe(44100);
  });

  it('transcodes a video to H.264 mp4 at a max size and a batch of images to webp', async () => {
    await setup();
    const v = await addAsset(t!.core, makeVideo(t!.root, 'clip.mov'));
    const job = await finished(
      (
        await t!.call('process.run', {
          kind: 'transcode',
          assetIds: [v],
          params: { format: 'mp4', maxSize: 80, quality: 'small' },
        })
      ).jobId,
    );
    expect(job.error).toBeNull();
    const out = await asset(job.outputAssetIds[0]!);
    expect(out).toMatchObject({
      type: 'video',
      codec: 'h264',
      width: 80,
      height: 60,
      has_audio: 1,
    });
    await drainPictures(t!.core);
    expect(existsSync(thumbPath(t!.core.layout, out.sha256, 'poster'))).toBe(true);
    expect((await asset(out.id)).phash).not.toBeNull();
    const imgs = [
      await addAsset(t!.core, await makeImage(t!.root, 'a.png')),
      await addAsset(t!.core, await makeImage(t!.root, 'b.png')),
    ];
    const run = await t!.call('process.run', {
      kind: 'transcode',
      assetIds: imgs,
      params: { format: 'webp' },
    });
    expect(run.childJobIds).toHaveLength(2);
    const parent = await finished(run.jobId);
    expect(parent.status).toBe('completed');
    expect(parent.outputAssetIds).toHaveLength(2);
    const bad = await finished(
      (
        await t!.call('process.run', {
          kind: 'transcode',
          assetIds: [v],
          params: { format: 'png' },
        })
      ).jobId,
    );
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/clip.mov is video: it converts to mp4, webm, not png/);
    expect(bad.attempts).toBe(1); // a bad request is not retried
  });

  it('cancelling a running upscale leaves no output, no temp file and no process', async () => {
    await setup();
    const id = await addAsset(t!.core, await makeImage(t!.root, 'big.png', 128));
    const { jobId } = await t!.call('process.run', {
      kind: 'upscale',
      assetIds: [id],
      params: { model: 'realesrgan-x4fast', tileSize: 32 },
    });
    await new Promise<void>((resolve) => {
      const off = t!.core.events.on('jobs.progress', (p) => {
        if (p.id === jobId && p.progress > 0) {
          off();
          resolve();
        }
      });
    });
    await t!.call('jobs.cancel', { id: jobId });
    const j = await finished(jobId, 10_000);
    expect(j.status).toBe('cancelled');
    expect(readdirSync(t!.core.layout.outputs)).toEqual([]);
    expect(existsSync(path.join(t!.core.layout.tmp, 'jobs', jobId))).toBe(false);
    const n = (
      await t!.core.db
        .selectFrom('assets')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(Number(n)).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    expect(ps).not.toContain(path.join(t!.root, 'big.png'));
  });

  it('a missing engine gives a clear error; AI-only upscale without an engine fails rather than falls back', async () => {
    await setup();
    await writeEngineSettings(t!.core.db, {
      ffmpegPath: '/nowhere/ffmpeg',
      realesrganPath: '/nowhere/realesrgan',
    });
    const a = await addAsset(t!.core, makeAudio(t!.root, 'x.wav', 1));
    const j = await finished(
      (await t!.call('process.run', { kind: 'denoise_audio', assetIds: [a] })).jobId,
    );
    expect(j.status).toBe('failed');
    expect(j.error).toMatch(/ffmpeg was not found at \/nowhere\/ffmpeg.*Settings → Engines/);
    const img = await addAsset(t!.core, await makeImage(t!.root, 'y.png'));
    const ai = await finished(
      (await t!.call('process.run', { kind: 'upscale', assetIds: [img], params: { engine: 'ai' } }))
        .jobId,
    );
    expect(ai.error).toMatch(/Cannot upscale with AI: Real-ESRGAN is not at \/nowhere\/realesrgan/);
    const auto = await finished(
      (await t!.call('process.run', { kind: 'upscale', assetIds: [img], params: { scale: 2 } }))
        .jobId,
    );
    expect(auto.status).toBe('completed');
    expect(auto.result).toMatchObject({ engine: 'lanczos-fallback' });
    const status = await t!.call('engines.status', {});
    expect(status.engines.find((e) => e.id === 'ffmpeg')).toMatchObject({
      ok: false,
      source: 'settings',
    });
    const bad = await t!.api.invoke('engines.update', { ffmpegPath: '/nowhere/ffmpeg' });
    expect(!bad.ok && bad.error.message).toMatch(/no file at \/nowhere\/ffmpeg/);
    const cleared = await t!.call('engines.update', { ffmpegPath: null, realesrganPath: null });
    expect(cleared.engines.find((e) => e.id === 'ffmpeg')).toMatchObject({
      ok: true,
      source: 'PATH',
    });
    expect(cleared.vulkan.found).toBe(true);
  });
});
