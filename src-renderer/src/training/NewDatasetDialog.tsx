import { useEffect, useState } from 'react';
import type {
  CaptionSource,
  CollectionInfo,
  MethodInput,
  SavedSearchInfo,
  SelectionInput,
  TagInfo,
} from '@contract/index';
import { api } from '../api/client';
import { Dialog } from '../generate/Dialog';
import { useLibrary } from '../library/libraryStore';
import { useNav } from '../stores/navigation';
import { toastInfo } from '../stores/toasts';
import { plural } from './format';
import { resolutions, tokenProblem } from './SettingsPanel';
import { useTraining } from './trainingStore';

type SourceKind = 'selection' | 'collection' | 'saved' | 'tag';

/** Assets picked in the Library, as the dialog is opened with them. */
export interface PickedAssets {
  selection: SelectionInput;
  /** "12 selected images", "All matching assets". */
  label: string;
}

/** The Library's current selection, if it has one. */
function librarySelection(): PickedAssets | null {
  const s = useLibrary.getState();
  const selection = s.selection();
  if (!selection) return null;
  const label = s.allMatching
    ? 'Every asset matching the Library’s filters'
    : `${plural(s.selectionCount(), 'asset')} selected in the Library`;
  return { selection, label };
}

const captionSources: { id: CaptionSource; label: string }[] = [
  { id: 'prompt', label: 'Each image’s prompt' },
  { id: 'tags', label: 'Each image’s tags' },
  { id: 'trigger', label: 'The trigger token alone' },
];

/**
 * Make a dataset: from assets picked in the Library, or (from the Training page) a collection, a
 * saved search, a tag or the Library's current selection. Approved images only unless the
 * creator says otherwise.
 */
