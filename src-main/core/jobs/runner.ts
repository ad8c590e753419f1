import type { PoolStatus } from '../../contract/engines';
import type { JobPreview, LocalPool } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import type { JobRow } from '../db/schema';
import { appLog, withLogContext } from '../log/appLog';
import { nowIso } from '../util/ids';
import { stmt } from './jobStore';
import { executeJob } from './execute';
import { refreshWaitingMessages } from './waiting';
import { emitChanged, emitQueueSoon } from './notify';
import { refreshParent } from './parents';
import { PoolHealth } from './poolHealth';
import { kindsOfKey, loadPools, localSlots, waitingReason, type Lease } from './pools';
import { findJobKind } from './registry';
import { readPaused } from './queueSettings';
import { recoverInterrupted } from './recovery';
import { runnerOf, setRunner, type RunnerHandle } from './runnerRegistry';
import { Scheduler, type PoolSlot } from './scheduler';
import type { AbortReason } from './transitions';
import { sweepWorkDirs } from './workDirs';

export interface RunnerOptions {
  /** Run only these jobs and their children (the CLI's `--wait` runs just what it queued). */
  only?: string[];
  /** Ignore the paused flag (an explicit `--wait` is a request to run now). */
  ignorePause?: boolean;
  /** Minimum ms between progress writes and events per job. */
  progressIntervalMs?: number;
  /** Between health checks of an offline engine server (online ones: three times this). */
  healthIntervalMs?: number;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  poolId: string;
}

/**
 * The scheduler's loop: while a pool has a free slot, lease it to the best queued job that pool
 * can take, run the job's kind with a JobContext, and record how it ended. better-sqlite3 is
 * synchronous, so "pick and mark running" cannot interleave with another pick.
 */
