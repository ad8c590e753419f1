import { useState } from 'react';
import type { ModelFamily, NegativePresetInfo } from '@contract/index';
import { EmptyState } from '../components/PageHeader';
import { GenIcon } from '../generate/GenIcon';
import { EditorActions } from './EditorActions';
import { families, familyLabel } from '../models/labels';
import { toastInfo } from '../stores/toasts';
import { useLookups } from './lookupsStore';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const contentModes: { id: NegativePresetInfo['contentMode']; label: string }[] = [
  { id: 'sfw', label: 'Safe for work' },
  { id: 'nsfw', label: 'NSFW' },
  { id: 'any', label: 'Any' },
];
const modeLabel = (m: NegativePresetInfo['contentMode']) =>
  contentModes.find((x) => x.id === m)?.label ?? m;
const familyText = (f: string | null) =>
  f ? (familyLabel[f as ModelFamily] ?? f) : 'All families';

function PresetEditor() {
  const d = useLookups((s) => s.presetDraft);
  const set = useLookups((s) => s.setPresetDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!d) return null;
  const canSave = !busy && !!d.name.trim() && !!d.text.trim() && Number.isInteger(d.priority);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const p = await useLookups.getState().savePreset();
      toastInfo('Negative preset saved', p.name);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!d.id) return;
    setBusy(true);
    try {
      await useLookups.getState().removePreset(d.id);
      toastInfo('Negative preset deleted', d.name);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <aside
      className="card lk-panel"
      aria-label={d.id ? `Negative preset ${d.name}` : 'New negative preset'}
      data-testid="preset-editor"
    >
      <header className="lk-panel-head">
        <h2 className="lk-panel-title">
          {d.id ? d.name || 'Negative preset' : 'New negative preset'}
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the editor"
          onClick={() => useLookups.setState({ presetDraft: null })}
        >
          <GenIcon name="x" size={15} />
        </button>
      </header>
      <div className="lk-field">
        <label htmlFor="preset-name">Name</label>
        <input
          id="preset-name"
          value={d.name}
          maxLength={120}
          placeholder="Clean hands"
          onChange={(e) => set({ name: e.target.value })}
          data-testid="preset-name"
        />
      </div>
      <div className="lk-row2">
        <div className="lk-field">
          <label htmlFor="preset-family">Family</label>
          <select
            id="preset-family"
            value={d.family}
            onChange={(e) => set({ family: e.target.value as ModelFamily | '' })}
            data-testid="preset-family"
          >
            <option value="">All families</option>
            {families.map((f) => (
              <option key={f} value={f}>
                {familyLabel[f]}
              </option>
            ))}
          </select>
        </div>
        <div className="lk-field">
          <label htmlFor="preset-mode">Content</label>
          <select
            id="preset-mode"
            value={d.contentMode}
            onChange={(e) =>
              set({ contentMode: e.target.value as NegativePresetInfo['contentMode'] })
            }
            data-testid="preset-mode"
          >
            {contentModes.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="lk-field">
        <label htmlFor="preset-text">Text appended to the negative prompt</label>
        <textarea
          id="preset-text"
          className="lk-values"
          rows={5}
          value={d.text}
          maxLength={4000}
          placeholder="extra fingers, deformed hands, watermark"
          onChange={(e) => set({ text: e.target.value })}
          data-testid="preset-text"
        />
      </div>
      <div className="lk-row2">
        <div className="lk-field">
          <label htmlFor="preset-priority">Priority</label>
          <input
            id="preset-priority"
            type="number"
            min={-1000}
            max={1000}
            step={1}
            value={Number.isFinite(d.priority) ? d.priority : ''}
            onChange={(e) =>
              set({ priority: e.target.value === '' ? Number.NaN : Number(e.target.value) })
            }
            aria-describedby="preset-priority-hint"
            data-testid="preset-priority"
          />
          <span className="lk-hint" id="preset-priority-hint">
            Higher comes first
          </span>
        </div>
        <label className="lk-check lk-active">
          <input
            type="checkbox"
            checked={d.active}
            onChange={(e) => set({ active: e.target.checked })}
            data-testid="preset-active"
          />
          Active
        </label>
      </div>
      {error && (
        <p className="lk-error" role="alert" data-testid="preset-error">
          {error}
        </p>
      )}
      <EditorActions
        testId="preset"
        confirmText="Delete it?"
        canDelete={!!d.id}
        canSave={canSave}
        busy={busy}
        onDelete={remove}
        onSave={save}
      />
    </aside>
  );
}

/** Negative presets: text appended to every order's negative prompt for a family, by priority. */
export function PresetsTab() {
  const presets = useLookups((s) => s.presets);
  const error = useLookups((s) => s.presetsError);
  const draft = useLookups((s) => s.presetDraft);
  return (
    <div className="stack">
      <div className="lk-toolbar">
        <p className="lk-intro">
          Appended to the negative prompt of every order on a model of that family (highest priority
          first), unless the order leaves them out with “Add negative presets”.
        </p>
        <button
          type="button"
          className="button primary"
          onClick={() => useLookups.getState().editPreset(null)}
          data-testid="preset-new"
        >
          <GenIcon name="plus" size={15} /> New preset
        </button>
      </div>
      {error && (
        <div className="gen-error" role="alert">
          <GenIcon name="warning" size={16} />
          <div className="grow">Negative presets could not be loaded: {error}</div>
        </div>
      )}
      <div className={`lk-layout${draft ? ' with-panel' : ''}`}>
        <div className="lk-main">
          {presets === null && !error && <p className="gen-hint">Loading…</p>}
          {presets?.length === 0 && (
            <div className="card">
              <EmptyState icon={<GenIcon name="warning" size={26} />} title="No negative presets">
                Add the negatives you always type (“watermark, extra fingers”) once, per model
                family; every order gets them.
              </EmptyState>
            </div>
          )}
          {presets && presets.length > 0 && (
            <div className="card lk-table-card">
              <table className="lk-table" data-testid="presets-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Family</th>
                    <th className="lk-col-mode">Content</th>
                    <th className="num">Priority</th>
                    <th>Text</th>
                    <th>Active</th>
                  </tr>
                </thead>
                <tbody>
                  {presets.map((p) => {
                    const on = draft?.id === p.id;
                    return (
                      <tr
                        key={p.id}
                        className={`${on ? 'selected' : ''}${p.active ? '' : ' off'}`}
                        onClick={() => useLookups.getState().editPreset(p)}
                        data-testid="preset-row"
                        data-id={p.id}
                      >
                        <td>
                          <button
                            type="button"
                            className="lk-name-button"
                            aria-pressed={on}
                            onClick={(e) => {
                              e.stopPropagation();
                              useLookups.getState().editPreset(p);
                            }}
                          >
                            {p.name}
                          </button>
                        </td>
                        <td>{familyText(p.family)}</td>
                        <td className="lk-col-mode">{modeLabel(p.contentMode)}</td>
                        <td className="num">{p.priority}</td>
                        <td className="lk-col-text" title={p.text}>
                          {p.text}
                        </td>
                        <td>
                          {p.active ? (
                            <span className="lk-on">On</span>
                          ) : (
                            <span className="muted">Off</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
        {draft && <PresetEditor key={draft.id ?? 'new'} />}
      </div>
    </div>
  );
}
