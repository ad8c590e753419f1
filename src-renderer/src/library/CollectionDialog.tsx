import { useId, useState } from 'react';
import type { CollectionInfo } from '@contract/index';
import { api } from '../api/client';
import { TagChips } from '../components/TagChips';
import { Dialog } from '../generate/Dialog';
import { useLibrary } from './libraryStore';

/**
 * Edit a collection from the Library sidebar: rename it, describe it, tag it. The name and
 * description wait for Save; tags are saved as they change.
 */
export function CollectionDialog({
  collection,
  onClose,
}: {
  collection: CollectionInfo;
  onClose: () => void;
}) {
  // The sidebar's copy follows collections.changed: the chips show the tags as saved.
  const live = useLibrary((s) => s.collections.find((c) => c.id === collection.id)) ?? collection;
  const [name, setName] = useState(collection.name);
  const [description, setDescription] = useState(collection.description);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const descriptionId = useId();
  const dirty = name.trim() !== collection.name || description !== collection.description;
  const save = async () => {
    if (!name.trim()) return setError('A collection needs a name.');
    setBusy(true);
    setError(null);
    try {
      await api.call('collections.update', {
        id: collection.id,
        name: name.trim(),
        description,
      });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Edit collection"
      onClose={onClose}
      busy={busy}
      testId="collection-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {dirty ? 'Cancel' : 'Close'}
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void save()}
            disabled={busy || !dirty || !name.trim()}
            data-testid="collection-save"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form
        className="dlg-field"
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty) void save();
        }}
      >
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          data-testid="collection-name"
        />
      </form>
      <div className="dlg-field">
        <label htmlFor={descriptionId}>Description</label>
        <textarea
          id={descriptionId}
          rows={2}
          value={description}
          maxLength={2000}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="collection-description"
        />
      </div>
      <div className="dlg-field">
        <span className="dlg-label">Tags</span>
        <TagChips
          kind="collection"
          id={collection.id}
          tags={live.tags}
          label={`Tags of ${live.name}`}
          placeholder="Add a tag…"
          testId="collection-tags"
        />
        <span className="dlg-hint">
          Enter or a comma adds a tag; tags are saved as you change them.
        </span>
      </div>
      {error && (
        <p className="dlg-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
