import { useState } from 'react';
import { useTraining } from './trainingStore';

const FIRST = 24;

/** How many captions hold each tag; a tag clicked is what the find bar looks for. */
export function TagPanel() {
  const tags = useTraining((s) => s.tags);
  const find = useTraining((s) => s.find);
  const [all, setAll] = useState(false);
  if (!tags) return null;
  const shown = all ? tags : tags.slice(0, FIRST);
  return (
    <section className="trn-side-card" aria-labelledby="trn-tags-title" data-testid="tag-panel">
      <header className="trn-side-head">
        <h3 id="trn-tags-title">Tags</h3>
        <span className="muted trn-side-note">{tags.length.toLocaleString()} in the captions</span>
      </header>
      {tags.length === 0 ? (
        <p className="muted">No captions yet.</p>
      ) : (
        <ul className="trn-tags" aria-label="Tags by frequency">
          {shown.map((t) => {
            const on = find.wholeTag && find.find.toLowerCase() === t.tag.toLowerCase();
            return (
              <li key={t.tag}>
                <button
                  type="button"
                  className={`trn-tag${on ? ' on' : ''}`}
                  aria-pressed={on}
                  title={`In ${t.count} captions: find it`}
                  onClick={() => {
                    useTraining.getState().setFind({ find: t.tag, wholeTag: true });
                    document.getElementById('trn-replace')?.focus();
                  }}
                  data-testid="tag-chip"
                  data-tag={t.tag}
                >
                  <span className="trn-tag-name">{t.tag}</span>
                  <span className="trn-tag-count">{t.count}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {tags.length > FIRST && (
        <button type="button" className="button ghost small" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${tags.length.toLocaleString()}`}
        </button>
      )}
    </section>
  );
}
