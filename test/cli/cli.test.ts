import { spawn } from 'node:child_process';
import { renameSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { makeAudio } from '../core/process/mediaFixtures';
import { writePng } from '../core/ingest/fixtures';
import { tempDir } from '../helpers/tempDir';
import { capture } from '../helpers/cliCapture';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('atelier CLI', () => {
  it('status --json reports version, data dir, database, schema, assets and folders', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const c = capture();
    const code = await main(['status', '--data-dir', t.dir, '--json'], c.io);
    expect(code).toBe(0);
    const status = JSON.parse(c.out.join('\n'));
    expect(status).toMatchObject({
      app: 'Atelier',
      dataDir: t.dir,
      databasePath: path.join(t.dir, 'atelier.db'),
      assetCount: 0,
      watchFolders: [],
    });
    expect(status.schemaVersion).toBeGreaterThan(0);
  });

  it('prints usage for unknown commands and bad flags with exit code 2', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/Unknown command: frobnicate/);
    const d = capture();
    expect(await main(['status', '--bogus'], d.io)).toBe(2);
    expect(d.err.join('\n')).toMatch(/atelier status/);
  });

  it('a second serve on the same data dir refuses with a clear message, while status still reads it', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const child = spawn(
      process.execPath,
      ['bin/atelier.mjs', 'serve', '--data-dir', t.dir, '--port', '0', '--no-build'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d) => {
          buf += d;
          const m = /Atelier is serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(buf);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      expect(url).toMatch(/token=/);
      const second = spawn(
        process.execPath,
        ['bin/atelier.mjs', 'serve', '--data-dir', t.dir, '--port', '0', '--no-build'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      second.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/already open in another Atelier \(serve, pid \d+/);

      const c = capture();
      expect(await main(['status', '--data-dir', t.dir, '--json'], c.io)).toBe(0);
      expect(JSON.parse(c.out.join('\n')).dataDir).toBe(t.dir);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});

describe('atelier call / methods', () => {
  it('runs any method in-process and prints the api envelope', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const c = capture();
    expect(
      await main(['call', 'settings.update', '{"ownerName":"Ada"}', '--data-dir', t.dir], c.io),
    ).toBe(0);
    expect(JSON.parse(c.out.join('\n'))).toMatchObject({ ok: true, value: { ownerName: 'Ada' } });
    const bad = capture();
    expect(
      await main(['call', 'settings.update', '{"theme":1}', '--data-dir', t.dir], bad.io),
    ).toBe(1);
    expect(JSON.parse(bad.out.join('\n'))).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const notJson = capture();
    expect(await main(['call', 'system.status', '{oops', '--data-dir', t.dir], notJson.io)).toBe(2);
    expect(notJson.err.join('\n')).toMatch(/not valid JSON/);
  });

  it('jobs retry --wait runs a failed job again here and exits 0 once it completes', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const wav = makeAudio(t.dir, 'clip.wav', 1);
    const data = path.join(t.dir, 'data');
    expect(await main(['ingest', wav, '--data-dir', data], capture().io)).toBe(0);
    renameSync(wav, `${wav}.away`); // the source vanishes: the job fails
    const failed = capture();
    expect(
      await main(
        ['process', 'transcode', wav, '--format', 'mp3', '--wait', '--json', '--data-dir', data],
        failed.io,
      ),
    ).toBe(1);
    const job = JSON.parse(failed.out.join('\n')) as { id: string; status: string; error: string };
    expect(job.status).toBe('failed');
    renameSync(`${wav}.away`, wav);
    const retried = capture();
    expect(await main(['jobs', 'retry', job.id, '--wait', '--data-dir', data], retried.io)).toBe(0);
    expect(retried.out.join('\n')).toMatch(/completed/);
    const bad = capture();
    expect(await main(['jobs', 'cancel', job.id, '--wait', '--data-dir', data], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--wait goes with atelier jobs retry/);
  }, 60_000);

  it('models list and mark: what AI images were made with, and which licenses forbid selling it', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const data = path.join(t.dir, 'data');
    const png = path.join(t.dir, 'cabin.png');
    const parameters =
      'a cabin, <lora:filmGrain:0.6>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 64x48, Model hash: 31e35c80fc, Model: sdxl_base, Version: v1.9.4';
    await writePng(png, { texts: [{ key: 'parameters', text: parameters, kind: 'tEXt' }] });
    expect(await main(['ingest', png, '--data-dir', data], capture().io)).toBe(0);
    const listed = capture();
    expect(await main(['models', 'list', '--json', '--data-dir', data], listed.io)).toBe(0);
    expect(
      (JSON.parse(listed.out.join('\n')) as { matchKey: string }[]).map((m) => m.matchKey).sort(),
    ).toEqual(['filmgrain', 'sdxl_base']);
    const marked = capture();
    expect(
      await main(
        [
          'models',
          'mark',
          'SDXL_base.safetensors',
          '--non-commercial',
          '--note',
          'research only',
          '--data-dir',
          data,
        ],
        marked.io,
      ),
    ).toBe(0);
    expect(marked.out.join('\n')).toBe('sdxl_base: marked non-commercial (1 asset)');
    const text = capture();
    expect(await main(['models', 'list', '--search', 'sdxl', '--data-dir', data], text.io)).toBe(0);
    expect(text.out.join('\n')).toMatch(
      /^sdxl_base\s+checkpoint\s+no file\s+1 assets\s+NON-COMMERCIAL\s+\(research only\)$/,
    );
    const bad = capture();
    expect(await main(['models', 'mark', 'sdxl_base', '--data-dir', data], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/Say what to record: --non-commercial, --commercial/);
  });

  it('lists the methods with descriptions', async () => {
    const c = capture();
    expect(await main(['methods'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/system\.status\s+Version, data directory/);
  });
});
