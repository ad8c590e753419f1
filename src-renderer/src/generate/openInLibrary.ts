import { api } from '../api/client';
import { useLibrary } from '../library/libraryStore';
import { useNav } from '../stores/navigation';
import { toastError, useToasts } from '../stores/toasts';

/**
 * Shows one asset in the Library: a search for its file name, then the card focused with its
 * details open once the grid has loaded it. The search stays in the toolbar, to clear by hand.
 */
export async function openInLibrary(assetId: string): Promise<void> {
  let filename: string;
  try {
    filename = (await api.call('assets.get', { id: assetId })).filename;
  } catch (err) {
    return toastError('Could not open the image', err);
  }
  // Words only: a leading "-" would exclude, a "*" would widen the search.
  const words = filename
    .replace(/\.[^.]+$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const lib = useLibrary.getState();
  lib.set({
    filter: words ? { search: words } : {},
    view: lib.view === 'duplicates' ? 'grid' : lib.view,
    detailOpen: true,
    ...(lib.sort.key === 'position' ? { sort: { key: 'added', dir: 'desc' } } : {}),
  });
  // Only a grid loaded after this call counts: the store still holds the last visit's cards.
  const since = useLibrary.getState().generation;
  let finished = false;
  const focus = (): boolean => {
    const s = useLibrary.getState();
    const i = s.generation > since && !s.loading ? s.items.findIndex((x) => x.id === assetId) : -1;
    if (i < 0) return false;
    finish();
    s.set({ focus: i, anchor: i, selected: new Set([assetId]) });
    return true;
  };
  const wasOnLibrary = useNav.getState().page === 'library';
  // The Library reloads as it mounts; wait (a few seconds) for the page that holds the asset.
  const stop = useLibrary.subscribe(() => void (finished || focus()));
  const timer = setTimeout(() => {
    if (finished) return;
    finish();
    useToasts.getState().push({
      kind: 'info',
      title: 'Not in this view of the Library',
      detail: 'It may be in the trash, or its file name matches too many others.',
    });
  }, 6000);
  function finish() {
    finished = true;
    stop();
    clearTimeout(timer);
  }
  useNav.getState().go('library');
  // Already on the page: nothing mounts to reload it.
  if (wasOnLibrary) void useLibrary.getState().reload();
}
