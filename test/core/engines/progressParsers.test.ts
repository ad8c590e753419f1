import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LineSplitter,
  ffmpegProgressParser,
  ffmpegProgressStep,
  initialFfmpegState,
  parseRealEsrganLine,
  parseSdCppLine,
  parseTqdmLine,
} from '../../../src-main/core/engines/progressParsers';

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '../../fixtures/engines', name), 'utf8');
const lines = (text: string) => {
  const s = new LineSplitter();
  return [...s.push(text), ...s.flush()];
};

describe('progress parsers against recorded output', () => {
  it('Real-ESRGAN: one NN.NN% per tile, banner and device lines ignored', () => {
    const got = lines(fixture('realesrgan-x4fast-128x96-t32.stderr.txt'))
      .map(parseRealEsrganLine)
      .filter((p) => p !== null)
      .map((p) => Math.round(p!.fraction * 10000) / 10000);
    expect(got).toEqual([
      0, 0.0833, 0.1667, 0.25, 0.3333, 0.4167, 0.5, 0.5833, 0.6667, 0.75, 0.8333, 0.9167, 1,
    ]);
    expect(parseRealEsrganLine('[0 llvmpipe (LLVM 15.0.6, 256 bits)]  queueC=0[1]')).toBeNull();
    expect(parseRealEsrganLine('✨ Detected scale x4')).toBeNull();
  });

  it('ffmpeg -progress: fraction per block from out_time_us over the duration, 1 at progress=end', () => {
    const p = ffmpegProgressParser(3);
    const got = lines(fixture('ffmpeg-afftdn-3s.progress.txt'))
      .map((l) => p.feed(l))
      .filter(Boolean);
    expect(got.map((g) => Math.round(g!.fraction * 1000) / 1000)).toEqual([0.004, 1]);
    expect(got[0]!.message).toBe('speed 1.25e+04x');
  });

  it('ffmpeg: N/A times and an unknown duration give no progress until the end', () => {
    let s = ffmpegProgressStep(initialFfmpegState, 'out_time_us=N/A', 10);
    expect(s.state.outTimeUs).toBeNull();
    s = ffmpegProgressStep(s.state, 'progress=continue', 10);
    expect(s.progress).toBeNull();
    const p = ffmpegProgressParser(null);
    expect(p.feed('out_time_us=5000000')).toBeNull();
    expect(p.feed('progress=continue')).toBeNull();
    expect(p.feed('progress=end')).toEqual({ fraction: 1 });
  });

  it('stable-diffusion.cpp bars redrawn with \\r and ANSI erase', () => {
    const got = lines(fixture('sdcpp-progress.txt')).map(parseSdCppLine).filter(Boolean);
    expect(got).toEqual([
      { fraction: 1, message: 'step 20/20 · 1.52s/it' },
      { fraction: 0.2, message: 'step 4/20 · 1.48s/it' },
    ]);
  });

  it('tqdm (kohya) with loss', () => {
    const got = lines(fixture('kohya-tqdm.txt')).map(parseTqdmLine);
    expect(got).toEqual([
      { fraction: 0.4, message: '2/5 · loss 1.12' },
      { fraction: 1, message: '5/5 · loss 0.98' },
    ]);
  });

  it('splits on \\r, \\n and \\r\\n across chunk boundaries', () => {
    const s = new LineSplitter();
    expect(s.push('a\r')).toEqual(['a']);
    expect(s.push('b\r\nc')).toEqual(['b']);
    expect(s.push('d\n')).toEqual(['cd']);
    expect(s.flush()).toEqual([]);
  });
});