export class JobRunner implements RunnerHandle, Disposable {
  private readonly scheduler: Scheduler;
  private readonly running = new Map<string, Running>();
  private readonly previews = new Map<string, JobPreview>();
  private health: PoolHealth | null = null;
  private paused = false;
  private stopped = false;
  private pumpQueued = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private readonly unsubscribe: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly core: Atelier,
    private readonly options: RunnerOptions = {},
  ) {
    this.scheduler = new Scheduler(core.sqlite, options.only ? JSON.stringify(options.only) : null);
  }

  async start(): Promise<this> {
    if (runnerOf(this.core)) throw new Error('A job runner is already running for this library');
    this.scheduler.setPools(await loadPools(this.core));
    recoverInterrupted(this.core);
    sweepWorkDirs(this.core);
    this.paused = readPaused(this.core.sqlite);
    setRunner(this.core, this);
    this.unsubscribe.push(
      this.core.events.on('engines.changed', ({ reason }) => {
        if (reason !== 'health') void this.reloadSettings();
      }),
    );
    this.health = new PoolHealth(
      this.core,
      this.scheduler,
      (slot) => this.poolChanged(slot),
      this.options.healthIntervalMs,
    );
    this.health.start();
    const r = stmt(
      this.core.sqlite,
      "SELECT min(run_after) t FROM jobs WHERE status = 'queued' AND run_after IS NOT NULL",
    ).get() as { t: string | null };
    if (r.t) this.wakeBy(Date.parse(r.t));
    this.refreshWaiting();
    this.kick();
    return this;
  }

  /** Slot counts or engine servers changed: new pools, same running jobs. */
  async reloadSettings(): Promise<void> {
    const pools = await loadPools(this.core);
    if (this.stopped) return;
    this.scheduler.setPools(pools);
    for (const slot of this.scheduler.slots.values())
      if (slot.def.endpoint) void this.health?.check(slot.def.id);
    this.refreshWaiting();
    emitQueueSoon(this.core);
    this.kick();
  }

  get localSlots(): Record<LocalPool, number> {
    const s = (id: LocalPool) => this.scheduler.slots.get(id)?.def.slots;
    return localSlots({ gpu: s('gpu'), cpu: s('cpu'), io: s('io') });
  }

  pools(): PoolStatus[] {
    return this.scheduler.status();
  }

  preview(jobId: string): JobPreview | null {
    return this.previews.get(jobId) ?? null;
  }

  waitingReason(key: string): string | null {
    return waitingReason(key, [...this.scheduler.slots.values()]);
  }

  jobQueued(key: string): void {
    this.scheduler.addKey(key);
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
    if (this.running.size === 0 && !this.scheduler.hasRunnable(nowIso())) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.stopped) return;
    if (!this.paused || this.options.ignorePause) {
      const now = nowIso();
      // One job at a time to the least used pool that has one, so a batch spreads over every
      // free server (three ComfyUI GPUs each get a prompt) before any server gets a second.
      const drained = new Set<PoolSlot>();
      for (;;) {
        let pick: PoolSlot | null = null;
        for (const slot of this.scheduler.slots.values()) {
          if (drained.has(slot) || !slot.online || slot.active >= slot.def.slots) continue;
          if (!pick || slot.active / slot.def.slots < pick.active / pick.def.slots) pick = slot;
        }
        if (!pick) break;
        const row = this.scheduler.nextFor(pick.def, now);
        if (!row) {
          drained.add(pick);
          continue;
        }
        const target = this.placeFor(row, pick);
        const before = target.active;
        this.launch(row, target);
        if (target !== pick) continue;
        // A claim lost to another runner leaves the slot as it was: try the next job.
        if (pick.active === before) drained.add(pick);
      }
    }
    if (
      this.running.size === 0 &&
      this.idleWaiters.length &&
      !this.scheduler.hasRunnable(nowIso())
    ) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * The slot a job goes to: the least used free pool that serves it, unless its kind prefers
   * another free one (a ComfyUI server that already has the job's model loaded).
   */
  private placeFor(row: JobRow, pick: PoolSlot): PoolSlot {
    const kind = findJobKind(row.kind);
    if (!kind?.choosePool || row.pool.startsWith('@')) return pick;
    const kinds = kindsOfKey(row.pool);
    const free = [...this.scheduler.slots.values()].filter(
      (s) => s.online && s.active < s.def.slots && kinds.includes(s.def.kind),
    );
    if (free.length < 2) return pick;
    let params: unknown = null;
    try {
      params = JSON.parse(row.params);
    } catch {}
    const chosen = kind.choosePool(
      this.core,
      params,
      free.map((s) => ({
        id: s.def.id,
        endpointId: s.def.endpoint?.id ?? null,
        active: s.active,
        slots: s.def.slots,
      })),
    );
    return free.find((s) => s.def.id === chosen) ?? pick;
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
        // Only the earliest wake is kept: the next one (a second job's later retry) is set
        // again from the queue, or that job would wait until something else woke the runner.
        if (this.stopped || !this.core.sqlite.open) return;
        const next = stmt(
          this.core.sqlite,
          "SELECT min(run_after) AS at FROM jobs WHERE status = 'queued' AND run_after > ?",
        ).get(nowIso()) as { at: string | null } | undefined;
        if (next?.at) this.wakeBy(Date.parse(next.at));
      },
      Math.max(0, at - Date.now()) + 5,
    );
    this.wakeTimer.unref();
  }

  private launch(row: JobRow, slot: PoolSlot): void {
    const at = nowIso();
    const claimed = stmt(
      this.core.sqlite,
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL, run_after = NULL,
         progress = 0, progress_message = NULL, eta_sec = NULL, lease_pool = ?, updated_at = ?
       WHERE id = ? AND status = 'queued'`,
    ).run(at, slot.def.id, at, row.id);
    if (claimed.changes !== 1) return;
    const controller = new AbortController();
    slot.active++;
    const entry: Running = { controller, poolId: slot.def.id, done: Promise.resolve() };
    let holdsSlot = true;
    const releaseSlot = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      slot.active--;
      this.kick();
    };
    this.running.set(row.id, entry);
    emitChanged(this.core, row.id);
    if (row.parent_id) refreshParent(this.core, row.parent_id);
    emitQueueSoon(this.core);
    const lease: Lease = {
      poolId: slot.def.id,
      poolKind: slot.def.kind,
      label: slot.def.label,
      endpoint: slot.def.endpoint,
    };
    const started = {
      ...row,
      attempts: row.attempts + 1,
      status: 'running' as const,
      started_at: at,
    };
    entry.done = withLogContext({ jobId: row.id, userId: row.created_by ?? undefined }, () =>
      executeJob(this.core, started, {
        controller,
        lease,
        releaseSlot,
        setPreview: (p) => this.previews.set(row.id, p),
        progressIntervalMs: this.options.progressIntervalMs ?? 250,
        markOffline: (poolId, problem) => this.health?.markOffline(poolId, problem),
      }),
    )
      .then(({ retryAt, reason }) => {
        if (retryAt) this.wakeBy(retryAt);
        if (reason === 'failover') this.refreshWaiting();
      })
      .catch((err) => appLog.error('jobs', `runner failed on ${row.id}`, err))
      .finally(() => {
        this.running.delete(row.id);
        this.previews.delete(row.id);
        if (holdsSlot) releaseSlot();
        else this.kick();
      });
  }

  /** A pool went on- or offline: its running jobs fail over, waiting jobs say why they wait. */
  private poolChanged(slot: PoolSlot): void {
    if (this.stopped) return;
    if (!slot.online) {
      for (const r of this.running.values())
        if (r.poolId === slot.def.id) r.controller.abort('failover' satisfies AbortReason);
    }
    this.refreshWaiting();
    this.core.events.emit('engines.changed', { reason: 'health' });
    emitQueueSoon(this.core);
    this.kick();
  }

  /** Queued jobs that no online pool can take say what they wait for. */
  private refreshWaiting(): void {
    // A job that ends after shutdown (its fail-over noticed late) finds the database closed.
    if (!this.core.sqlite.open) return;
    const changed = refreshWaitingMessages(this.core.sqlite, this.scheduler.knownKeys(), (key) =>
      this.waitingReason(key),
    );
    if (changed) emitQueueSoon(this.core);
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    this.health?.dispose();
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
