import type { JobResourceClass } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';

/** What the queue operations need from the runner living in this process, if any. */
export interface RunnerHandle {
  /** Something changed: look for work. */
  kick(): void;
  /** Abort a job running here; false when it is not running in this process. */
  abort(jobId: string, reason: 'cancel'): boolean;
  isRunning(jobId: string): boolean;
  readonly limits: Record<JobResourceClass, number>;
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
