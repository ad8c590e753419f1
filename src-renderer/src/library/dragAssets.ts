import type { LibraryFilterInput, SelectionInput } from '@contract/index';

/**
 * Assets dragged out of the grid carry their ids under a private MIME type, so a drop target can
 * tell them from files dragged in from the desktop (which the window imports instead).
 */
export const ASSETS_MIME = 'application/x-atelier-assets';

/** At most this many ids travel in one drag; "select all" travels as its filter instead. */
export const MAX_DRAGGED = 10_000;

/** What a drag carries: the ids of the cards, or the grid filter when all matching are selected. */
export type DraggedAssets = { ids: string[] } | { query: LibraryFilterInput };

export function startAssetDrag(e: React.DragEvent, what: DraggedAssets): void {
  e.dataTransfer.effectAllowed = 'copy';
  if ('query' in what) {
    e.dataTransfer.setData(ASSETS_MIME, JSON.stringify(what));
    e.dataTransfer.setData('text/plain', 'all matching assets');
    e.dataTransfer.setDragImage(dragBadge('All'), 18, 18);
    return;
  }
  const ids = what.ids.slice(0, MAX_DRAGGED);
  e.dataTransfer.setData(ASSETS_MIME, JSON.stringify({ ids }));
  e.dataTransfer.setData('text/plain', `${ids.length} asset${ids.length === 1 ? '' : 's'}`);
  if (ids.length > 1) e.dataTransfer.setDragImage(dragBadge(ids.length.toLocaleString()), 18, 18);
}

export function isAssetDrag(e: React.DragEvent): boolean {
  return e.dataTransfer.types.includes(ASSETS_MIME);
}

/** What was dropped, as a selection the api takes, or null when the drop is not ours. */
export function droppedAssets(e: React.DragEvent): SelectionInput | null {
  const raw = e.dataTransfer.getData(ASSETS_MIME);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { ids?: unknown; query?: unknown };
    if (Array.isArray(v.ids) && v.ids.length > 0 && v.ids.every((x) => typeof x === 'string'))
      return { ids: v.ids };
    if (v.query && typeof v.query === 'object') return { query: v.query as LibraryFilterInput };
    return null;
  } catch {
    return null;
  }
}

let badge: HTMLDivElement | null = null;
/** A small "12" (or "All") pill under the pointer: the browser's default ghost would show only one card. */
function dragBadge(label: string): HTMLElement {
  if (!badge) {
    badge = document.createElement('div');
    badge.className = 'drag-badge';
    // The drag image must be in the document when the drag starts; off-screen keeps it unseen.
    badge.style.cssText = 'position:fixed;top:-100px;left:-100px;';
    document.body.appendChild(badge);
  }
  badge.textContent = label;
  return badge;
}