export function NewDatasetDialog({
  picked,
  onClose,
}: {
  /** Opened from the Library with its selection; otherwise the source is chosen here. */
  picked?: PickedAssets;
  onClose: () => void;
}) {
  const current = picked ?? librarySelection();
  const [kind, setKind] = useState<SourceKind>(current ? 'selection' : 'collection');
  const [collections, setCollections] = useState<CollectionInfo[] | null>(null);
  const [saved, setSaved] = useState<SavedSearchInfo[] | null>(null);
  const [tags, setTags] = useState<TagInfo[] | null>(null);
  const [collectionId, setCollectionId] = useState('');
  const [savedId, setSavedId] = useState('');
  const [tagName, setTagName] = useState('');
  const [name, setName] = useState('');
  /** Typed by the creator: a source picked later leaves it alone. */
  const [nameTyped, setNameTyped] = useState(false);
  const [trigger, setTrigger] = useState('');
  const [classWord, setClassWord] = useState('');
  const [repeats, setRepeats] = useState('10');
  const [resolution, setResolution] = useState('512');
  const [approvedOnly, setApprovedOnly] = useState(true);
  const [captionSource, setCaptionSource] = useState<CaptionSource>('prompt');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (picked) return;
    let live = true;
    void Promise.all([
      api.call('collections.list', {}).catch(() => []),
      api.call('savedSearches.list', {}).catch(() => []),
      api.call('tags.list', { limit: 1000 }).catch(() => []),
    ]).then(([c, s, t]) => {
      if (!live) return;
      setCollections(c);
      setSaved(s);
      setTags(t);
      setCollectionId((x) => x || c[0]?.id || '');
      setSavedId((x) => x || s[0]?.id || '');
    });
    return () => {
      live = false;
    };
  }, [picked]);

  // What was wrong is forgotten once something changes.
  useEffect(
    () => setError(null),
    [kind, collectionId, savedId, tagName, name, trigger, classWord, repeats, resolution],
  );

  const tag = tags?.find((t) => t.name.toLowerCase() === tagName.trim().toLowerCase()) ?? null;
  const source = ():
    | Pick<MethodInput<'datasets.create'>, 'selection' | 'savedSearchId'>
    | string => {
    switch (kind) {
      case 'selection':
        return current ? { selection: current.selection } : 'Nothing is selected in the Library.';
      case 'collection':
        return collectionId ? { selection: { query: { collectionId } } } : 'Pick a collection.';
      case 'saved':
        return savedId ? { savedSearchId: savedId } : 'Pick a saved search.';
      case 'tag':
        return tag ? { selection: { query: { tags: [tag.id] } } } : 'Pick one of the tags.';
    }
  };
  /** The source's own name as the dataset's, until the creator types one. */
  const suggest = (n: string | undefined) => {
    if (!nameTyped) setName(n ?? '');
  };

  const submit = async () => {
    const from = source();
    const rep = Number(repeats);
    const res = Number(resolution);
    const problem =
      (typeof from === 'string' && from) ||
      (!name.trim() && 'A dataset needs a name.') ||
      tokenProblem(trigger) ||
      (!(Number.isInteger(rep) && rep >= 1 && rep <= 1000) &&
        'Repeats: a whole number from 1 to 1000.') ||
      (!(Number.isInteger(res) && res >= 64 && res <= 4096) &&
        'Resolution: a whole number of pixels from 64 to 4096.') ||
      null;
    if (problem || typeof from === 'string') return setError(problem || null);
    setBusy(true);
    setError(null);
    try {
      const d = await api.call('datasets.create', {
        name: name.trim(),
        ...from,
        triggerToken: trigger.trim(),
        classWord: classWord.trim(),
        repeats: rep,
        resolution: res,
        includeUnapproved: !approvedOnly,
        captionSource,
      });
      const picked = from.selection?.ids?.length ?? 0;
      const skipped = picked > d.items.length ? picked - d.items.length : 0;
      toastInfo(
        `Dataset “${d.name}” made`,
        `${plural(d.items.length, 'image')}${skipped ? ` (${plural(skipped, 'asset')} not approved left out)` : ''}`,
      );
      onClose();
      const t = useTraining.getState();
      t.setCreating(false);
      void t.loadDatasets();
      t.openDataset(d.id);
      useNav.getState().go('training');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const kinds: { id: SourceKind; label: string; disabled: boolean }[] = [
    { id: 'selection', label: 'Library selection', disabled: !current },
    { id: 'collection', label: 'Collection', disabled: collections?.length === 0 },
    { id: 'saved', label: 'Saved search', disabled: saved?.length === 0 },
    { id: 'tag', label: 'Tag', disabled: tags?.length === 0 },
  ];
  return (
    <Dialog
      title="Make a dataset"
      onClose={onClose}
      busy={busy}
      width={520}
      testId="new-dataset-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            form="trn-new-dataset"
            className="button primary"
            disabled={busy}
            data-testid="new-dataset-create"
          >
            {busy ? 'Making it…' : 'Make the dataset'}
          </button>
        </>
      }
    >
      <form
        id="trn-new-dataset"
        className="trn-dlg-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {picked ? (
          <p className="trn-dlg-source" data-testid="new-dataset-source">
            From: <strong>{picked.label}</strong>
          </p>
        ) : (
          <fieldset className="dlg-field trn-source">
            <legend className="dlg-label">Images from</legend>
            <div className="trn-seg" role="radiogroup" aria-label="Images from">
              {kinds.map((k) => (
                <label key={k.id} className={`trn-seg-opt${kind === k.id ? ' on' : ''}`}>
                  <input
                    type="radio"
                    name="dataset-source"
                    value={k.id}
                    checked={kind === k.id}
                    disabled={k.disabled}
                    onChange={() => {
                      setKind(k.id);
                      setError(null);
                      suggest(
                        k.id === 'collection'
                          ? collections?.find((c) => c.id === collectionId)?.name
                          : k.id === 'saved'
                            ? saved?.find((x) => x.id === savedId)?.name
                            : k.id === 'tag'
                              ? tagName.trim()
                              : '',
                      );
                    }}
                  />
                  {k.label}
                </label>
              ))}
            </div>
            {kind === 'selection' && (
              <span className="dlg-hint">
                {current ? current.label : 'Select images in the Library first.'}
              </span>
            )}
            {kind === 'collection' && (
              <select
                aria-label="Collection"
                value={collectionId}
                onChange={(e) => {
                  setCollectionId(e.target.value);
                  suggest(collections?.find((c) => c.id === e.target.value)?.name);
                }}
                data-testid="new-dataset-collection"
              >
                {collections?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.assetCount.toLocaleString()})
                  </option>
                ))}
              </select>
            )}
            {kind === 'saved' && (
              <select
                aria-label="Saved search"
                value={savedId}
                onChange={(e) => {
                  setSavedId(e.target.value);
                  suggest(saved?.find((x) => x.id === e.target.value)?.name);
                }}
              >
                {saved?.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
            {kind === 'tag' && (
              <>
                <input
                  aria-label="Tag"
                  list="trn-tag-names"
                  placeholder="Type a tag"
                  value={tagName}
                  onChange={(e) => {
                    setTagName(e.target.value);
                    suggest(e.target.value.trim());
                  }}
                  data-testid="new-dataset-tag"
                />
                <datalist id="trn-tag-names">
                  {tags?.map((t) => (
                    <option key={t.id} value={t.name}>
                      {plural(t.usageCount, 'asset')}
                    </option>
                  ))}
                </datalist>
              </>
            )}
          </fieldset>
        )}
        <div className="dlg-field">
          <label htmlFor="trn-nd-name">Name</label>
          <input
            id="trn-nd-name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameTyped(true);
            }}
            placeholder="Ink foxes"
            data-testid="new-dataset-name"
          />
        </div>
        <div className="trn-dlg-row">
          <div className="dlg-field">
            <label htmlFor="trn-nd-trigger">Trigger token</label>
            <input
              id="trn-nd-trigger"
              value={trigger}
              onChange={(e) => setTrigger(e.target.value)}
              placeholder="inkfox"
              spellCheck={false}
              data-testid="new-dataset-trigger"
            />
            <span className="dlg-hint">One rare word; every caption starts with it.</span>
          </div>
          <div className="dlg-field">
            <label htmlFor="trn-nd-class">Class word</label>
            <input
              id="trn-nd-class"
              value={classWord}
              onChange={(e) => setClassWord(e.target.value)}
              placeholder="fox, woman, style…"
              data-testid="new-dataset-class"
            />
            <span className="dlg-hint">What the subject is.</span>
          </div>
        </div>
        <div className="trn-dlg-row">
          <div className="dlg-field">
            <label htmlFor="trn-nd-repeats">Repeats</label>
            <input
              id="trn-nd-repeats"
              type="number"
              min={1}
              max={1000}
              value={repeats}
              onChange={(e) => setRepeats(e.target.value)}
              data-testid="new-dataset-repeats"
            />
          </div>
          <div className="dlg-field">
            <label htmlFor="trn-nd-resolution">Resolution</label>
            <select
              id="trn-nd-resolution"
              value={resolution}
              onChange={(e) => setResolution(e.target.value)}
              data-testid="new-dataset-resolution"
            >
              {resolutions.map((r) => (
                <option key={r} value={r}>
                  {r} px{r === 512 ? ' (SD 1.5)' : r === 1024 ? ' (SDXL)' : ''}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="dlg-field">
          <label htmlFor="trn-nd-captions">Captions start from</label>
          <select
            id="trn-nd-captions"
            value={captionSource}
            onChange={(e) => setCaptionSource(e.target.value as CaptionSource)}
          >
            {captionSources.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <label className="trn-check">
          <input
            type="checkbox"
            checked={approvedOnly}
            onChange={(e) => setApprovedOnly(e.target.checked)}
            data-testid="new-dataset-approved-only"
          />
          Approved images only
        </label>
        {!approvedOnly && (
          <p className="dlg-hint">
            Pending and rejected images of the selection are taken too; the check will name any that
            cannot train.
          </p>
        )}
        {error && (
          <p className="dlg-error" role="alert" data-testid="new-dataset-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
