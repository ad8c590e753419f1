import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import { statements } from '../db/statements';

const kinds = new Set(['subtitles', 'audio_translation', 'video_translation']);

/** Every change of a localisation's job becomes `localize.changed` for it. */
export function startLocalizeEvents(core: Atelier): Disposable {
  const off = core.events.on('jobs.changed', ({ job }) => {
    if (!kinds.has(job.kind)) return;
    const row = statements(core.sqlite)
      .get(`SELECT id FROM localizations WHERE job_id = ?`)
      .get(job.id) as { id: string } | undefined;
    if (row) core.events.emit('localize.changed', { id: row.id });
  });
  return { dispose: off };
}
