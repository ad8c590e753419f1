import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Aspect, ColorLabel, FacetValues, LibraryFilterInput } from '@contract/index';
import { labelList } from './colorLabels';
import { flattenFolders, folderLabel, useFolderTree } from './folderTreeStore';
import { useLibrary } from './libraryStore';

const aspectList: { value: Aspect; name: string }[] = [
  { value: 'landscape', name: 'Landscape' },
  { value: 'portrait', name: 'Portrait' },
  { value: 'square', name: 'Square' },
];

const megapixelPresets = [
  { mp: 1, name: '1 MP (1024²)' },
  { mp: 2, name: '2 MP (1080p)' },
  { mp: 4, name: '4 MP (2K)' },
  { mp: 8, name: '8 MP (4K)' },
  { mp: 16, name: '16 MP' },
];

function toggled<T>(list: readonly T[] | undefined, value: T): T[] | undefined {
  const now = list ?? [];
  const next = now.includes(value) ? now.filter((x) => x !== value) : [...now, value];
  return next.length ? next : undefined;
}

/** A whole number of pixels typed in; applied on Enter or when the field is left. */
function PixelInput({
  value,
  onCommit,
  label,
  testId,
}: {
  value: number | undefined;
  onCommit(v: number | undefined): void;
  label: string;
  testId: string;
}) {
  const [text, setText] = useState(value ? String(value) : '');
  useEffect(() => setText(value ? String(value) : ''), [value]);
  const commit = () => {
    const n = Math.round(Number(text));
    const v = Number.isFinite(n) && n > 0 ? Math.min(100_000, n) : undefined;
    if (v !== value) onCommit(v);
    else setText(value ? String(value) : '');
  };
  return (
    <input
      type="number"
      inputMode="numeric"
      min={1}
      step={1}
      placeholder={label}
      aria-label={`Minimum ${label}`}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
      data-testid={testId}
    />
  );
}

