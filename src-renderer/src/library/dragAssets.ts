/**
 * Assets dragged out of the grid carry their ids under a private MIME type, so a drop target can
 * tell them from files dragged in from the desktop (which the window imports instead).
 */
export const ASSETS_MIME = 'application/x-atelier-assets';

/** At most this many ids travel in one drag; bigger selections use the bulk bar's "Add to pack". */
export const MAX_DRAGGED = 10_000;

export function startAssetDrag(e: React.DragEvent, ids: string[]): void {
  const list = ids.slice(0, MAX_DRAGGED);
  e.dataTransfer.effectAllowed = 'copy';
  e.dataTransfer.setData(ASSETS_MIME, JSON.stringify(list));
  e.dataTransfer.setData('text/plain', `${list.length} asset${list.length === 1 ? '' : 's'}`);
  if (list.length > 1) e.dataTransfer.setDragImage(dragBadge(list.length), 18, 18);
}

export function isAssetDrag(e: React.DragEvent): boolean {
  return e.dataTransfer.types.includes(ASSETS_MIME);
}

/** The ids of a drop, or null when the drop is not assets (or its payload is not ours). */
export function droppedAssets(e: React.DragEvent): string[] | null {
  const raw = e.dataTransfer.getData(ASSETS_MIME);
  if (!raw) return null;
  try {
    const ids: unknown = JSON.parse(raw);
    return Array.isArray(ids) && ids.every((x) => typeof x === 'string') ? (ids as string[]) : null;
  } catch {
    return null;
  }
}

let badge: HTMLDivElement | null = null;
/** A small "12" pill under the pointer: the browser's default ghost would show only one card. */
function dragBadge(count: number): HTMLElement {
  if (!badge) {
    badge = document.createElement('div');
    badge.className = 'drag-badge';
    // The drag image must be in the document when the drag starts; off-screen keeps it unseen.
    badge.style.cssText = 'position:fixed;top:-100px;left:-100px;';
    document.body.appendChild(badge);
  }
  badge.textContent = count.toLocaleString();
  return badge;
}
