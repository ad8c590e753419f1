import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobPage } from '../../../src-main/contract/jobs';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { createApi } from '../../../src-main/core/api/dispatch';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { probeMedia } from '../process/ffprobeFacts';
import '../../../src-main/core/api/services';
import { tempDir } from '../../helpers/tempDir';
import { addAsset, makeAudio, makeVideo } from '../process/mediaFixtures';

const root = path.resolve(__dirname, '../../..');

/** Starts `atelier process … --wait` and kill -9s it when `when` says so (or at a deadline). */
function runAndKill(
  args: string[],
  when: (stderr: string) => boolean,
  deadlineMs: number,
): Promise<{ killedAt: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/atelier.mjs'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let killed: string | null = null;
    const kill = (why: string) => {
      if (killed) return;
      killed = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('deadline'), deadlineMs);
    child.stderr.on('data', (d) => {
      err += String(d);
      if (when(err)) kill(err.trim().split('\n').slice(-1)[0] ?? '');
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Resolve only once it is gone: its data-dir lock must be seen as stale.
      resolve(
        killed ? { killedAt: killed, code: null } : { killedAt: `exited ${code}: ${err}`, code },
      );
    });
  });
}

describe('crash safety', () => {
  it('kill -9 mid-job at several points: no registered partial output, no lost job, debris cleaned', async () => {
    const { dir, cleanup } = tempDir();
    const dataDir = path.join(dir, 'data');
    try {
      let core = await openAtelier({ dataDir, host: 'cli', services: false });
      const audio = [0, 1, 2].map((i) => makeAudio(dir, `a${i}.wav`, 6));
      const video = makeVideo(dir, 'v.mp4', 3);
      const ids = [
        ...(await Promise.all(audio.map((f) => addAsset(core, f)))),
        await addAsset(core, video),
      ];
      await core.dispose();

      const kills = [];
      // Early (while the first job starts), mid-progress, and late in a batch.
      kills.push(
        await runAndKill(
          ['process', 'enhance', ...ids.slice(0, 3), '--wait', '--data-dir', dataDir],
          (s) => /\d+%/.test(s),
          20_000,
        ),
      );
      kills.push(
        await runAndKill(
          ['process', 'denoise', ids[3]!, '--method', 'nlmeans', '--wait', '--data-dir', dataDir],
          (s) => /[1-9]\d?%/.test(s),
          20_000,
        ),
      );
      kills.push(
        await runAndKill(
          [
            'process',
            'transcode',
            ...ids.slice(0, 3),
            '--format',
            'mp3',
            '--wait',
            '--data-dir',
            dataDir,
          ],
          (s) => /[3-9]\d%/.test(s),
          20_000,
        ),
      );
      for (const k of kills) expect(k.code, k.killedAt).toBeNull(); // each one really was killed mid-run

      core = await openAtelier({ dataDir, host: 'cli', services: false });
      const jobsBefore = core.sqlite
        .prepare("SELECT count(*) n FROM jobs WHERE kind != 'batch'")
        .get() as { n: number };
      expect(jobsBefore.n).toBe(7);
      const runner = await new JobRunner(core).start();
      expect(readdirSync(path.join(core.layout.tmp, 'jobs'))).toEqual([]);
      await runner.whenIdle();
      await runner.dispose();
      const api = createApi(core);
      const r = await api.invoke('jobs.list', { limit: 50 });
      if (!r.ok) throw new Error(r.error.message);
      const page = { value: r.value as JobPage };
      const statuses = page.value.items.map((j) => `${j.kind}:${j.status}`);
      // Every job is accounted for and, being idempotent, finished after recovery.
      expect(page.value.counts).toMatchObject({ queued: 0, running: 0, failed: 0, completed: 9 });
      expect(statuses.filter((s) => s.endsWith(':completed'))).toHaveLength(9);
      const outputs = core.sqlite
        .prepare('SELECT path, job_id FROM assets WHERE derived_from IS NOT NULL')
        .all() as { path: string; job_id: string }[];
      expect(outputs).toHaveLength(7);
      for (const o of outputs) {
        expect(existsSync(o.path)).toBe(true);
        await expect(probeMedia(o.path, 'ffprobe')).resolves.toBeTruthy(); // complete, decodable
      }
      // Every file in outputs/ is a registered asset: no partials, and no orphan from a kill
      // between placing a file and writing its row (the placement journal undoes those).
      expect(readdirSync(core.layout.outputs).sort()).toEqual(
        outputs.map((o) => path.basename(o.path)).sort(),
      );
      await core.dispose();
    } finally {
      cleanup();
    }
  }, 120_000);
});
