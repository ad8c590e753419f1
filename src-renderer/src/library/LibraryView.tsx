import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { ArrivalsPill } from './ArrivalsPill';
import { AssetCard } from './AssetCard';
import { BulkBar } from './BulkBar';
import { CompareView } from './CompareView';
import { DetailPanel } from './DetailPanel';
import { DuplicatesView } from './DuplicatesView';
import { EmptySearch } from './EmptySearch';
import { LibIcon } from './LibIcon';
import { ListView } from './ListView';
import { QuickLook, ReviewMode, ShortcutSheet } from './ReviewMode';
import { Sidebar } from './Sidebar';
import { TagDialog } from './TagDialog';
import { Toolbar } from './Toolbar';
import { VirtualGrid, type GridLayout } from './VirtualGrid';
import { useLayout } from './layoutPrefs';
import { pageSize, subscribeLibraryEvents, useLibrary } from './libraryStore';
import { useLibraryKeys } from './useLibraryKeys';
import './library.css';

/**
 * The Library: filter sidebar, toolbar with search, a windowed grid or list over keyset pages,
 * the detail panel, review mode and keyboard curation. Mount it where the library page goes.
 */
export function LibraryView() {
  const s = useLibrary();
  const columns = useRef(1);
  const [tagging, setTagging] = useState(false);
  const searchRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void useLibrary.getState().reload();
    void useLibrary.getState().refreshSidebar();
    return subscribeLibraryEvents();
  }, []);

  const gridMode = useLayout((l) => l.gridMode);
  const aspect = useCallback((i: number) => {
    const item = useLibrary.getState().items[i];
    return item?.width && item.height ? item.width / item.height : 1;
  }, []);
  const onLayout = useCallback((l: GridLayout) => {
    columns.current = l.columns;
  }, []);
  const openTagger = useCallback(() => setTagging(true), []);
  const focusSearch = useCallback(() => searchRef.current?.querySelector('input')?.focus(), []);
  useLibraryKeys(columns, openTagger, focusSearch);

  const onClick = useCallback((index: number, e: React.MouseEvent) => {
    useLibrary.getState().click(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
  }, []);
  const onOpen = useCallback((index: number) => {
    useLibrary.getState().click(index, { shift: false, toggle: false });
    useLibrary.getState().set({ review: true });
  }, []);
  const loadMore = useCallback(() => void useLibrary.getState().loadMore(), []);

  const focused = s.items[s.focus] ?? null;
  const empty = !s.loading && s.items.length === 0;
  const emptyMessage = s.filter.trashed
    ? 'The trash is empty.'
    : Object.keys(s.filter).length
      ? 'Nothing matches these filters.'
      : 'Your library is empty. Add a watch folder in Settings, or drop files onto the window.';

  return (
    <div className="library-view" data-testid="library-view">
      <Sidebar />
      <div className="lib-main">
        {s.view === 'duplicates' ? (
          <DuplicatesView />
        ) : (
          <>
            <div ref={searchRef}>
              <Toolbar />
            </div>
            {s.filter.trashed && s.items.length > 0 && <TrashBar />}
            <BulkBar />
            <div className="arrivals-anchor">
              <ArrivalsPill />
            </div>
            {s.view === 'grid' ? (
              <VirtualGrid
                count={s.items.length}
                cellSize={s.thumbSize}
                mode={gridMode}
                aspect={aspect}
                layoutKey={s.items}
                footer={28}
                gap={10}
                focus={s.focus}
                onNearEnd={loadMore}
                aheadCells={pageSize}
                onLayout={onLayout}
                testId="asset-grid"
                empty={empty && <EmptySearch fallback={<Empty message={emptyMessage} />} />}
                renderCell={(i, width, loadPicture) => {
                  const item = s.items[i]!;
                  return (
                    <AssetCard
                      item={item}
                      index={i}
                      width={width}
                      selected={s.selected.has(item.id)}
                      focused={i === s.focus}
                      onClick={onClick}
                      onOpen={onOpen}
                      loadPicture={loadPicture}
                    />
                  );
                }}
              />
            ) : (
              <>
                {empty && <EmptySearch fallback={<Empty message={emptyMessage} />} />}
                <ListView
                  items={s.items}
                  selected={s.selected}
                  focus={s.focus}
                  onClick={onClick}
                  onOpen={onOpen}
                  onNearEnd={loadMore}
                />
              </>
            )}
          </>
        )}
      </div>
      {s.view !== 'duplicates' && s.detailOpen && <DetailPanel item={focused} />}
      {s.review && focused && <ReviewMode item={focused} index={s.focus} total={s.items.length} />}
      {s.compare && <CompareView ids={s.compare} />}
      {s.quickLook && focused && !s.review && <QuickLook item={focused} />}
      {s.shortcuts && <ShortcutSheet />}
      {tagging && <TagDialog onClose={() => setTagging(false)} />}
      <button
        className="shortcut-hint icon-button"
        onClick={() => s.set({ shortcuts: true })}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
      >
        <LibIcon name="keyboard" />
      </button>
    </div>
  );
}

function Empty({ message }: { message: string }) {
  return (
    <div className="lib-empty">
      <LibIcon name="image" size={32} />
      <p>{message}</p>
    </div>
  );
}

function TrashBar() {
  const [confirming, setConfirming] = useState(false);
  const [deleteFiles, setDeleteFiles] = useState(false);
  const empty = async () => {
    try {
      const r = await api.call(
        'trash.empty',
        deleteFiles ? { deleteFiles: true, confirm: 'delete files' } : {},
      );
      useToasts.getState().push({
        kind: r.fileErrors.length ? 'error' : 'success',
        title: `Removed ${r.removed.toLocaleString()} from the library`,
        detail: deleteFiles
          ? `${r.filesDeleted} files deleted${r.fileErrors.length ? `, ${r.fileErrors.length} could not be: ${r.fileErrors[0]!.reason}` : ''}`
          : 'Files were left on disk',
      });
      setConfirming(false);
    } catch (err) {
      toastError('Could not empty the trash', err);
    }
  };
  return (
    <div className="trash-bar">
      {confirming ? (
        <>
          <span>Remove everything in the trash from the library? This cannot be undone.</span>
          <label className="check">
            <input
              type="checkbox"
              checked={deleteFiles}
              onChange={(e) => setDeleteFiles(e.target.checked)}
            />
            Also delete the files from disk
          </label>
          <button className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button
            className="button danger"
            onClick={() => void empty()}
            data-testid="confirm-empty-trash"
          >
            {deleteFiles ? 'Remove and delete files' : 'Remove from library'}
          </button>
        </>
      ) : (
        <>
          <span className="muted">
            Trashed assets keep their curation until the trash is emptied. Select and press Restore
            to bring them back.
          </span>
          <span className="grow" />
          <button className="button" onClick={() => setConfirming(true)} data-testid="empty-trash">
            Empty trash…
          </button>
        </>
      )}
    </div>
  );
}
