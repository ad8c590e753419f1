import type { Atelier } from '../app/atelier';

/** Above this many ids an event says "many" (null) and windows refetch instead. */
export const maxListedIds = 500;

/** `ids` null means "more than can be listed": windows refetch what they show. */
export function notifyCurated(
  core: Atelier,
  ids: readonly string[] | null,
  fields: string[],
): void {
  if (ids && !ids.length) return;
  core.events.emit('assets.curated', {
    ids: ids && ids.length <= maxListedIds ? [...ids] : null,
    fields,
  });
  // Status and counts show per-status totals, trash and so on.
  core.events.emit('status.changed', { reason: 'curation' });
}

export function notifyLibraryChanged(core: Atelier, reason: string): void {
  core.events.emit('library.changed', { reason });
  core.events.emit('status.changed', { reason });
}
