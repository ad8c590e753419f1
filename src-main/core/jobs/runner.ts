import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AppError, type ErrorCode } from '../../contract/errors';
import type { JobResourceClass } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import type { JobRow } from '../db/schema';
import { readEngineSettings } from '../engines/engineSettings';
import { runProgram } from '../engines/runProgram';
import { nowIso } from '../util/ids';
import { JobLog } from './jobLog';
import { parseJson, stmt } from './jobStore';
import { emitChanged, emitQueueSoon } from './notify';
import { refreshParent, refreshParentSoon } from './parents';
import { concurrencyLimits, readPaused } from './queueSettings';
import { recoverInterrupted } from './recovery';
import { BATCH_KIND, findJobKind } from './registry';
import { runnerOf, setRunner, type RunnerHandle } from './runnerRegistry';
import type { JobContext, JobKind, JobOutcome } from './types';

export interface RunnerOptions {
  /** Run only these jobs and their children (the CLI's `--wait` runs just what it queued). */
  only?: string[];
  /** Ignore the paused flag (an explicit `--wait` is a request to run now). */
  ignorePause?: boolean;
  /** Minimum ms between progress writes and events per job. */
  progressIntervalMs?: number;
}

type AbortReason = 'cancel' | 'shutdown';

interface Running {
  controller: AbortController;
  done: Promise<void>;
  resourceClass: JobResourceClass;
}

/** Errors a retry cannot fix: the same input would fail the same way. */
const permanent: ErrorCode[] = [
  'invalid_input',
  'not_found',
  'engine_missing',
  'conflict',
  'cancelled',
  'unauthorized',
];

