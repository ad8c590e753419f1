import { useLibrary } from './libraryStore';
import './culling.css';

/**
 * "20 new": assets that arrived while the creator worked, held out of the list so nothing
 * moved under them. A click puts them in and focuses the first of them.
 */
export function ArrivalsPill() {
  const count = useLibrary((s) => s.arrived.length);
  if (!count) return null;
  return (
    <button
      type="button"
      className="arrivals-pill"
      data-testid="arrivals-pill"
      title="Show the assets that arrived while you worked"
      onClick={(e) => {
        e.stopPropagation();
        (e.currentTarget as HTMLElement).blur();
        void useLibrary.getState().showArrivals();
      }}
    >
      <span className="dot" aria-hidden="true" />
      {count.toLocaleString()} new
    </button>
  );
}
