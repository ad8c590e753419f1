import { execFileSync } from 'node:child_process';
import { statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drawWaveform, readWavInfo, waveformPng } from '../../../src-main/core/thumbs/wav';
import { tempDir } from '../../helpers/tempDir';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function makeWav(name: string, args: string[], source = 'sine=frequency=330:duration=1.5'): string {
  const file = path.join(t.dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, ...args, file]);
  return file;
}

function ffprobe(file: string) {
  const j = JSON.parse(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { encoding: 'utf8' },
    ),
  );
  const a = j.streams[0];
  return {
    sampleRate: Number(a.sample_rate),
    channels: a.channels,
    codec: a.codec_name,
    duration: Number(j.format.duration),
    tags: j.format.tags ?? {},
  };
}

describe('PCM WAV read without ffprobe', () => {
  it.each([
    ['s16 stereo', ['-ac', '2', '-ar', '44100', '-c:a', 'pcm_s16le']],
    ['s24 mono', ['-ar', '48000', '-c:a', 'pcm_s24le']],
    ['f32', ['-ar', '22050', '-c:a', 'pcm_f32le']],
    ['u8', ['-ar', '8000', '-c:a', 'pcm_u8']],
  ])('agrees with ffprobe on %s', async (_name, args) => {
    const file = makeWav('a.wav', ['-metadata', 'comment=a prompt in the comment', ...args]);
    const info = await readWavInfo(file, statSync(file).size);
    const ref = ffprobe(file);
    expect(info).not.toBeNull();
    expect(info!.sampleRate).toBe(ref.sampleRate);
    expect(info!.channels).toBe(ref.channels);
    expect(info!.codec).toBe(ref.codec);
    expect(info!.durationSec).toBeCloseTo(ref.duration, 3);
    expect(info!.texts.comment).toBe('a prompt in the comment');
    expect(info!.texts.encoder).toBe(ref.tags.encoder);
  });

  it('draws a waveform whose envelope follows the sound', async () => {
    // 10 s at 44.1 kHz: each of the 1,024 columns spans ~430 frames, two periods of 200 Hz.
    const file = makeWav(
      'tone.wav',
      ['-af', 'volume=4', '-c:a', 'pcm_s16le'],
      'sine=frequency=200:duration=10',
    );
    const info = (await readWavInfo(file, statSync(file).size))!;
    const { data, info: img } = await sharp(await waveformPng(await drawWaveform(file, info)))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([img.width, img.height, img.channels]).toEqual([1024, 256, 4]);
    // lavfi's sine is at 1/8 amplitude, so ×4 is a half-scale sine: it fills about the middle half of every column.
    const column = (x: number) =>
      Array.from({ length: 256 }, (_, y) => data[(y * 1024 + x) * 4 + 3]!).filter((a) => a > 0)
        .length;
    for (const x of [10, 512, 1000]) expect(column(x)).toBeGreaterThan(100);
    for (const x of [10, 512, 1000]) expect(column(x)).toBeLessThan(160);
  });

  it('reads a truncated file as the samples that are there, and leaves compressed WAV to ffprobe', async () => {
    const file = makeWav('cut.wav', ['-c:a', 'pcm_s16le', '-ar', '16000']);
    truncateSync(file, statSync(file).size - 16000); // half a second of 16-bit mono at 16 kHz
    const info = await readWavInfo(file, statSync(file).size);
    expect(info!.durationSec).toBeCloseTo(1.0, 2);
    const adpcm = makeWav('adpcm.wav', ['-c:a', 'adpcm_ms']);
    expect(await readWavInfo(adpcm, statSync(adpcm).size)).toBeNull();
  });
});
