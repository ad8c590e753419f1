import { memo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CollectionInfo, LibraryFilterInput, SelectionInput } from '@contract/index';
import { api } from '../api/client';
import { promptDialog } from '../components/DialogPrompts';
import { toastError, useToasts } from '../stores/toasts';
import { CollectionDialog } from './CollectionDialog';
import { droppedAssets, isAssetDrag } from './dragAssets';
import { SidebarFolders } from './SidebarFolders';
import { SidebarPacks } from './SidebarPacks';
import { LibIcon } from './LibIcon';
import { useLibrary } from './libraryStore';
import { useLayout } from './layoutPrefs';

function Item({
  label,
  count,
  active,
  onClick,
  icon,
  color,
  coverId,
  testId,
}: {
  label: string;
  count?: number;
  active: boolean;
  onClick(): void;
  icon?: string;
  color?: string | null;
  /** An asset whose small thumbnail stands in for the icon (a collection's cover). */
  coverId?: string | null;
  testId?: string;
}) {
  return (
    <button
      className={`lib-side-item${active ? ' active' : ''}`}
      onClick={onClick}
      data-testid={testId}
      aria-pressed={active}
    >
      {coverId ? (
        <img
          className="side-cover"
          src={api.mediaUrl(coverId, 'thumb-small')}
          alt=""
          draggable={false}
        />
      ) : color !== undefined ? (
        <span className="tag-dot" style={{ background: color ?? 'var(--text-muted)' }} />
      ) : icon ? (
        <LibIcon name={icon} />
      ) : null}
      <span className="grow">{label}</span>
      {count !== undefined && <span className="count">{count.toLocaleString()}</span>}
    </button>
  );
}

const pushToast = (t: Parameters<ReturnType<typeof useToasts.getState>['push']>[0]) =>
  useToasts.getState().push(t);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The library's own sidebar: status and type shortcuts with live counts, saved searches, collections, tags. */