export function backoffMs(attempt: number): number {
  return Math.min(60_000, 2000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The scheduler: picks the next runnable job per resource class (priority, then position) while
 * that class has free slots, runs it with a JobContext, and records how it ended. better-sqlite3
 * is synchronous, so "pick and mark running" cannot interleave with another pick.
 */
export class JobRunner implements RunnerHandle, Disposable {
  limits: Record<JobResourceClass, number> = concurrencyLimits(null);
  private readonly running = new Map<string, Running>();
  private readonly active: Record<JobResourceClass, number> = { gpu: 0, cpu: 0, io: 0 };
  private paused = false;
  private stopped = false;
  private pumpQueued = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly onlyJson: string | null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly core: Atelier,
    private readonly options: RunnerOptions = {},
  ) {
    this.onlyJson = options.only ? JSON.stringify(options.only) : null;
  }

  async start(): Promise<this> {
    if (runnerOf(this.core)) throw new Error('A job runner is already running for this library');
    await this.reloadSettings();
    recoverInterrupted(this.core);
    this.paused = readPaused(this.core.sqlite);
    setRunner(this.core, this);
    this.unsubscribe.push(
      this.core.events.on('engines.changed', () => {
        void this.reloadSettings();
      }),
    );
    const r = stmt(
      this.core.sqlite,
      "SELECT min(run_after) t FROM jobs WHERE status = 'queued' AND run_after IS NOT NULL",
    ).get() as {
      t: string | null;
    };
    if (r.t) this.wakeBy(Date.parse(r.t));
    this.kick();
    return this;
  }

  async reloadSettings(): Promise<void> {
    this.limits = concurrencyLimits(await readEngineSettings(this.core.db));
    this.kick();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.kick();
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  abort(jobId: string, reason: 'cancel'): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.controller.abort(reason);
    return true;
  }

  kick(): void {
    if (this.pumpQueued || this.stopped) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Resolves when nothing runs and nothing runnable is left for this runner. */
  whenIdle(): Promise<void> {
    if (this.running.size === 0 && !this.hasRunnable()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private hasRunnable(): boolean {
    return (['gpu', 'cpu', 'io'] as const).some(
      (c) => this.nextRow(c, nowIso(), true) !== undefined,
    );
  }

  private nextRow(
    resourceClass: JobResourceClass,
    now: string,
    ignoreRunAfter = false,
  ): JobRow | undefined {
    const runAfter = ignoreRunAfter ? '' : 'AND (run_after IS NULL OR run_after <= ?)';
    const only = this.onlyJson
      ? 'AND (id IN (SELECT value FROM json_each(?)) OR parent_id IN (SELECT value FROM json_each(?)))'
      : '';
    const args: string[] = [resourceClass];
    if (!ignoreRunAfter) args.push(now);
    if (this.onlyJson) args.push(this.onlyJson, this.onlyJson);
    return stmt(
      this.core.sqlite,
      `SELECT * FROM jobs WHERE status = 'queued' AND resource_class = ? AND kind != '${BATCH_KIND}' ${runAfter} ${only}
       ORDER BY priority DESC, position ASC, created_at ASC LIMIT 1`,
    ).get(...args) as JobRow | undefined;
  }

  private pump(): void {
    if (this.stopped) return;
    if (!this.paused || this.options.ignorePause) {
      const now = nowIso();
      for (const rc of ['gpu', 'cpu', 'io'] as const) {
        while (this.active[rc] < this.limits[rc]) {
          const row = this.nextRow(rc, now);
          if (!row) break;
          this.launch(row);
        }
      }
    }
    if (this.running.size === 0 && this.idleWaiters.length && !this.hasRunnable()) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private wakeBy(at: number): void {
    if (at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = Infinity;
        this.kick();
      },
      Math.max(0, at - Date.now()) + 5,
    );
    this.wakeTimer.unref();
  }

  private launch(row: JobRow): void {
    const at = nowIso();
    const claimed = stmt(
      this.core.sqlite,
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL, run_after = NULL,
         progress = 0, progress_message = NULL, eta_sec = NULL, updated_at = ? WHERE id = ? AND status = 'queued'`,
    ).run(at, at, row.id);
    if (claimed.changes !== 1) return;
    const controller = new AbortController();
    const rc = row.resource_class;
    this.active[rc]++;
    const entry: Running = { controller, resourceClass: rc, done: Promise.resolve() };
    let holdsSlot = true;
    const releaseSlot = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      this.active[rc]--;
      this.kick();
    };
    this.running.set(row.id, entry);
    emitChanged(this.core, row.id);
    if (row.parent_id) refreshParent(this.core, row.parent_id);
    emitQueueSoon(this.core);
    entry.done = this.execute(
      { ...row, attempts: row.attempts + 1, status: 'running', started_at: at },
      controller,
      releaseSlot,
    )
      .catch((err) => console.error(`[jobs] runner failed on ${row.id}`, err))
      .finally(() => {
        this.running.delete(row.id);
        if (holdsSlot) releaseSlot();
        else this.kick();
      });
  }

  private async execute(
    row: JobRow,
    controller: AbortController,
    releaseSlot: () => void,
  ): Promise<void> {
    const core = this.core;
    const kind = findJobKind(row.kind);
    const log = new JobLog(
      core,
      row.id,
      `${row.title || row.kind} · attempt ${row.attempts} of ${row.max_attempts}`,
    );
    const tempDir = path.join(core.layout.tmp, 'jobs', row.id);
    const t0 = performance.now();
    let outcome: JobOutcome | undefined;
    let error: unknown;
    const ctx = this.context(row, controller, log, tempDir, t0, releaseSlot);
    try {
      if (!kind)
        throw new AppError(
          'invalid_input',
          `Unknown job kind "${row.kind}": this version of Atelier cannot run it.`,
        );
      const params = kind.params.safeParse(parseJson(row.params) ?? {});
      if (!params.success)
        throw new AppError(
          'invalid_input',
          `Stored params are invalid: ${params.error.issues[0]?.message ?? ''}`,
        );
      outcome = await kind.run(ctx, params.data);
      if (controller.signal.aborted) throw new AppError('cancelled', 'Cancelled');
    } catch (err) {
      error = err;
    }
    ctx.close();
    // Temp files go before the final state is written: whoever sees "cancelled" sees a clean tmp/.
    rmSync(tempDir, { recursive: true, force: true });
    const seconds = (performance.now() - t0) / 1000;
    this.finish(
      row,
      kind,
      outcome,
      error,
      controller.signal.reason as AbortReason | undefined,
      seconds,
      log,
    );
  }

  private finish(
    row: JobRow,
    kind: JobKind | undefined,
    outcome: JobOutcome | undefined,
    error: unknown,
    reason: AbortReason | undefined,
    seconds: number,
    log: JobLog,
  ): void {
    const db = this.core.sqlite;
    const at = nowIso();
    const update = (sets: string, ...args: unknown[]) =>
      stmt(
        db,
        `UPDATE jobs SET ${sets}, resource_seconds = resource_seconds + ?, updated_at = ? WHERE id = ?`,
      ).run(...args, seconds, at, row.id);
    if (error === undefined && reason === undefined) {
      const result = {
        ...((outcome?.result as object | undefined) ?? {}),
        ...(outcome?.assetIds ? { assetIds: outcome.assetIds } : {}),
      };
      update(
        "status = 'completed', progress = 1, eta_sec = NULL, error = NULL, result = ?, finished_at = ?",
        JSON.stringify(result),
        at,
      );
      if (outcome?.assetIds?.length)
        log.write('info', `Done: ${outcome.assetIds.length} output(s)`);
    } else if (reason === 'cancel') {
      log.write('info', 'Cancelled; the process tree was stopped and temp files removed');
      update("status = 'cancelled', eta_sec = NULL, error = 'Cancelled', finished_at = ?", at);
    } else if (reason === 'shutdown') {
      if (kind?.idempotent) {
        log.write('warn', 'Atelier stopped during this job; it will run again at the next start');
        update(
          "status = 'queued', progress = 0, eta_sec = NULL, progress_message = 'Waiting to run again after a restart', started_at = NULL",
        );
      } else {
        log.write('error', 'Interrupted: Atelier stopped while this job was running');
        update(
          "status = 'failed', eta_sec = NULL, error = 'Interrupted: Atelier stopped while this job was running', finished_at = ?",
          at,
        );
      }
    } else {
      const code: ErrorCode = error instanceof AppError ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      log.write('error', message);
      const retry =
        kind?.idempotent && !permanent.includes(code) && row.attempts < row.max_attempts;
      if (retry) {
        const when = Date.now() + backoffMs(row.attempts);
        const runAfter = new Date(when).toISOString();
        log.write('warn', `Will retry automatically at ${runAfter}`);
        update(
          "status = 'queued', progress = 0, eta_sec = NULL, error = ?, run_after = ?, progress_message = ?",
          message,
          runAfter,
          `Retrying after an error (attempt ${row.attempts + 1} of ${row.max_attempts})`,
        );
        this.wakeBy(when);
      } else {
        update("status = 'failed', eta_sec = NULL, error = ?, finished_at = ?", message, at);
      }
    }
    emitChanged(this.core, row.id);
    if (row.parent_id) refreshParent(this.core, row.parent_id);
    emitQueueSoon(this.core);
  }

  private context(
    row: JobRow,
    controller: AbortController,
    log: JobLog,
    tempDir: string,
    t0: number,
    releaseSlot: () => void,
  ): JobContext & { close(): void } {
    const core = this.core;
    const interval = this.options.progressIntervalMs ?? 250;
    let latest: { f: number; msg: string | null } | null = null;
    let lastFlush = 0;
    let timer: NodeJS.Timeout | null = null;
    let tempMade = false;
    let closed = false;
    const flush = () => {
      timer = null;
      if (!latest || closed) return;
      const elapsed = (performance.now() - t0) / 1000;
      const { f, msg } = latest;
      latest = null;
      lastFlush = performance.now();
      // An ETA from the mean rate so far; too early it is noise, so wait for 2% and 1.5 s.
      const eta = f >= 0.02 && f < 1 && elapsed >= 1.5 ? Math.round((elapsed * (1 - f)) / f) : null;
      stmt(
        core.sqlite,
        'UPDATE jobs SET progress = ?, progress_message = ?, eta_sec = ?, updated_at = ? WHERE id = ?',
      ).run(f, msg, eta, nowIso(), row.id);
      core.events.emit('jobs.progress', {
        id: row.id,
        parentId: row.parent_id,
        progress: f,
        message: msg,
        etaSec: eta,
      });
      if (row.parent_id) refreshParentSoon(core, row.parent_id);
    };
    const progress = (fraction: number, message?: string) => {
      if (closed || !Number.isFinite(fraction)) return;
      latest = { f: Math.min(1, Math.max(0, fraction)), msg: message ?? latest?.msg ?? null };
      const since = performance.now() - lastFlush;
      if (since >= interval) flush();
      else if (!timer) timer = setTimeout(flush, interval - since);
    };
    return {
      jobId: row.id,
      core,
      signal: controller.signal,
      progress,
      log: (level, message) => log.write(level, message),
      engineDone: releaseSlot,
      tempPath(name: string) {
        if (!tempMade) {
          mkdirSync(tempDir, { recursive: true });
          tempMade = true;
        }
        const p = path.join(tempDir, path.basename(name));
        return p;
      },
      async spawn(file, args, options) {
        const [from, to] = options.progressRange ?? [0, 1];
        log.write(
          'info',
          `$ ${path.basename(file)} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
        );
        return runProgram(file, args, {
          ...options,
          signal: controller.signal,
          onProgress: (p) => {
            progress(from + (to - from) * p.fraction, p.message);
            options.onProgress?.(p);
          },
          onLine: (stream, line) => {
            log.write(stream === 'stderr' ? 'debug' : 'debug', line);
            options.onLine?.(stream, line);
          },
        });
      },
      close() {
        if (timer) clearTimeout(timer);
        if (latest) flush();
        closed = true;
      },
    };
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    for (const u of this.unsubscribe.splice(0)) u();
    const waits = [...this.running.values()].map((r) => {
      r.controller.abort('shutdown' satisfies AbortReason);
      return r.done;
    });
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 15_000).unref())]);
    if (runnerOf(this.core) === this) setRunner(this.core, null);
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
