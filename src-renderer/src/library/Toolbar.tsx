import { memo, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FacetValues, LibraryFilterInput, SortKey } from '@contract/index';
import { api } from '../api/client';
import { promptDialog } from '../components/DialogPrompts';
import { toastError, useToasts } from '../stores/toasts';
import { BrowseFilterFields, FilterChips } from './BrowseFilters';
import { ImportButton } from './ImportButton';
import { LibIcon } from './LibIcon';
import { StackToggle } from './StackToggle';
import { toggleDetail, useLayout } from './layoutPrefs';
import { useLibrary } from './libraryStore';

const sortLabels: Record<SortKey, string> = {
  added: 'Date added',
  created: 'Date created',
  name: 'Name',
  rating: 'Rating',
  size: 'File size',
  duration: 'Duration',
  position: 'Collection order',
};

/** Outline glyphs the toolbar needs beyond LibIcon's: the two panels and the justified grid. */
const glyphs = {
  sidebar: 'M4 5h16v14H4zM9.5 5v14',
  detail: 'M4 5h16v14H4zM14.5 5v14',
  justified: 'M4 5h9v6H4zM15 5h5v6h-5zM4 13h5v6H4zM11 13h9v6h-9z',
} as const;

function Glyph({ name }: { name: keyof typeof glyphs }) {
  return (
    <svg
      width={16}
      height={16}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.7}
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={glyphs[name]} />
    </svg>
  );
}

/**
 * Search box (debounced), sort, view and size, and the less common filters in a panel; the
 * panels' toggles and Import. Three groups that wrap as units when the window is narrow: find
 * (with Import and the detail toggle beside it), then the view controls on a row of their own.
 */
