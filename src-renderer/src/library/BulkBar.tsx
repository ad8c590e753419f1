import { memo, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { LibIcon } from './LibIcon';
import { usePacks } from '../stores/packs';
import { NewDatasetDialog, type PickedAssets } from '../training/NewDatasetDialog';
import { TrainIcon } from '../training/TrainIcon';
import { TagInput } from './TagInput';
import { LabelPicker } from './colorLabels';
import { useLibrary } from './libraryStore';

/** Shown while several assets are selected: every curation field for all of them at once. */
export const BulkBar = memo(function BulkBar() {
  const {
    selected,
    allMatching,
    curate,
    addTags,
    toTrash,
    restore,
    collections,
    filter,
    clearSelection,
  } = useLibrary(
    useShallow((s) => ({
      selected: s.selected,
      allMatching: s.allMatching,
      curate: s.curate,
      addTags: s.addTags,
      toTrash: s.toTrash,
      restore: s.restore,
      collections: s.collections,
      filter: s.filter,
      clearSelection: s.clearSelection,
    })),
  );
  const [tagging, setTagging] = useState(false);
  const [theme, setTheme] = useState('');
  const [dataset, setDataset] = useState<PickedAssets | null>(null);
  const packs = usePacks((p) => p.packs);
  useEffect(() => {
    if (!usePacks.getState().loaded) void usePacks.getState().load();
  }, []);
  if (!allMatching && selected.size < 2) return null;
  const label = allMatching ? 'All matching assets' : `${selected.size.toLocaleString()} selected`;
  const addToCollection = async (id: string) => {
    const selection = useLibrary.getState().selection();
    if (!selection) return;
    try {
      const r = await api.call('collections.addAssets', { id, selection });
      useToasts
        .getState()
        .push({ kind: 'success', title: `Added ${r.changed.toLocaleString()} to the collection` });
    } catch (err) {
      toastError('Could not add to the collection', err);
    }
  };
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Edit the selection" data-testid="bulk-bar">
      <strong data-testid="bulk-count">{label}</strong>
      {filter.trashed ? (
        <button className="button" onClick={() => void restore()}>
          Restore
        </button>
      ) : (
        <>
          <button
            className="button"
            onClick={() => void curate({ status: 'approved' })}
            data-testid="bulk-approve"
          >
            <LibIcon name="check" /> Approve
          </button>
          <button
            className="button"
            onClick={() => void curate({ status: 'rejected' })}
            data-testid="bulk-reject"
          >
            <LibIcon name="x" /> Reject
          </button>
          <select
            aria-label="Rating for the selection"
            value=""
            onChange={(e) => e.target.value && void curate({ rating: Number(e.target.value) })}
            data-testid="bulk-rating"
          >
            <option value="">Rate…</option>
            {[0, 1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'No rating' : '★'.repeat(n)}
              </option>
            ))}
          </select>
          <button className="button" onClick={() => void curate({ liked: true })}>
            <LibIcon name="heart" /> Like
          </button>
          <LabelPicker
            value={undefined}
            onChange={(colorLabel) => void curate({ colorLabel })}
            testId="bulk-label"
          />
          <select
            aria-label="Provenance for the selection"
            value=""
            onChange={(e) =>
              e.target.value && void curate({ provenance: e.target.value as 'ai_generated' })
            }
          >
            <option value="">Provenance…</option>
            <option value="ai_generated">AI generated</option>
            <option value="user_provided">User provided</option>
            <option value="enhanced">Enhanced</option>
            <option value="derived">Derived</option>
            <option value="unknown">Unknown</option>
          </select>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (theme.trim()) void curate({ theme: theme.trim() });
              setTheme('');
            }}
          >
            <input
              value={theme}
              onChange={(e) => setTheme(e.target.value)}
              onKeyDown={(e) => e.stopPropagation()}
              placeholder="Theme…"
              aria-label="Theme for the selection"
            />
          </form>
          {tagging ? (
            <TagInput
              autoFocus
              onSubmit={(names) => void addTags(names).then(() => setTagging(false))}
              onCancel={() => setTagging(false)}
            />
          ) : (
            <button className="button" onClick={() => setTagging(true)} data-testid="bulk-tag">
              <LibIcon name="tag" /> Tag
            </button>
          )}
          {collections.length > 0 && (
            <select
              aria-label="Add the selection to a collection"
              value=""
              onChange={(e) => e.target.value && void addToCollection(e.target.value)}
            >
              <option value="">Add to collection…</option>
              {collections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
          {packs.length > 0 && (
            <select
              aria-label="Add the selection to a pack"
              value=""
              data-testid="bulk-pack"
              onChange={(e) => {
                const sel = useLibrary.getState().selection();
                if (e.target.value && sel)
                  void usePacks.getState().addSelection(e.target.value, sel);
              }}
            >
              <option value="">Add to pack…</option>
              {packs.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
          <button
            className="button"
            onClick={() => {
              const selection = useLibrary.getState().selection();
              if (selection)
                setDataset({
                  selection,
                  label: allMatching
                    ? 'Every asset matching the Library’s filters'
                    : `${selected.size.toLocaleString()} assets selected in the Library`,
                });
            }}
            data-testid="bulk-make-dataset"
          >
            <TrainIcon name="dataset" size={14} /> Make a dataset…
          </button>
          <button className="button" onClick={() => void toTrash()}>
            <LibIcon name="trash" /> Trash
          </button>
        </>
      )}
      <span className="grow" />
      <button className="icon-button" onClick={clearSelection} aria-label="Clear the selection">
        <LibIcon name="x" />
      </button>
      {dataset && <NewDatasetDialog picked={dataset} onClose={() => setDataset(null)} />}
    </div>
  );
});
