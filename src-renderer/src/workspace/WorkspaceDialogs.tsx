import { useEffect, useState } from 'react';
import type { CollectionInfo, WorkspaceItemInfo } from '@contract/index';
import { api } from '../api/client';
import { Dialog } from '../generate/Dialog';
import { initFromWorkspaceItem } from '../generate/remix';
import { useWorkspace } from './workspaceStore';

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "Keep selected": tags (a comma list) and a collection for the images that become assets. */
export function KeepDialog({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const [tags, setTags] = useState('');
  const [collectionId, setCollectionId] = useState('');
  const [collections, setCollections] = useState<CollectionInfo[] | null>(null);
  const busy = useWorkspace((s) => s.busy);
  useEffect(() => {
    let live = true;
    api.call('collections.list', {}).then(
      (c) => live && setCollections(c),
      () => live && setCollections([]),
    );
    return () => {
      live = false;
    };
  }, []);
  const tagList = [
    ...new Set(
      tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  const keep = async () => {
    const kept = await useWorkspace.getState().keep(ids, tagList, collectionId || undefined);
    if (kept) onClose();
  };
  return (
    <Dialog
      title={`Keep ${plural(ids.length, 'image', 'images')}`}
      onClose={onClose}
      busy={busy}
      testId="ws-keep-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void keep()}
            disabled={busy}
            data-testid="ws-keep-confirm"
          >
            {busy ? 'Keeping…' : `Keep ${plural(ids.length, 'image', 'images')}`}
          </button>
        </>
      }
    >
      <p>
        They become Library assets, with their prompt, seed, model and the order they came from.
      </p>
      <div className="dlg-field">
        <label htmlFor="ws-keep-tags">Tags</label>
        <input
          id="ws-keep-tags"
          value={tags}
          placeholder="portfolio, lighthouse"
          onChange={(e) => setTags(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void keep();
            }
          }}
          data-testid="ws-keep-tags"
        />
        <span className="dlg-hint">
          {tagList.length
            ? `${plural(tagList.length, 'tag', 'tags')}: ${tagList.join(' · ')}`
            : 'Separate tags with commas; optional.'}
        </span>
      </div>
      <div className="dlg-field">
        <label htmlFor="ws-keep-collection">Collection</label>
        <select
          id="ws-keep-collection"
          value={collectionId}
          onChange={(e) => setCollectionId(e.target.value)}
          disabled={collections === null}
          data-testid="ws-keep-collection"
        >
          <option value="">{collections === null ? 'Loading…' : 'No collection'}</option>
          {collections?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.assetCount.toLocaleString()})
            </option>
          ))}
        </select>
      </div>
    </Dialog>
  );
}

/** "Discard selected": the files are deleted, so it asks first. */
export function DiscardDialog({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const busy = useWorkspace((s) => s.busy);
  return (
    <Dialog
      title={`Discard ${plural(ids.length, 'image', 'images')}?`}
      onClose={onClose}
      busy={busy}
      testId="ws-discard-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button danger"
            onClick={() =>
              void useWorkspace
                .getState()
                .discard(ids)
                .then((ok) => ok && onClose())
            }
            disabled={busy}
            data-autofocus
            data-testid="ws-discard-confirm"
          >
            {busy ? 'Discarding…' : `Discard ${plural(ids.length, 'image', 'images')}`}
          </button>
        </>
      }
    >
      <p>Their files are deleted from the Workspace. This cannot be undone.</p>
    </Dialog>
  );
}

/** An init image must be a Library asset: a staged image is kept first, when the creator agrees. */
export function KeepToUseDialog({
  item,
  onClose,
}: {
  item: WorkspaceItemInfo;
  onClose: () => void;
}) {
  const busy = useWorkspace((s) => s.busy);
  const go = async () => {
    const kept = await useWorkspace.getState().keep([item.id]);
    if (!kept?.[0]) return;
    onClose();
    await initFromWorkspaceItem(item, kept[0]);
  };
  return (
    <Dialog
      title="Keep it to use it?"
      onClose={onClose}
      busy={busy}
      testId="ws-init-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void go()}
            disabled={busy}
            data-autofocus
            data-testid="ws-init-keep"
          >
            {busy ? 'Keeping…' : 'Keep and use as init image'}
          </button>
        </>
      }
    >
      <p>
        An init image comes from the Library. Keeping this image makes it a Library asset; then it
        opens in Generate as the init image, with its prompt and settings.
      </p>
    </Dialog>
  );
}
