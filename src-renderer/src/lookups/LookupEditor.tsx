import { useState } from 'react';
import { GenIcon } from '../generate/GenIcon';
import { EditorActions } from './EditorActions';
import { toastInfo } from '../stores/toasts';
import { useLookups, valuesOf } from './lookupsStore';

const NAME = /^[\p{L}\p{N}_-]+$/u;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The side panel: a lookup's name, its values (one a line), description and category. */
export function LookupEditor() {
  const draft = useLookups((s) => s.draft);
  const lookups = useLookups((s) => s.lookups);
  const set = useLookups((s) => s.setDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!draft) return null;
  const readOnly = draft.system;
  const values = valuesOf(draft.values);
  const key = draft.key.trim();
  const nameError = !key
    ? null
    : !NAME.test(key)
      ? 'Letters, digits, - and _ only (no spaces)'
      : key.length > 64
        ? 'At most 64 characters'
        : draft.original?.toLowerCase() !== key.toLowerCase() &&
            lookups?.some((l) => l.key === key.toLowerCase())
          ? `There is already a lookup “${key.toLowerCase()}”: saving replaces its values`
          : null;
  const canSave = !readOnly && !busy && !!key && NAME.test(key) && values.length > 0;
  const categories = [...new Set((lookups ?? []).map((l) => l.category).filter(Boolean))].sort();
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await useLookups.getState().save();
      toastInfo('Lookup saved', `[${saved.key}] · ${saved.values.length.toLocaleString()} values`);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!draft.original) return;
    setBusy(true);
    setError(null);
    try {
      await useLookups.getState().remove(draft.original);
      toastInfo('Lookup deleted', `[${draft.original}]`);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  const title = draft.original ? `[${draft.original}]` : 'New lookup';
  return (
    <aside className="card lk-panel" aria-label={`Lookup ${title}`} data-testid="lookup-editor">
      <header className="lk-panel-head">
        <h2 className="lk-panel-title">{title}</h2>
        {readOnly && <span className="lk-badge">built-in</span>}
        <button
          type="button"
          className="icon-button"
          aria-label="Close the editor"
          onClick={() => useLookups.setState({ draft: null })}
        >
          <GenIcon name="x" size={15} />
        </button>
      </header>
      {readOnly && (
        <div className="lk-note" data-testid="lookup-readonly">
          Ships with Atelier: read-only.{' '}
          <button
            type="button"
            className="gen-link-button"
            onClick={() => {
              const l = lookups?.find((x) => x.key === draft.original);
              if (l) useLookups.getState().copy(l);
            }}
            data-testid="lookup-copy"
          >
            Make an editable copy
          </button>
        </div>
      )}
      <div className="lk-field">
        <label htmlFor="lookup-name">Name</label>
        <input
          id="lookup-name"
          value={draft.key}
          readOnly={readOnly}
          maxLength={64}
          placeholder="colour"
          onChange={(e) => set({ key: e.target.value })}
          aria-invalid={(!!nameError && !nameError.startsWith('There')) || undefined}
          spellCheck={false}
          data-testid="lookup-name"
        />
        {nameError ? (
          <span className={nameError.startsWith('There') ? 'lk-warn' : 'lk-error'}>
            {nameError}
          </span>
        ) : (
          <span className="lk-hint">
            In a prompt: <code>[{key.toLowerCase() || 'name'}]</code> or{' '}
            <code>__{key.toLowerCase() || 'name'}__</code> draws one value.
          </span>
        )}
      </div>
      <div className="lk-field">
        <div className="lk-label-row">
          <label htmlFor="lookup-values">Values</label>
          <span className="lk-hint">
            {values.length.toLocaleString()} {values.length === 1 ? 'value' : 'values'} · one a line
          </span>
        </div>
        <textarea
          id="lookup-values"
          className="lk-values"
          rows={7}
          value={draft.values}
          readOnly={readOnly}
          placeholder={'red\nblue\nsea green'}
          onChange={(e) => set({ values: e.target.value })}
          spellCheck={false}
          data-testid="lookup-values"
        />
      </div>
      <div className="lk-field">
        <label htmlFor="lookup-description">Description</label>
        <input
          id="lookup-description"
          value={draft.description}
          readOnly={readOnly}
          maxLength={2000}
          onChange={(e) => set({ description: e.target.value })}
          data-testid="lookup-description"
        />
      </div>
      <div className="lk-field">
        <label htmlFor="lookup-category">Category</label>
        <input
          id="lookup-category"
          value={draft.category}
          readOnly={readOnly}
          maxLength={100}
          list="lookup-categories"
          onChange={(e) => set({ category: e.target.value })}
          data-testid="lookup-category"
        />
        <datalist id="lookup-categories">
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </div>
      {error && (
        <p className="lk-error" role="alert" data-testid="lookup-error">
          {error}
        </p>
      )}
      {!readOnly && (
        <EditorActions
          testId="lookup"
          confirmText={`Delete [${draft.original}]?`}
          canDelete={!!draft.original}
          canSave={canSave}
          busy={busy}
          onDelete={remove}
          onSave={save}
        />
      )}
    </aside>
  );
}
