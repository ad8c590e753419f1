import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { pdeathsigWrapper } from '../../../src-main/core/util/childProcesses';
import { tempDir } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';

// Security audit, Medium 6: after kill -9 of Atelier, ffmpeg and upscayl-bin kept running
// (ppid 1), and the re-queued job ran beside its own orphan, which cancel could not reach.
const root = path.resolve(__dirname, '../../..');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('engines never outlive Atelier', () => {
  it.skipIf(process.platform !== 'linux' || !pdeathsigWrapper())(
    'an engine dies with the app that started it (kill -9 included)',
    async () => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const dataDir = path.join(dir, 'data');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, 'fixtures', 'engineChild.ts'), dataDir],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await waitFor(() => out.includes('started'), 20_000, 'the child to start its engine');
      const pids = path.join(dataDir, 'tmp', 'pids');
      const enginePid = Number(
        (await waitFor(() => readdirSync(pids).find((f) => f.endsWith('.json')))).replace(
          '.json',
          '',
        ),
      );
      expect(alive(enginePid)).toBe(true);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      await waitFor(() => !alive(enginePid), 5000, 'the engine to die with its parent');
    },
    30_000,
  );

  it('at start-up, the engines a dead Atelier left running are stopped, their whole group', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const dataDir = path.join(dir, 'data');
    const pids = path.join(dataDir, 'tmp', 'pids');
    mkdirSync(pids, { recursive: true });
    // An orphan "engine" with a child of its own, in its own process group.
    const orphan = spawn('/bin/sh', ['-c', 'sleep 53 & sleep 53; wait'], {
      detached: true,
      stdio: 'ignore',
    });
    orphan.unref();
    cleanups.push(() => {
      try {
        process.kill(-orphan.pid!, 'SIGKILL');
      } catch {}
    });
    const deadOwner = spawnSync('/bin/sh', ['-c', 'echo $$']).stdout.toString().trim();
    const stat = (pid: number) => {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[19]);
    };
    await waitFor(() => existsSync(`/proc/${orphan.pid}/stat`));
    writeFileSync(
      path.join(pids, `${orphan.pid}.json`),
      JSON.stringify({
        pid: orphan.pid,
        owner: Number(deadOwner),
        startTicks: process.platform === 'linux' ? stat(orphan.pid!) : null,
        label: 'ffmpeg',
        startedAt: new Date().toISOString(),
      }),
    );
    // A pid file whose pid was reused by an unrelated process (another start time): left alone.
    const bystander = spawn('/bin/sleep', ['59'], { detached: true, stdio: 'ignore' });
    bystander.unref();
    cleanups.push(() => process.kill(bystander.pid!, 'SIGKILL'));
    writeFileSync(
      path.join(pids, `${bystander.pid}.json`),
      JSON.stringify({
        pid: bystander.pid,
        owner: Number(deadOwner),
        startTicks: 1,
        label: 'x',
        startedAt: '',
      }),
    );
    const core = await openAtelier({ dataDir, host: 'cli', services: false });
    try {
      await waitFor(() => !alive(orphan.pid!), 5000, 'the orphan group to be stopped');
      const grandchildren = spawnSync('pgrep', ['-f', 'sleep 53']).stdout.toString().trim();
      expect(grandchildren).toBe('');
      expect(alive(bystander.pid!)).toBe(true);
      expect(readdirSync(pids)).toEqual([]);
    } finally {
      await core.dispose();
    }
  });
});
