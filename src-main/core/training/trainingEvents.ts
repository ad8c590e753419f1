import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import { statements } from '../db/statements';

/**
 * A run's state is its job's: every change of a training job (started, finished, failed,
 * cancelled from the Jobs page) becomes `trainings.changed` for its run.
 */
export function startTrainingEvents(core: Atelier): Disposable {
  const off = core.events.on('jobs.changed', ({ job }) => {
    if (job.kind !== 'train_lora') return;
    const row = statements(core.sqlite)
      .get(`SELECT id FROM trainings WHERE job_id = ?`)
      .get(job.id) as { id: string } | undefined;
    if (row) core.events.emit('trainings.changed', { id: row.id });
  });
  return { dispose: off };
}