export const Sidebar = memo(function Sidebar() {
  // Only the fields it shows: a page of grid items arriving must not re-render the sidebar.
  const { counts, filter, setFilter, savedSearches, collections, tags, view, setView } = useLibrary(
    useShallow((s) => ({
      counts: s.counts,
      filter: s.filter,
      setFilter: s.setFilter,
      savedSearches: s.savedSearches,
      collections: s.collections,
      tags: s.tags,
      view: s.view,
      setView: s.setView,
    })),
  );
  const [dragId, setDragId] = useState<string | null>(null);
  const [assetOver, setAssetOver] = useState<string | null>(null);
  const [editing, setEditing] = useState<CollectionInfo | null>(null);
  // Collapsed ([ or the toolbar's button) while browsing; the duplicates view keeps it, as the way back.
  const open = useLayout((l) => l.sidebarOpen);
  if (!open && view !== 'duplicates') return null;
  const only = (f: LibraryFilterInput) => {
    if (view === 'duplicates') setView('grid');
    setFilter(f, true);
  };
  const isOnly = (f: LibraryFilterInput) => view !== 'duplicates' && same(filter, f);
  // Filters over assets: a tag only on projects, collections or orders (or on none any more)
  // would show an empty grid, unless it is the filter now on.
  const assetTags = tags.filter((t) => t.usageCount > 0 || filter.tags?.includes(t.id));
  const newCollection = async () => {
    const name = await promptDialog({ title: 'New collection', label: 'Name' });
    if (!name?.trim()) return;
    try {
      await api.call('collections.create', { name: name.trim() });
    } catch (err) {
      toastError('Could not create the collection', err);
    }
  };
  const addToCollection = async (id: string, selection: SelectionInput) => {
    try {
      const r = await api.call('collections.addAssets', { id, selection });
      const name = collections.find((c) => c.id === id)?.name ?? 'the collection';
      pushToast({ kind: 'success', title: `Added ${r.changed.toLocaleString()} to ${name}` });
    } catch (err) {
      toastError('Could not add to the collection', err);
    }
  };
  const dropCollection = async (targetId: string) => {
    if (!dragId || dragId === targetId) return;
    const ids = collections.map((c) => c.id).filter((id) => id !== dragId);
    ids.splice(ids.indexOf(targetId), 0, dragId);
    setDragId(null);
    try {
      await api.call('collections.reorder', { ids });
    } catch (err) {
      toastError('Could not reorder', err);
    }
  };
  return (
    <aside className="lib-sidebar" aria-label="Library filters">
      <div className="lib-side-group">
        <Item
          label="All assets"
          icon="grid"
          count={counts?.total}
          active={isOnly({})}
          onClick={() => only({})}
          testId="side-all"
        />
        <Item
          label="To review"
          icon="inbox"
          count={counts?.byStatus.pending}
          active={isOnly({ statuses: ['pending'] })}
          onClick={() => only({ statuses: ['pending'] })}
          testId="side-pending"
        />
        <Item
          label="Approved"
          icon="check"
          count={counts?.byStatus.approved}
          active={isOnly({ statuses: ['approved'] })}
          onClick={() => only({ statuses: ['approved'] })}
          testId="side-approved"
        />
        <Item
          label="Rejected"
          icon="x"
          count={counts?.byStatus.rejected}
          active={isOnly({ statuses: ['rejected'] })}
          onClick={() => only({ statuses: ['rejected'] })}
          testId="side-rejected"
        />
        <Item
          label="Liked"
          icon="heart"
          count={counts?.liked}
          active={isOnly({ liked: true })}
          onClick={() => only({ liked: true })}
          testId="side-liked"
        />
      </div>
      <div className="lib-side-group">
        <h3>Type</h3>
        <Item
          label="Images"
          icon="image"
          count={counts?.byType.image}
          active={isOnly({ types: ['image'] })}
          onClick={() => only({ types: ['image'] })}
        />
        <Item
          label="Audio"
          icon="audio"
          count={counts?.byType.audio}
          active={isOnly({ types: ['audio'] })}
          onClick={() => only({ types: ['audio'] })}
        />
        <Item
          label="Video"
          icon="video"
          count={counts?.byType.video}
          active={isOnly({ types: ['video'] })}
          onClick={() => only({ types: ['video'] })}
        />
        {/* Only where there are some: most libraries hold pictures and sounds alone. */}
        {(counts?.byType.subtitles ?? 0) > 0 && (
          <Item
            label="Subtitles"
            icon="subtitles"
            testId="side-subtitles"
            count={counts?.byType.subtitles}
            active={isOnly({ types: ['subtitles'] })}
            onClick={() => only({ types: ['subtitles'] })}
          />
        )}
      </div>
      <SidebarFolders filter={view === 'duplicates' ? null : filter} onPick={only} />
      {savedSearches.length > 0 && (
        <div className="lib-side-group">
          <h3>Saved searches</h3>
          {savedSearches.map((s) => (
            <div key={s.id} className="lib-side-row">
              <Item
                label={s.name}
                icon="bookmark"
                count={counts?.savedSearches.find((c) => c.id === s.id)?.count}
                active={isOnly(s.filter as LibraryFilterInput)}
                onClick={() => {
                  useLibrary.getState().set({ sort: s.sort });
                  only(s.filter as LibraryFilterInput);
                }}
                testId="side-saved"
              />
              <button
                className="icon-button side-remove"
                title={`Delete “${s.name}”`}
                onClick={() =>
                  void api
                    .call('savedSearches.delete', { id: s.id })
                    .catch((e) => toastError('Could not delete', e))
                }
              >
                <LibIcon name="x" size={12} />
              </button>
            </div>
          ))}
        </div>
      )}
      <div className="lib-side-group">
        <h3>
          Collections
          <button
            className="icon-button"
            title="New collection"
            onClick={() => void newCollection()}
            data-testid="new-collection"
          >
            <LibIcon name="plus" size={14} />
          </button>
        </h3>
        {collections.length === 0 && (
          <p className="side-hint">Select assets and add them to a collection.</p>
        )}
        {collections.map((c) => (
          <div
            key={c.id}
            draggable
            onDragStart={() => setDragId(c.id)}
            onDragEnd={() => setDragId(null)}
            onDragEnter={(e) => isAssetDrag(e) && setAssetOver(c.id)}
            onDragOver={(e) => e.preventDefault()}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null))
                setAssetOver((o) => (o === c.id ? null : o));
            }}
            onDrop={(e) => {
              e.preventDefault();
              const dropped = droppedAssets(e);
              setAssetOver(null);
              if (dropped) void addToCollection(c.id, dropped);
              else void dropCollection(c.id);
            }}
            className={`lib-side-row${dragId === c.id ? ' dragging' : ''}${assetOver === c.id ? ' drop-over' : ''}`}
            data-testid="side-collection"
            data-collection-id={c.id}
          >
            <Item
              label={c.name}
              icon="folder"
              coverId={c.coverAssetId}
              count={c.assetCount}
              active={view !== 'duplicates' && filter.collectionId === c.id}
              onClick={() => {
                useLibrary.getState().set({ sort: { key: 'position', dir: 'asc' } });
                only({ collectionId: c.id });
              }}
            />
            <button
              className="icon-button side-edit"
              title={
                c.tags.length ? `Edit “${c.name}” · tags: ${c.tags.join(', ')}` : `Edit “${c.name}”`
              }
              aria-label={`Edit collection ${c.name}`}
              onClick={() => setEditing(c)}
              data-testid="side-collection-edit"
            >
              <LibIcon name="edit" size={13} />
            </button>
          </div>
        ))}
        {editing && <CollectionDialog collection={editing} onClose={() => setEditing(null)} />}
      </div>
      <SidebarPacks />
      {assetTags.length > 0 && (
        <div className="lib-side-group">
          <h3>Tags</h3>
          <div className="tag-cloud">
            {assetTags.slice(0, 40).map((t) => {
              const on = filter.tags?.includes(t.id) ?? false;
              return (
                <button
                  key={t.id}
                  className={`tag-chip${on ? ' on' : ''}`}
                  style={{ ['--tag' as string]: t.color ?? 'var(--text-muted)' }}
                  onClick={() =>
                    setFilter({
                      tags: on
                        ? filter.tags!.filter((x) => x !== t.id)
                        : [...(filter.tags ?? []), t.id],
                    })
                  }
                  aria-pressed={on}
                  data-testid="tag-chip"
                >
                  {t.name} <span className="count">{t.usageCount}</span>
                </button>
              );
            })}
          </div>
        </div>
      )}
      <div className="lib-side-group">
        <h3>Clean up</h3>
        <Item
          label="Duplicates"
          icon="dup"
          active={view === 'duplicates'}
          onClick={() => setView('duplicates')}
          testId="side-duplicates"
        />
        <Item
          label="Missing files"
          icon="warning"
          count={counts?.missing}
          active={isOnly({ missing: true })}
          onClick={() => only({ missing: true })}
        />
        <Item
          label="Trash"
          icon="trash"
          count={counts?.trash}
          active={isOnly({ trashed: true })}
          onClick={() => only({ trashed: true })}
          testId="side-trash"
        />
      </div>
    </aside>
  );
});