/** The browsing filters in the Filters panel: label, shape, resolution, format, folder, dates. */
export function BrowseFilterFields({ facets }: { facets: FacetValues | null }) {
  const { filter, setFilter } = useLibrary(
    useShallow((s) => ({ filter: s.filter, setFilter: s.setFilter })),
  );
  const roots = useFolderTree((s) => s.roots);
  useEffect(() => {
    void useFolderTree.getState().load();
  }, []);
  const folders = flattenFolders(roots);
  const folderValue = filter.folderId ? `${filter.folderId}|${filter.folderPath ?? ''}` : '';
  const dateWord = filter.dateField === 'created' ? 'created' : 'added';
  return (
    <>
      <div className="filter-wide filter-group">
        <span className="filter-caption">Colour label</span>
        <div className="filter-toggles" role="group" aria-label="Colour label">
          {labelList.map((l) => {
            const on = filter.colorLabels?.includes(l.label) ?? false;
            return (
              <button
                key={l.label}
                type="button"
                className={`filter-toggle${on ? ' on' : ''}`}
                aria-pressed={on}
                onClick={() =>
                  setFilter({
                    colorLabels: toggled<ColorLabel | 'none'>(filter.colorLabels, l.label),
                  })
                }
                data-testid={`filter-label-${l.label}`}
              >
                <span className={`label-dot label-${l.label}`} />
                {l.name}
              </button>
            );
          })}
          <button
            type="button"
            className={`filter-toggle${filter.colorLabels?.includes('none') ? ' on' : ''}`}
            aria-pressed={filter.colorLabels?.includes('none') ?? false}
            onClick={() => setFilter({ colorLabels: toggled(filter.colorLabels, 'none') })}
            data-testid="filter-label-none"
          >
            No label
          </button>
        </div>
      </div>
      <div className="filter-wide filter-group">
        <span className="filter-caption">Shape</span>
        <div className="filter-toggles" role="group" aria-label="Shape">
          {aspectList.map((a) => {
            const on = filter.aspects?.includes(a.value) ?? false;
            return (
              <button
                key={a.value}
                type="button"
                className={`filter-toggle${on ? ' on' : ''}`}
                aria-pressed={on}
                onClick={() => setFilter({ aspects: toggled(filter.aspects, a.value) })}
                data-testid={`filter-aspect-${a.value}`}
              >
                <span className={`aspect-glyph aspect-${a.value}`} aria-hidden="true" />
                {a.name}
              </button>
            );
          })}
        </div>
      </div>
      <label>
        Resolution at least
        <select
          value={filter.minMegapixels ?? ''}
          onChange={(e) => setFilter({ minMegapixels: Number(e.target.value) || undefined })}
          data-testid="filter-megapixels"
        >
          <option value="">Any</option>
          {megapixelPresets.map((p) => (
            <option key={p.mp} value={p.mp}>
              {p.name}
            </option>
          ))}
          {filter.minMegapixels !== undefined &&
            !megapixelPresets.some((p) => p.mp === filter.minMegapixels) && (
              <option value={filter.minMegapixels}>{filter.minMegapixels} MP</option>
            )}
        </select>
      </label>
      <label>
        Size at least (px)
        <span className="filter-row">
          <PixelInput
            value={filter.minWidth}
            onCommit={(minWidth) => setFilter({ minWidth })}
            label="width"
            testId="filter-min-width"
          />
          ×
          <PixelInput
            value={filter.minHeight}
            onCommit={(minHeight) => setFilter({ minHeight })}
            label="height"
            testId="filter-min-height"
          />
        </span>
      </label>
      <label>
        Format
        <select
          value={filter.formats?.[0] ?? ''}
          onChange={(e) => setFilter({ formats: e.target.value ? [e.target.value] : undefined })}
          data-testid="filter-format"
        >
          <option value="">Any</option>
          {facets?.formats.map((f) => (
            <option key={f.value} value={f.value}>
              {f.value.toUpperCase()} ({f.count.toLocaleString()})
            </option>
          ))}
          {filter.formats?.[0] && !facets?.formats.some((f) => f.value === filter.formats?.[0]) && (
            <option value={filter.formats[0]}>{filter.formats[0].toUpperCase()}</option>
          )}
        </select>
      </label>
      <label>
        Folder
        <select
          value={folderValue}
          onChange={(e) => {
            const [folderId, folderPath] = e.target.value.split('|');
            setFilter({ folderId: folderId || undefined, folderPath: folderPath || undefined });
          }}
          data-testid="filter-folder"
        >
          <option value="">Any</option>
          {folders.map((f) => (
            <option key={`${f.folderId}|${f.path ?? ''}`} value={`${f.folderId}|${f.path ?? ''}`}>
              {'\u00a0\u00a0'.repeat(f.depth)}
              {f.name} ({f.count.toLocaleString()})
            </option>
          ))}
          {filter.folderId &&
            !folders.some((f) => `${f.folderId}|${f.path ?? ''}` === folderValue) && (
              <option value={folderValue}>
                {folderLabel(roots, filter.folderId, filter.folderPath)}
              </option>
            )}
        </select>
      </label>
      <div className="filter-wide filter-group">
        <span className="filter-caption">Date</span>
        <span className="filter-row">
          <select
            value={dateWord}
            onChange={(e) => setFilter({ dateField: e.target.value as 'added' | 'created' })}
            aria-label="Which date"
            data-testid="filter-date-field"
          >
            <option value="added">Added</option>
            <option value="created">Created</option>
          </select>
          <input
            type="date"
            value={filter.from ?? ''}
            max={filter.to}
            onChange={(e) => setFilter({ from: e.target.value || undefined })}
            aria-label={`Date ${dateWord}: from`}
            data-testid="filter-from"
          />
          –
          <input
            type="date"
            value={filter.to ?? ''}
            min={filter.from}
            onChange={(e) => setFilter({ to: e.target.value || undefined })}
            aria-label={`Date ${dateWord}: to (inclusive)`}
            data-testid="filter-to"
          />
        </span>
      </div>
    </>
  );
}

const statusNames = { pending: 'To review', approved: 'Approved', rejected: 'Rejected' } as const;
const typeNames = {
  image: 'Images',
  audio: 'Audio',
  video: 'Video',
  subtitles: 'Subtitles',
} as const;
const provenanceNames: Record<string, string> = {
  ai_generated: 'AI generated',
  user_provided: 'User provided',
  enhanced: 'Enhanced',
  derived: 'Derived',
  unknown: 'Unknown provenance',
};

interface Chip {
  key: string;
  text: string;
  clear: Partial<LibraryFilterInput>;
  label?: ColorLabel;
}

