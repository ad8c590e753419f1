import type { QueueState } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import { countStatus, summaryOf } from './jobStore';
import { localSlots } from './pools';
import { readPaused } from './queueSettings';
import { runnerOf } from './runnerRegistry';

export function queueState(core: Atelier): QueueState {
  return {
    paused: readPaused(core.sqlite),
    running: countStatus(core.sqlite, 'running'),
    queued: countStatus(core.sqlite, 'queued'),
    concurrency: runnerOf(core)?.localSlots ?? localSlots(null),
    pools: runnerOf(core)?.pools() ?? [],
  };
}

export function emitChanged(core: Atelier, id: string): void {
  const job = summaryOf(core.sqlite, id);
  if (job) core.events.emit('jobs.changed', { job });
}

const queueTimers = new WeakMap<Atelier, NodeJS.Timeout>();

/** Queue counts go out at most four times a second: a 10,000-job batch must not flood windows. */
export function emitQueueSoon(core: Atelier): void {
  if (queueTimers.has(core)) return;
  const t = setTimeout(() => {
    queueTimers.delete(core);
    if (core.disposables.isDisposed) return;
    try {
      core.events.emit('jobs.queue', queueState(core));
    } catch {}
  }, 250);
  t.unref();
  queueTimers.set(core, t);
}