export const Toolbar = memo(function Toolbar() {
  const {
    filter,
    sort,
    setFilter,
    setSort,
    view,
    setView,
    thumbSize,
    setThumbSize,
    itemCount,
    done,
    detailOpen,
  } = useLibrary(
    useShallow((s) => ({
      filter: s.filter,
      sort: s.sort,
      setFilter: s.setFilter,
      setSort: s.setSort,
      view: s.view,
      setView: s.setView,
      thumbSize: s.thumbSize,
      setThumbSize: s.setThumbSize,
      itemCount: s.items.length,
      done: s.done,
      detailOpen: s.detailOpen,
    })),
  );
  const { sidebarOpen, toggleSidebar, gridMode, setGridMode } = useLayout(
    useShallow((l) => ({
      sidebarOpen: l.sidebarOpen,
      toggleSidebar: l.toggleSidebar,
      gridMode: l.gridMode,
      setGridMode: l.setGridMode,
    })),
  );
  const [text, setText] = useState(filter.search ?? '');
  const [open, setOpen] = useState(false);
  useEffect(() => setText(filter.search ?? ''), [filter.search]);
  useEffect(() => {
    if ((filter.search ?? '') === text.trim()) return;
    const t = setTimeout(() => setFilter({ search: text.trim() || undefined }), 160);
    return () => clearTimeout(t);
  }, [text, filter.search, setFilter]);
  const extra = countExtraFilters(filter);
  const saveSearch = async () => {
    const name = await promptDialog({
      title: 'Save this search',
      label: 'Name',
      confirmLabel: 'Save',
    });
    if (!name?.trim()) return;
    try {
      await api.call('savedSearches.save', { name: name.trim(), filter, sort });
      useToasts
        .getState()
        .push({ kind: 'success', title: 'Saved search added', detail: name.trim() });
    } catch (err) {
      toastError('Could not save the search', err);
    }
  };
  return (
    <div className="lib-toolbar">
      <div className="tb-group tb-find">
        <button
          className={`icon-button panel-toggle${sidebarOpen ? ' on' : ''}`}
          onClick={toggleSidebar}
          aria-pressed={sidebarOpen}
          aria-label="Filter sidebar"
          title={sidebarOpen ? 'Hide the sidebar ( [ )' : 'Show the sidebar ( [ )'}
          data-testid="toggle-sidebar"
        >
          <Glyph name="sidebar" />
        </button>
        <label className="search-box">
          <LibIcon name="search" />
          <input
            type="search"
            placeholder="Search prompts, names, tags…"
            title='word* for a prefix, -word to exclude, "a phrase", a OR b'
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
              if (e.key === 'Enter') setFilter({ search: text.trim() || undefined });
            }}
            aria-label="Search the library"
            data-testid="library-search"
          />
        </label>
        {filter.projectId && <ProjectChip id={filter.projectId} />}
        <button
          className={`button${extra ? ' primary' : ''}`}
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          data-testid="filters-button"
        >
          Filters{extra ? ` · ${extra}` : ''}
        </button>
        <button
          className="button ghost"
          onClick={() => void saveSearch()}
          title="Save this search in the sidebar"
          aria-label="Save this search"
          data-testid="save-search"
        >
          <LibIcon name="bookmark" />
        </button>
      </div>
      <div className="tb-group tb-view">
        <span className="muted shown" data-testid="shown-count">
          {itemCount.toLocaleString()}
          {done ? '' : '+'} shown
        </span>
        <select
          aria-label="Sort by"
          value={sort.key}
          onChange={(e) =>
            setSort({
              key: e.target.value as SortKey,
              dir: e.target.value === 'name' ? 'asc' : 'desc',
            })
          }
          data-testid="sort-key"
        >
          {(Object.keys(sortLabels) as SortKey[])
            .filter((k) => k !== 'position' || filter.collectionId)
            .map((k) => (
              <option key={k} value={k}>
                {sortLabels[k]}
              </option>
            ))}
        </select>
        <button
          className="icon-button"
          onClick={() => setSort({ ...sort, dir: sort.dir === 'asc' ? 'desc' : 'asc' })}
          title={sort.dir === 'asc' ? 'Ascending' : 'Descending'}
          aria-label="Sort direction"
          data-testid="sort-dir"
        >
          {sort.dir === 'asc' ? '↑' : '↓'}
        </button>
        <StackToggle />
        <div className="segmented" role="group" aria-label="View">
          <button
            className={view === 'grid' && gridMode === 'square' ? 'on' : ''}
            onClick={() => {
              setView('grid');
              setGridMode('square');
            }}
            title="Grid of squares"
            aria-label="Grid view"
            aria-pressed={view === 'grid' && gridMode === 'square'}
            data-testid="grid-view"
          >
            <LibIcon name="grid" />
          </button>
          <button
            className={view === 'grid' && gridMode === 'justified' ? 'on' : ''}
            onClick={() => {
              setView('grid');
              setGridMode('justified');
            }}
            title="Justified grid (keeps each picture's shape)"
            aria-label="Justified grid"
            aria-pressed={view === 'grid' && gridMode === 'justified'}
            data-testid="justified-view"
          >
            <Glyph name="justified" />
          </button>
          <button
            className={view === 'list' ? 'on' : ''}
            onClick={() => setView('list')}
            title="List"
            aria-label="List view"
            aria-pressed={view === 'list'}
            data-testid="list-view"
          >
            <LibIcon name="list" />
          </button>
        </div>
        {view === 'grid' && (
          <input
            type="range"
            min={96}
            max={360}
            step={4}
            value={thumbSize}
            onChange={(e) => setThumbSize(Number(e.target.value))}
            aria-label="Thumbnail size"
            title={gridMode === 'justified' ? 'Row height' : 'Thumbnail size'}
            className="size-slider"
          />
        )}
      </div>
      <div className="tb-group tb-end">
        <ImportButton />
        <button
          className={`icon-button panel-toggle${detailOpen ? ' on' : ''}`}
          onClick={toggleDetail}
          aria-pressed={detailOpen}
          aria-label="Detail panel"
          title={detailOpen ? 'Hide the detail panel ( ] )' : 'Show the detail panel ( ] )'}
          data-testid="toggle-detail"
        >
          <Glyph name="detail" />
        </button>
      </div>
      <FilterChips />
      {open && <FilterPanel onClose={() => setOpen(false)} />}
    </div>
  );
});

/** The Library narrowed to one project (from the Projects page): its name, and ✕ to clear it. */
function ProjectChip({ id }: { id: string }) {
  const setFilter = useLibrary((s) => s.setFilter);
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    setName(null);
    const load = () =>
      void api.call('projects.get', { id }).then(
        (p) => alive && setName(p.name),
        () => alive && setName('unknown'),
      );
    load();
    const off = api.on('projects.changed', (e) => e.id === id && load());
    return () => {
      alive = false;
      off();
    };
  }, [id]);
  return (
    <span className="tag-chip on filter-chip" data-testid="filter-chip-project">
      <span data-testid="filter-chip-project-label">Project: {name ?? '…'}</span>
      <button
        type="button"
        className="filter-chip-clear"
        onClick={() => setFilter({ projectId: undefined })}
        aria-label="Clear the project filter"
        title="Clear the project filter"
        data-testid="filter-chip-project-clear"
      >
        ✕
      </button>
    </span>
  );
}

