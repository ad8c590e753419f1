import { useState } from 'react';
import { Dialog } from '../components/Dialog';
import { useLibrary } from './libraryStore';
import { TagInput } from './TagInput';
import './culling.css';

/**
 * T: tag the selection. Enter adds the typed tag and keeps the dialog open for the next one
 * (three tags, three Enters); Escape or Done closes it. Its keys never reach the Library's
 * shortcuts (Dialog stops them, and the Library's keys stand down while it is open).
 */
export function TagDialog({ onClose }: { onClose: () => void }) {
  const [added, setAdded] = useState<string[]>([]);
  const count = useLibrary((s) => s.selectionCount());
  const all = useLibrary((s) => s.allMatching);
  const what = all ? 'all matching assets' : `${count} asset${count === 1 ? '' : 's'}`;
  return (
    <Dialog
      title={`Tag ${what}`}
      onClose={onClose}
      testId="tag-dialog"
      footer={
        <button type="button" className="button primary" onClick={onClose} data-testid="tag-done">
          Done
        </button>
      }
    >
      <TagInput
        autoFocus
        onSubmit={(names) => {
          const fresh = names.filter((n) => !added.includes(n));
          setAdded((a) => [...a, ...fresh]);
          void useLibrary
            .getState()
            .addTags(names, { quiet: true })
            .then((ok) => !ok && setAdded((a) => a.filter((n) => !fresh.includes(n))));
        }}
        onCancel={onClose}
      />
      <div className="tag-dialog-added" aria-live="polite" data-testid="tag-dialog-added">
        {added.length === 0 ? (
          <span className="muted small">No tags added yet.</span>
        ) : (
          added.map((n) => (
            <span key={n} className="tag-chip on" data-testid="tag-dialog-chip">
              {n}
            </span>
          ))
        )}
      </div>
      <p className="ui-dialog-hint">
        Enter adds · Tab completes · commas separate several tags · Esc or Done closes
      </p>
    </Dialog>
  );
}