function chipsOf(
  f: LibraryFilterInput,
  names: { tag(id: string): string; collection(id: string): string; folder(): string },
): Chip[] {
  const chips: Chip[] = [];
  const add = (key: string, text: string, clear: Partial<LibraryFilterInput>) =>
    chips.push({ key, text, clear });
  if (f.statuses?.length)
    add('statuses', f.statuses.map((s) => statusNames[s]).join(' or '), { statuses: undefined });
  if (f.types?.length)
    add('types', f.types.map((t) => typeNames[t]).join(' or '), { types: undefined });
  if (f.liked !== undefined) add('liked', f.liked ? 'Liked' : 'Not liked', { liked: undefined });
  if (f.minRating) add('minRating', `${'★'.repeat(f.minRating)} or more`, { minRating: undefined });
  if (f.colorLabels?.length) {
    for (const l of f.colorLabels)
      chips.push({
        key: `label-${l}`,
        text: l === 'none' ? 'No label' : `${labelList.find((x) => x.label === l)?.name} label`,
        clear: { colorLabels: f.colorLabels.filter((x) => x !== l) },
        label: l === 'none' ? undefined : l,
      });
  }
  if (f.aspects?.length)
    add(
      'aspects',
      f.aspects.map((a) => aspectList.find((x) => x.value === a)?.name ?? a).join(' or '),
      { aspects: undefined },
    );
  if (f.minMegapixels !== undefined)
    add('mp', `${f.minMegapixels} MP or more`, { minMegapixels: undefined });
  if (f.minWidth !== undefined || f.minHeight !== undefined)
    add('px', `At least ${f.minWidth ?? 'any'} × ${f.minHeight ?? 'any'} px`, {
      minWidth: undefined,
      minHeight: undefined,
    });
  if (f.formats?.length)
    add('formats', f.formats.map((x) => x.toUpperCase()).join(' or '), { formats: undefined });
  if (f.folderId)
    add('folder', `Folder: ${names.folder()}`, { folderId: undefined, folderPath: undefined });
  if (f.from || f.to) {
    const word = f.dateField === 'created' ? 'Created' : 'Added';
    const text =
      f.from && f.to ? `${f.from} – ${f.to}` : f.from ? `from ${f.from}` : `until ${f.to}`;
    add('dates', `${word} ${text}`, { from: undefined, to: undefined });
  }
  for (const t of f.themes ?? [])
    add(`theme-${t}`, `Theme: ${t}`, { themes: f.themes!.filter((x) => x !== t) });
  for (const s of f.sources ?? [])
    add(`source-${s}`, `Source: ${s}`, { sources: f.sources!.filter((x) => x !== s) });
  for (const m of f.models ?? [])
    add(`model-${m}`, `Model: ${m}`, { models: f.models!.filter((x) => x !== m) });
  if (f.provenances?.length)
    add('prov', f.provenances.map((p) => provenanceNames[p] ?? p).join(' or '), {
      provenances: undefined,
    });
  if (f.hasPrompt !== undefined)
    add('prompt', f.hasPrompt ? 'Has a prompt' : 'No prompt', { hasPrompt: undefined });
  for (const t of f.tags ?? [])
    add(`tag-${t}`, `Tag: ${names.tag(t)}`, { tags: f.tags!.filter((x) => x !== t) });
  if (f.collectionId)
    add('collection', `Collection: ${names.collection(f.collectionId)}`, {
      collectionId: undefined,
    });
  if (f.missing !== undefined)
    add('missing', f.missing ? 'Missing files' : 'Files present', { missing: undefined });
  if (f.duplicates !== undefined)
    add('dups', f.duplicates ? 'Exact duplicates' : 'No duplicates', { duplicates: undefined });
  return chips;
}

/** Every filter now on as a chip that clears it; "Clear all" keeps the search and the project. */
export function FilterChips() {
  const { filter, setFilter, tags, collections } = useLibrary(
    useShallow((s) => ({
      filter: s.filter,
      setFilter: s.setFilter,
      tags: s.tags,
      collections: s.collections,
    })),
  );
  const roots = useFolderTree((s) => s.roots);
  const needTree = filter.folderId !== undefined && roots.length === 0;
  useEffect(() => {
    if (needTree) void useFolderTree.getState().load();
  }, [needTree]);
  if (filter.trashed) return null;
  const chips = chipsOf(filter, {
    tag: (id) => tags.find((t) => t.id === id)?.name ?? 'unknown',
    collection: (id) => collections.find((c) => c.id === id)?.name ?? '…',
    folder: () => folderLabel(roots, filter.folderId!, filter.folderPath),
  });
  if (!chips.length) return null;
  return (
    <div className="filter-chips" role="group" aria-label="Filters on" data-testid="filter-chips">
      {chips.map((c) => (
        <span
          key={c.key}
          className="tag-chip on filter-chip"
          data-testid="filter-chip"
          data-chip={c.key}
        >
          {c.label && <span className={`label-dot label-${c.label}`} />}
          {c.text}
          <button
            type="button"
            className="filter-chip-clear"
            onClick={() => setFilter(c.clear)}
            aria-label={`Clear: ${c.text}`}
            title="Clear this filter"
            data-testid="filter-chip-clear"
          >
            ✕
          </button>
        </span>
      ))}
      {chips.length > 1 && (
        <button
          type="button"
          className="clear-all"
          onClick={() => setFilter({ search: filter.search, projectId: filter.projectId }, true)}
          data-testid="filter-chips-clear-all"
        >
          Clear all
        </button>
      )}
    </div>
  );
}
