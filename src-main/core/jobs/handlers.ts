import type { jobsMethods } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { queueState } from './notify';
import { runnerOf } from './runnerRegistry';
import { getJob, listJobs } from './jobList';
import { cancelJob, moveJob, retryJob, setQueuePaused } from './queue';

export function jobsHandlers(core: Atelier): HandlersFor<keyof typeof jobsMethods> {
  return {
    'jobs.list': (input) => listJobs(core, input),
    'jobs.get': ({ id, logLines }) => getJob(core, id, logLines),
    'jobs.cancel': ({ id }) => cancelJob(core, id),
    'jobs.retry': ({ id }) => retryJob(core, id),
    'jobs.move': ({ id, direction }) => moveJob(core, id, direction),
    'jobs.pause': () => setQueuePaused(core, true),
    'jobs.resume': () => setQueuePaused(core, false),
    'jobs.queueState': () => queueState(core),
    'jobs.preview': ({ id }) => runnerOf(core)?.preview(id) ?? null,
  };
}
