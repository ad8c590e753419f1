import type { PoolStatus } from '../../contract/engines';
import type { JobPreview, LocalPool } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';

/** What the queue operations need from the runner living in this process, if any. */
export interface RunnerHandle {
  /** Something changed: look for work. */
  kick(): void;
  /** A job was queued under this pool key. */
  jobQueued(key: string): void;
  /** Abort a job running here; false when it is not running in this process. */
  abort(jobId: string, reason: 'cancel'): boolean;
  isRunning(jobId: string): boolean;
  readonly localSlots: Record<LocalPool, number>;
  pools(): PoolStatus[];
  preview(jobId: string): JobPreview | null;
  /** Why a job under this pool key cannot start now, or null. */
  waitingReason(key: string): string | null;
  setPaused(paused: boolean): void;
  reloadSettings(): Promise<void>;
}

const runners = new WeakMap<Atelier, RunnerHandle>();

export function setRunner(core: Atelier, runner: RunnerHandle | null): void {
  if (runner) runners.set(core, runner);
  else runners.delete(core);
}

export function runnerOf(core: Atelier): RunnerHandle | undefined {
  return runners.get(core);
}
