import type { ReactNode } from 'react';
import type { LibraryFilterInput } from '@contract/index';
import { useShallow } from 'zustand/react/shallow';
import { LibIcon } from './LibIcon';
import { useLibrary } from './libraryStore';
import './emptySearch.css';

/** Keys of a filter that are settings, not filters a person turned on. */
const notFilters = new Set<keyof LibraryFilterInput>(['search', 'trashed', 'tagMode', 'dateField']);

interface ActiveFilter {
  label: string;
  clear: Partial<LibraryFilterInput>;
}

const list = (values: readonly string[] | undefined) =>
  values && values.length > 2
    ? `${values.slice(0, 2).join(', ')} +${values.length - 2}`
    : (values ?? []).join(', ');

/** What each filter that is on is called, and what clears it. */
export function activeFilters(
  f: LibraryFilterInput,
  names: { tags: Map<string, string>; collections: Map<string, string> },
): ActiveFilter[] {
  const out: ActiveFilter[] = [];
  if (f.types?.length) out.push({ label: `Type: ${list(f.types)}`, clear: { types: undefined } });
  if (f.statuses?.length)
    out.push({ label: `Status: ${list(f.statuses)}`, clear: { statuses: undefined } });
  if (f.minRating) out.push({ label: `★ ${f.minRating}+`, clear: { minRating: undefined } });
  if (f.liked !== undefined)
    out.push({ label: f.liked ? 'Liked' : 'Not liked', clear: { liked: undefined } });
  if (f.themes?.length)
    out.push({ label: `Theme: ${list(f.themes)}`, clear: { themes: undefined } });
  if (f.sources?.length)
    out.push({ label: `Source: ${list(f.sources)}`, clear: { sources: undefined } });
  if (f.provenances?.length)
    out.push({ label: `Origin: ${list(f.provenances)}`, clear: { provenances: undefined } });
  if (f.tags?.length)
    out.push({
      label: `Tag: ${list(f.tags.map((id) => names.tags.get(id) ?? 'a tag'))}`,
      clear: { tags: undefined },
    });
  if (f.collectionId)
    out.push({
      label: `Collection: ${names.collections.get(f.collectionId) ?? 'one collection'}`,
      clear: { collectionId: undefined },
    });
  if (f.folderId) out.push({ label: 'One folder', clear: { folderId: undefined } });
  if (f.projectId) out.push({ label: 'One project', clear: { projectId: undefined } });
  if (f.models?.length)
    out.push({ label: `Model: ${list(f.models)}`, clear: { models: undefined } });
  if (f.hasPrompt !== undefined)
    out.push({
      label: f.hasPrompt ? 'Has a prompt' : 'No prompt',
      clear: { hasPrompt: undefined },
    });
  if (f.from || f.to)
    out.push({
      label: `Date: ${f.from?.slice(0, 10) ?? '…'} – ${f.to?.slice(0, 10) ?? '…'}`,
      clear: { from: undefined, to: undefined },
    });
  if (f.missing !== undefined)
    out.push({
      label: f.missing ? 'Missing files' : 'Files present',
      clear: { missing: undefined },
    });
  if (f.duplicates) out.push({ label: 'Duplicates', clear: { duplicates: undefined } });
  // Anything newer than this list still counts, so "clear filters" never leaves one behind.
  const known = new Set([
    'types',
    'statuses',
    'minRating',
    'liked',
    'themes',
    'sources',
    'provenances',
    'tags',
    'collectionId',
    'folderId',
    'projectId',
    'models',
    'hasPrompt',
    'from',
    'to',
    'missing',
    'duplicates',
  ]);
  for (const k of Object.keys(f) as (keyof LibraryFilterInput)[])
    if (!known.has(k) && !notFilters.has(k) && f[k] !== undefined)
      out.push({ label: k, clear: { [k]: undefined } });
  return out;
}

/** The search with its last word dropped ("neon cyber alley" → "neon cyber"), or null. */
export function fewerWords(search: string): string | null {
  const words = search.trim().split(/\s+/).filter(Boolean);
  return words.length > 1 ? words.slice(0, -1).join(' ') : null;
}

/**
 * What the Library shows when a search or filters find nothing: what was searched, what to try
 * (fewer words, spelling, the filters that are on), and one click for each. `fallback` is shown
 * instead when nothing is searched or filtered (an empty library, an empty trash).
 */
export function EmptySearch({ fallback }: { fallback: ReactNode }) {
  const { filter, setFilter, tags, collections } = useLibrary(
    useShallow((s) => ({
      filter: s.filter,
      setFilter: s.setFilter,
      tags: s.tags,
      collections: s.collections,
    })),
  );
  const search = filter.search?.trim() ?? '';
  const active = activeFilters(filter, {
    tags: new Map(tags.map((t) => [t.id, t.name])),
    collections: new Map(collections.map((c) => [c.id, c.name])),
  });
  if (filter.trashed || (!search && active.length === 0)) return <>{fallback}</>;
  const shorter = search ? fewerWords(search) : null;
  const clearAll = () => {
    const patch: Partial<LibraryFilterInput> = {};
    for (const a of active) Object.assign(patch, a.clear);
    setFilter(patch);
  };
  return (
    <div className="lib-empty empty-search" data-testid="empty-search" role="status">
      <LibIcon name="search" size={32} />
      <p className="empty-search-title">
        {search ? (
          <>
            No results for <q>{search}</q>
          </>
        ) : (
          'Nothing matches these filters'
        )}
        {search && active.length > 0 && (
          <> with {active.length === 1 ? '1 filter' : `${active.length} filters`} on</>
        )}
      </p>
      <p className="muted">
        {search
          ? `Try ${shorter ? 'fewer words, ' : ''}another spelling, or part of a word${active.length ? ', or clear filters' : ''}. Prompts, titles, file names, notes, tags and model, sampler and LoRA names are searched.`
          : 'Clear a filter to see more.'}
      </p>
      <div className="empty-search-actions">
        {shorter && (
          <button
            className="button"
            onClick={() => setFilter({ search: shorter })}
            data-testid="empty-fewer-words"
          >
            Search <q>{shorter}</q>
          </button>
        )}
        {search && (
          <button
            className="button"
            onClick={() => setFilter({ search: undefined })}
            data-testid="empty-clear-search"
          >
            Clear search
          </button>
        )}
        {active.length > 0 && (
          <button className="button primary" onClick={clearAll} data-testid="empty-clear-filters">
            Clear filters: {active.length} {active.length === 1 ? 'filter' : 'filters'} active
          </button>
        )}
      </div>
      {active.length > 0 && (
        <ul className="empty-search-filters" aria-label="Filters that are on">
          {active.map((a) => (
            <li key={a.label}>
              <button
                className="empty-search-chip"
                onClick={() => setFilter(a.clear)}
                aria-label={`Clear filter ${a.label}`}
                data-testid="empty-filter-chip"
              >
                {a.label} <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
