import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { tempDir } from '../../helpers/tempDir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('data directory lock', () => {
  it('refuses a second writer with a clear message, and frees the directory on dispose', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dataDir = path.join(t.dir, 'data');
    const first = await openAtelier({ dataDir, host: 'serve', services: false });
    await expect(openAtelier({ dataDir, host: 'cli', services: false })).rejects.toThrow(
      /already open in another Atelier \(serve, pid \d+/,
    );
    await first.dispose();
    const again = await openAtelier({ dataDir, host: 'cli', services: false });
    await again.dispose();
  });

  it('takes over a lock left behind by a process that died', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dataDir = path.join(t.dir, 'data');
    const first = await openAtelier({ dataDir, host: 'cli', services: false });
    await first.dispose();
    // pid 2^22+1 is above Linux's pid_max default: no such process.
    writeFileSync(
      path.join(dataDir, 'atelier.lock'),
      JSON.stringify({
        pid: 4194305,
        hostname: os.hostname(),
        host: 'electron',
        startedAt: 'yesterday',
      }),
    );
    const core = await openAtelier({ dataDir, host: 'cli', services: false });
    await core.dispose();
  });
});

describe('taking over a stale lock', () => {
  it('four processes racing for the same stale lock, 25 times: one holder each time, never two', async () => {
    const { spawn, spawnSync } = await import('node:child_process');
    const { writeFileSync: write } = await import('node:fs');
    const os = await import('node:os');
    const { tempDir } = await import('../../helpers/tempDir');
    const t = tempDir();
    try {
      const lockPath = path.join(t.dir, 'atelier.lock');
      const dead = Number(spawnSync('/bin/sh', ['-c', 'echo $$']).stdout.toString().trim());
      write(
        lockPath,
        JSON.stringify({ pid: dead, hostname: os.hostname(), host: 'cli', startedAt: 'crashed' }),
      );
      const t0 = Date.now() + 4000; // after tsx has started all four
      const rounds = 25;
      const outputs = await Promise.all(
        Array.from(
          { length: 4 },
          () =>
            new Promise<string>((resolve) => {
              const child = spawn(
                process.execPath,
                [
                  '--import',
                  'tsx',
                  path.join(__dirname, 'fixtures', 'lockRace.ts'),
                  lockPath,
                  String(rounds),
                  String(t0),
                  String(dead),
                ],
                { cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] },
              );
              let out = '';
              child.stdout.on('data', (d) => (out += d));
              child.on('exit', () => resolve(out));
            }),
        ),
      );
      const wins = outputs
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { round: number; from: number; to: number });
      const perRound = new Map<number, number>();
      for (const w of wins) perRound.set(w.round, (perRound.get(w.round) ?? 0) + 1);
      expect([...perRound.values()].every((n) => n === 1)).toBe(true);
      expect(perRound.size).toBe(rounds);
      const sorted = [...wins].sort((a, b) => a.from - b.from);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]!.from).toBeGreaterThanOrEqual(sorted[i - 1]!.to);
    } finally {
      t.cleanup();
    }
  }, 60_000);
});
