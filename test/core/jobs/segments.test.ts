import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { createApi } from '../../../src-main/core/api/dispatch';
import { enqueueJob } from '../../../src-main/core/jobs/enqueue';
import { recoverInterrupted } from '../../../src-main/core/jobs/recovery';
import { JobRunner } from '../../../src-main/core/jobs/runner';
import { sweepWorkDirs, workDirOf } from '../../../src-main/core/jobs/workDirs';
import { openTestCore, type TestCore } from '../../helpers/core';
import { tempDir } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';
import './fixtures/segmentKind';
import './testKinds';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const root = path.resolve(__dirname, '../../..');
const ledgerOf = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
const count = (lines: string[], line: string) => lines.filter((l) => l === line).length;

async function runToEnd(core: TestCore['core'], jobId: string): Promise<void> {
  const runner = await new JobRunner(core, { only: [jobId], ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
}

describe('segments: multi-step jobs that resume', () => {
  it('a failed job retried redoes only its unfinished parts, and leaves its work folder only when done', async () => {
    t = await openTestCore();
    const ledger = path.join(t.root, 'ledger.txt');
    const job = await enqueueJob(t.core, 'test_segments', { ledger, partMs: 10, failAt: 3 });
    await runToEnd(t.core, job.id);
    let detail = await t.call('jobs.get', { id: job.id, logLines: 0 });
    expect(detail.status).toBe('failed');
    expect(detail.error).toBe('part 3 broke');
    expect(detail.segments.map((s) => s.status)).toEqual([
      ...Array(3).fill('completed'),
      'failed',
      ...Array(6).fill('queued'),
    ]);
    expect(detail.progress).toBeCloseTo(0.3);
    // What the finished parts made is kept for the retry.
    const work = workDirOf(t.core.layout, job.id);
    expect(readdirSync(work).sort()).toEqual(['part-0.txt', 'part-1.txt', 'part-2.txt']);

    await t.call('jobs.retry', { id: job.id });
    await runToEnd(t.core, job.id);
    detail = await t.call('jobs.get', { id: job.id, logLines: 0 });
    expect(detail.status).toBe('completed');
    expect(detail.result).toEqual({ squares: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81] });
    const lines = ledgerOf(ledger);
    for (let i = 0; i < 10; i++) expect(count(lines, `done ${i}`)).toBe(1);
    expect(count(lines, 'start 3')).toBe(2);
    expect(detail.segments[3]).toMatchObject({ status: 'completed', attempts: 2, error: null });
    expect(detail.segments[0]).toMatchObject({ label: 'part 1', startMs: 0, endMs: 1000 });
    expect(existsSync(work)).toBe(false);
  });

  it('a part whose inputs changed runs again, and only it', async () => {
    t = await openTestCore();
    const ledger = path.join(t.root, 'ledger.txt');
    const hashes = Array.from({ length: 10 }, (_, i) => `h${i}`);
    const job = await enqueueJob(t.core, 'test_segments', {
      ledger,
      partMs: 10,
      failAt: 5,
      hashes,
    });
    await runToEnd(t.core, job.id);
    // The creator edits what part 2 is made of (a cue's text, say), then retries.
    const params = JSON.parse(
      (
        t.core.sqlite.prepare('SELECT params FROM jobs WHERE id = ?').get(job.id) as {
          params: string;
        }
      ).params,
    );
    params.hashes[2] = 'h2-edited';
    t.core.sqlite
      .prepare('UPDATE jobs SET params = ? WHERE id = ?')
      .run(JSON.stringify(params), job.id);
    await t.call('jobs.retry', { id: job.id });
    await runToEnd(t.core, job.id);
    const lines = ledgerOf(ledger);
    expect([0, 1, 3, 4].map((i) => count(lines, `start ${i}`))).toEqual([1, 1, 1, 1]);
    expect(count(lines, 'start 2')).toBe(2);
    expect(count(lines, 'start 5')).toBe(2);
    expect(await t.call('jobs.get', { id: job.id, logLines: 0 })).toMatchObject({
      status: 'completed',
    });
  });

  it('kill -9 in the middle of a 10-part job: after a restart it finishes, each part finished before the kill done exactly once', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const dataDir = path.join(dir, 'data');
      const ledger = path.join(dir, 'ledger.txt');
      let core = await openAtelier({ dataDir, host: 'cli', services: false });
      const job = await enqueueJob(core, 'test_segments', { ledger, partMs: 200 });
      await core.dispose();

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, 'fixtures', 'segmentChild.ts'), dataDir],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise((r) => child.once('exit', r));
      await waitFor(
        () => count(ledgerOf(ledger), 'done 4') === 1 || child.exitCode !== null,
        30_000,
      );
      expect(stderr).toBe('');
      child.kill('SIGKILL');
      await exited;

      // What the database says was finished at the moment of the kill.
      const raw = new BetterSqlite3(path.join(dataDir, 'atelier.db'), { readonly: true });
      const finished = (
        raw
          .prepare(
            "SELECT idx FROM job_segments WHERE job_id = ? AND status = 'completed' ORDER BY idx",
          )
          .all(job.id) as { idx: number }[]
      ).map((r) => r.idx);
      raw.close();
      expect(finished.length).toBeGreaterThanOrEqual(5);
      expect(finished.length).toBeLessThan(10);
      const before = ledgerOf(ledger).length;

      core = await openAtelier({ dataDir, host: 'cli', services: false });
      const api = createApi(core);
      const runner = await new JobRunner(core).start();
      await runner.whenIdle();
      await runner.dispose();
      const r = await api.invoke('jobs.get', { id: job.id, logLines: 50 });
      if (!r.ok) throw new Error(r.error.message);
      const detail = r.value as { status: string; result: unknown; logTail: { message: string }[] };
      expect(detail.status).toBe('completed');
      expect(detail.result).toEqual({ squares: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81] });
      expect(detail.logTail.map((l) => l.message).join('\n')).toMatch(/continue where it stopped/);
      const after = ledgerOf(ledger).slice(before);
      for (const i of finished) expect(after).not.toContain(`start ${i}`);
      const all = ledgerOf(ledger);
      for (const i of finished) expect(count(all, `done ${i}`)).toBe(1);
      for (let i = 0; i < 10; i++) expect(count(all, `done ${i}`)).toBeGreaterThanOrEqual(1);
      expect(existsSync(workDirOf(core.layout, job.id))).toBe(false);
      await core.dispose();
    } finally {
      cleanup();
    }
  }, 60_000);

  it('start-up: resume kinds keep their parts and work folder, rerun kinds start clean; the sweep clears stale folders', async () => {
    t = await openTestCore();
    const ledger = path.join(t.root, 'ledger.txt');
    const resumable = await enqueueJob(t.core, 'test_segments', { ledger, partMs: 1, failAt: 6 });
    await runToEnd(t.core, resumable.id);
    const rerun = await enqueueJob(t.core, 'test_sleep', { ms: 1, tag: 'r' });
    const db = t.core.sqlite;
    db.prepare(
      "INSERT INTO job_segments (id, job_id, idx, status) VALUES ('x', ?, 0, 'completed')",
    ).run(rerun.id);
    mkdirSync(workDirOf(t.core.layout, rerun.id), { recursive: true });
    db.prepare("UPDATE jobs SET status = 'running' WHERE id IN (?, ?)").run(resumable.id, rerun.id);
    const report = recoverInterrupted(t.core);
    expect(report.requeued.sort()).toEqual([resumable.id, rerun.id].sort());
    const seg = (id: string) =>
      (
        db
          .prepare("SELECT count(*) n FROM job_segments WHERE job_id = ? AND status = 'completed'")
          .get(id) as {
          n: number;
        }
      ).n;
    expect(seg(resumable.id)).toBe(6);
    expect(existsSync(workDirOf(t.core.layout, resumable.id))).toBe(true);
    expect(seg(rerun.id)).toBe(0);
    expect(existsSync(workDirOf(t.core.layout, rerun.id))).toBe(false);

    // A job that failed 8 days ago loses its folder (and its finished parts with it); a queued
    // one keeps its own; a folder whose job is gone goes.
    db.prepare(
      "UPDATE jobs SET status = 'failed', finished_at = '2000-01-01T00:00:00.000Z' WHERE id = ?",
    ).run(resumable.id);
    const orphan = workDirOf(t.core.layout, 'no-such-job');
    mkdirSync(orphan, { recursive: true });
    const queued = await enqueueJob(t.core, 'test_sleep', { ms: 1, tag: 'q' });
    mkdirSync(workDirOf(t.core.layout, queued.id), { recursive: true });
    writeFileSync(path.join(workDirOf(t.core.layout, queued.id), 'state'), '1');
    expect(sweepWorkDirs(t.core).sort()).toEqual([resumable.id, 'no-such-job'].sort());
    expect(seg(resumable.id)).toBe(0);
    expect(existsSync(workDirOf(t.core.layout, queued.id))).toBe(true);
  });
});