function countExtraFilters(f: LibraryFilterInput): number {
  const keys: (keyof LibraryFilterInput)[] = [
    'minRating',
    'themes',
    'sources',
    'provenances',
    'models',
    'hasPrompt',
    'from',
    'to',
    'duplicates',
    'folderId',
    'colorLabels',
    'aspects',
    'minMegapixels',
    'formats',
  ];
  const size = f.minWidth !== undefined || f.minHeight !== undefined ? 1 : 0;
  return keys.filter((k) => f[k] !== undefined).length + size;
}

function FilterPanel({ onClose }: { onClose(): void }) {
  const { filter, setFilter } = useLibrary(
    useShallow((s) => ({ filter: s.filter, setFilter: s.setFilter })),
  );
  const [facets, setFacets] = useState<FacetValues | null>(null);
  useEffect(() => {
    api
      .call('library.facets', { limit: 50 })
      .then(setFacets, (e) => toastError('Could not load filter values', e));
  }, []);
  const one = <K extends keyof LibraryFilterInput>(key: K, value: string) =>
    setFilter({ [key]: value ? [value] : undefined } as Partial<LibraryFilterInput>);
  return (
    <div
      className="filter-panel"
      role="dialog"
      aria-label="Filters"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <label>
        Rating at least
        <select
          value={filter.minRating ?? 0}
          onChange={(e) => setFilter({ minRating: Number(e.target.value) || undefined })}
          data-testid="filter-rating"
        >
          {[0, 1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              {n === 0 ? 'Any' : '★'.repeat(n)}
            </option>
          ))}
        </select>
      </label>
      <FacetSelect
        label="Theme"
        value={filter.themes?.[0]}
        values={facets?.themes}
        onChange={(v) => one('themes', v)}
      />
      <FacetSelect
        label="Source"
        value={filter.sources?.[0]}
        values={facets?.sources}
        onChange={(v) => one('sources', v)}
      />
      <FacetSelect
        label="Model"
        value={filter.models?.[0]}
        values={facets?.models}
        onChange={(v) => one('models', v)}
      />
      <label>
        Provenance
        <select
          value={filter.provenances?.[0] ?? ''}
          onChange={(e) => one('provenances', e.target.value)}
        >
          <option value="">Any</option>
          <option value="ai_generated">AI generated</option>
          <option value="user_provided">User provided</option>
          <option value="enhanced">Enhanced</option>
          <option value="derived">Derived</option>
          <option value="unknown">Unknown</option>
        </select>
      </label>
      <label>
        Prompt
        <select
          value={filter.hasPrompt === undefined ? '' : filter.hasPrompt ? 'yes' : 'no'}
          onChange={(e) =>
            setFilter({ hasPrompt: e.target.value === '' ? undefined : e.target.value === 'yes' })
          }
        >
          <option value="">Any</option>
          <option value="yes">Has a prompt</option>
          <option value="no">No prompt</option>
        </select>
      </label>
      <BrowseFilterFields facets={facets} />
      <label>
        Tags match
        <select
          value={filter.tagMode ?? 'any'}
          onChange={(e) => setFilter({ tagMode: e.target.value as 'any' | 'all' })}
        >
          <option value="any">Any selected tag</option>
          <option value="all">All selected tags</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={filter.duplicates === true}
          onChange={(e) => setFilter({ duplicates: e.target.checked || undefined })}
        />
        Only exact duplicates
      </label>
      <div className="filter-actions">
        <button
          className="button ghost"
          onClick={() => setFilter({ search: filter.search, projectId: filter.projectId }, true)}
        >
          Clear all
        </button>
        <button className="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

/** One remembered-values filter (theme, source, model): the library's values with their counts. */
function FacetSelect({
  label,
  value,
  values,
  onChange,
}: {
  label: string;
  value: string | undefined;
  values: { value: string; count: number }[] | undefined;
  onChange(v: string): void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {values?.map((t) => (
          <option key={t.value} value={t.value}>
            {t.value} ({t.count})
          </option>
        ))}
      </select>
    </label>
  );
}
