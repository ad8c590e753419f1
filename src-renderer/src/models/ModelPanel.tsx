import { useEffect, useRef, useState } from 'react';
import type { ModelInfo } from '@contract/index';
import { formatBytes } from '@contract/format';
import { GenIcon } from '../generate/GenIcon';
import { sendModelToGenerate } from '../generate/remix';
import { familyName, familyUnknownWhy, kindLabel, shortName } from './labels';
import { ModelThumb } from './ModelThumb';
import { selectionKey, useModels } from './modelsStore';

interface Draft {
  triggerToken: string;
  description: string;
  licenseNote: string;
  nonCommercial: boolean;
}

const draftOf = (m: ModelInfo): Draft => ({
  triggerToken: m.triggerToken ?? '',
  description: m.description ?? '',
  licenseNote: m.licenseNote ?? '',
  nonCommercial: m.nonCommercial,
});

const same = (a: Draft, b: Draft) =>
  a.triggerToken.trim() === b.triggerToken.trim() &&
  a.description.trim() === b.description.trim() &&
  a.licenseNote.trim() === b.licenseNote.trim() &&
  a.nonCommercial === b.nonCommercial;

/** Trigger token, description and license: what the creator records about a model. */
function EditForm({ model }: { model: ModelInfo }) {
  const saved = draftOf(model);
  const [draft, setDraft] = useState<Draft>(saved);
  const [status, setStatus] = useState<{ saving?: boolean; error?: string; ok?: boolean }>({});
  // The same model changed elsewhere (a scan, another window) while untouched here: follow it.
  const base = useRef(saved);
  useEffect(() => {
    const next = draftOf(model);
    setDraft((d) => (same(d, base.current) ? next : d));
    base.current = next;
  }, [model]);
  const dirty = !same(draft, saved);
  const save = async () => {
    setStatus({ saving: true });
    const error = await useModels.getState().save(model, {
      triggerToken: draft.triggerToken.trim() || null,
      description: draft.description.trim() || null,
      licenseNote: draft.licenseNote.trim() || null,
      nonCommercial: draft.nonCommercial,
    });
    setStatus(error ? { error } : { ok: true });
  };
  const words = model.triggerWords;
  return (
    <form
      className="mdl-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty) void save();
      }}
    >
      <label htmlFor="mdl-trigger">Trigger token</label>
      <input
        id="mdl-trigger"
        value={draft.triggerToken}
        onChange={(e) => setDraft({ ...draft, triggerToken: e.target.value })}
        placeholder={
          words[0] ? `${words[0]} (the first trigger word)` : 'The word that calls it up'
        }
        maxLength={200}
        data-testid="model-trigger-token"
      />
      {words.length > 0 && (
        <div className="mdl-words">
          <span className="mdl-words-label" id="mdl-words-label">
            Trigger words from its training, most frequent first — pick one as the token:
          </span>
          <div
            className="mdl-chips"
            role="group"
            aria-labelledby="mdl-words-label"
            data-testid="model-trigger-words"
          >
            {words.map((w) => (
              <button
                key={w}
                type="button"
                className={`mdl-chip${draft.triggerToken.trim() === w ? ' on' : ''}`}
                aria-pressed={draft.triggerToken.trim() === w}
                onClick={() => setDraft({ ...draft, triggerToken: w })}
              >
                {w}
              </button>
            ))}
          </div>
        </div>
      )}
      <label htmlFor="mdl-description">Description</label>
      <textarea
        id="mdl-description"
        rows={3}
        value={draft.description}
        onChange={(e) => setDraft({ ...draft, description: e.target.value })}
        placeholder="What it is good at, where it came from"
        maxLength={4000}
        data-testid="model-description"
      />
      <label htmlFor="mdl-license">License</label>
      <input
        id="mdl-license"
        value={draft.licenseNote}
        onChange={(e) => setDraft({ ...draft, licenseNote: e.target.value })}
        placeholder="e.g. CreativeML Open RAIL++-M, CC BY-NC 4.0"
        maxLength={500}
        data-testid="model-license-note"
      />
      <label className="mdl-nc">
        <input
          type="checkbox"
          checked={draft.nonCommercial}
          onChange={(e) => setDraft({ ...draft, nonCommercial: e.target.checked })}
          data-testid="model-noncommercial"
        />
        <span>
          Non-commercial
          <span className="mdl-hint">
            Its license forbids selling what it makes: commercial packs holding its images are
            blocked at export.
          </span>
        </span>
      </label>
      <div className="mdl-form-actions">
        {status.error && (
          <span className="mdl-error" role="alert">
            {status.error}
          </span>
        )}
        {status.ok && !dirty && (
          <span className="mdl-ok" role="status">
            Saved
          </span>
        )}
        <button
          type="button"
          className="button ghost"
          disabled={!dirty || status.saving}
          onClick={() => {
            setDraft(saved);
            setStatus({});
          }}
        >
          Revert
        </button>
        <button
          type="submit"
          className="button primary"
          disabled={!dirty || status.saving}
          data-testid="model-save"
        >
          {status.saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

function Facts({ m }: { m: ModelInfo }) {
  const rows: [string, string | null][] = [
    ['Kind', kindLabel[m.kind]],
    ['Family', m.family ? familyName(m.family) : `Not known. ${familyUnknownWhy(m)}`],
    ['Base model', m.baseModel],
    ['Format', m.format],
    ['Resolution', m.resolution],
    ['Size', m.sizeBytes !== null ? formatBytes(m.sizeBytes) : null],
    ['AutoV2', m.autov2],
    ['Other hashes', m.hashes.filter((h) => h !== m.autov2).join(', ') || null],
    ['Images', m.assetCount.toLocaleString()],
  ];
  return (
    <dl className="mdl-facts">
      {rows
        .filter(([, v]) => v)
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className={k === 'AutoV2' || k === 'Other hashes' ? 'mdl-mono' : undefined}>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The side panel of the selected model: facts, the editable record, its files. */
export function ModelPanel() {
  const m = useModels((s) => s.detail);
  const detailError = useModels((s) => s.detailError);
  const heading = useRef<HTMLHeadingElement>(null);
  const key = m ? selectionKey(m) : null;
  useEffect(() => {
    if (key) heading.current?.focus();
  }, [key]);
  // Escape closes it wherever the focus is (a disabled Save drops it to the page).
  const open = m !== null;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) useModels.getState().select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!m) return null;
  const close = () => useModels.getState().select(null);
  return (
    <aside className="mdl-panel" aria-labelledby="mdl-panel-title" data-testid="model-panel">
      <div className="mdl-panel-head">
        <ModelThumb model={m} size={64} />
        <div className="grow">
          <h2 id="mdl-panel-title" ref={heading} tabIndex={-1} title={m.name}>
            {shortName(m.name)}
          </h2>
          <div className="mdl-panel-badges">
            <span className="mdl-badge">{kindLabel[m.kind]}</span>
            {m.family && <span className="mdl-badge">{familyName(m.family)}</span>}
            {m.nonCommercial && <span className="mdl-badge bad">Non-commercial</span>}
          </div>
        </div>
        <button type="button" className="icon-button" aria-label="Close" onClick={close}>
          <GenIcon name="x" size={16} />
        </button>
      </div>
      {(m.kind === 'checkpoint' || m.kind === 'lora') && m.files.some((f) => !f.problem) && (
        <button
          type="button"
          className="button mdl-use"
          onClick={() => sendModelToGenerate(m)}
          data-testid="model-use"
        >
          <GenIcon name="sparkle" size={15} />
          {m.kind === 'lora' ? 'Add to Generate' : 'Generate with it'}
        </button>
      )}
      {detailError && (
        <p className="mdl-error" role="alert">
          {detailError}
        </p>
      )}
      {m.description && <p className="mdl-description">{m.description}</p>}
      <Facts m={m} />
      <h3>Record</h3>
      <EditForm key={key} model={m} />
      <h3>Files</h3>
      {m.files.length === 0 ? (
        <p className="mdl-hint">
          No file found: it is known from the metadata of images in the Library. Put its file in a
          model folder and Scan to generate with it.
        </p>
      ) : (
        <ul className="mdl-files" data-testid="model-files">
          {m.files.map((f) => (
            <li key={`${f.location}:${f.path}`}>
              <div className="mdl-file-where">
                <span className="mdl-badge">{f.locationLabel}</span>
                {f.sizeBytes !== null && <span className="muted">{formatBytes(f.sizeBytes)}</span>}
              </div>
              <div className="mdl-mono mdl-path">{f.path}</div>
              {f.problem && <div className="mdl-error">{f.problem}</div>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
