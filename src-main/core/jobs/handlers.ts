import type { jobsMethods } from '../../contract/jobs';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import type { Caller } from '../app/caller';
import { stmt } from './jobStore';
import type { HandlersFor } from '../app/handlerTypes';
import { queueState } from './notify';
import { runnerOf } from './runnerRegistry';
import { getJob, listJobs } from './jobList';
import { cancelJob, moveJob, retryJob, setQueuePaused } from './queue';

/** Members cancel, retry and reorder their own jobs; owner and admins anyone's. */
function mayChange(core: Atelier, caller: Caller, id: string): void {
  if (caller.role !== 'member') return;
  const row = stmt(core.sqlite, 'SELECT created_by FROM jobs WHERE id = ?').get(id) as
    | { created_by: string | null }
    | undefined;
  if (row && row.created_by !== caller.userId)
    throw new AppError(
      'unauthorized',
      'This job is someone else’s: only they or an admin may change it.',
    );
}

export function jobsHandlers(core: Atelier): HandlersFor<keyof typeof jobsMethods> {
  return {
    'jobs.list': (input) => listJobs(core, input),
    'jobs.get': ({ id, logLines }) => getJob(core, id, logLines),
    'jobs.cancel': ({ id }, ctx) => (mayChange(core, ctx.caller, id), cancelJob(core, id)),
    'jobs.retry': ({ id }, ctx) => (mayChange(core, ctx.caller, id), retryJob(core, id)),
    'jobs.move': ({ id, direction }, ctx) => (
      mayChange(core, ctx.caller, id),
      moveJob(core, id, direction)
    ),
    'jobs.pause': () => setQueuePaused(core, true),
    'jobs.resume': () => setQueuePaused(core, false),
    'jobs.queueState': () => queueState(core),
    'jobs.preview': ({ id }) => runnerOf(core)?.preview(id) ?? null,
  };
}
