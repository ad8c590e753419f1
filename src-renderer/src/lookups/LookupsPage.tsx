/**
 * Lookups: the named lists a prompt draws from (`[colour]`, `__colour__`), imported wildcard
 * folders among them; and, on a second tab, the negative presets every order gets.
 *
 * Test hooks (data-testid):
 *   lookups-page · lookups-tab (data-tab="lookups" | "presets")
 *   lookups: lookups-search · lookups-new · lookups-import · lookups-table · lookup-row
 *            (data-key) · lookup-builtin · lookups-empty · lookup-editor · lookup-name
 *            lookup-values · lookup-description · lookup-category · lookup-save · lookup-delete
 *            lookup-delete-confirm · lookup-error · lookup-readonly · lookup-copy
 *   import:  lookups-import-dialog · lookups-import-dir · lookups-import-replace
 *            lookups-import-run · lookups-import-result · lookups-import-error
 *   presets: preset-new · presets-table · preset-row (data-id) · preset-editor · preset-name
 *            preset-family · preset-mode · preset-text · preset-priority · preset-active
 *            preset-save · preset-delete · preset-delete-confirm · preset-error
 */
import { useEffect, useState } from 'react';
import type { LookupInfo } from '@contract/index';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { GenIcon } from '../generate/GenIcon';
import { ImportDialog } from './ImportDialog';
import { LookupEditor } from './LookupEditor';
import { useLookups, watchLookups, type LookupsTab } from './lookupsStore';
import { PresetsTab } from './PresetsTab';
import './lookups.css';

const SAMPLE = 4;

function Row({ l, selected }: { l: LookupInfo; selected: boolean }) {
  const open = () => useLookups.getState().edit(l);
  return (
    <tr
      className={selected ? 'selected' : undefined}
      onClick={open}
      data-testid="lookup-row"
      data-key={l.key}
    >
      <td className="lk-col-name">
        <button
          type="button"
          className="lk-name-button mono"
          aria-pressed={selected}
          onClick={(e) => {
            e.stopPropagation();
            open();
          }}
        >
          [{l.key}]
        </button>
        {l.system && (
          <span className="lk-badge" data-testid="lookup-builtin">
            built-in
          </span>
        )}
      </td>
      <td className="lk-col-values">
        <span className="lk-count">{l.values.length.toLocaleString()}</span>
        <span className="lk-sample" title={l.values.slice(0, 30).join(', ')}>
          {l.values.slice(0, SAMPLE).join(', ')}
          {l.values.length > SAMPLE ? ', …' : ''}
        </span>
      </td>
      <td className="lk-col-category">{l.category || <span className="muted">—</span>}</td>
      <td className="lk-col-text" title={l.description}>
        {l.description || <span className="muted">—</span>}
      </td>
    </tr>
  );
}

function LookupsList() {
  const lookups = useLookups((s) => s.lookups);
  const error = useLookups((s) => s.error);
  const search = useLookups((s) => s.search);
  const draft = useLookups((s) => s.draft);
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => void useLookups.getState().load(), search ? 200 : 0);
    return () => clearTimeout(t);
  }, [search]);
  return (
    <div className="stack">
      <div className="lk-toolbar">
        <div className="lk-search">
          <GenIcon name="search" size={14} />
          <input
            type="search"
            aria-label="Search lookups"
            placeholder="Search lookups"
            value={search}
            onChange={(e) => useLookups.getState().setSearch(e.target.value)}
            data-testid="lookups-search"
          />
        </div>
        <span className="grow" />
        <button
          type="button"
          className="button"
          onClick={() => setImporting(true)}
          data-testid="lookups-import"
        >
          <GenIcon name="folderIn" size={15} /> Import wildcard folder…
        </button>
        <button
          type="button"
          className="button primary"
          onClick={() => useLookups.getState().edit(null)}
          data-testid="lookups-new"
        >
          <GenIcon name="plus" size={15} /> New lookup
        </button>
      </div>
      {error && (
        <div className="gen-error" role="alert">
          <GenIcon name="warning" size={16} />
          <div className="grow">Lookups could not be loaded: {error}</div>
        </div>
      )}
      <div className={`lk-layout${draft ? ' with-panel' : ''}`}>
        <div className="lk-main">
          {lookups === null && !error && <p className="gen-hint">Loading…</p>}
          {lookups?.length === 0 && (
            <div className="card" data-testid="lookups-empty">
              {search.trim() ? (
                <EmptyState icon={<GenIcon name="search" size={26} />} title="No lookup matches">
                  Nothing named or described “{search.trim()}”.
                </EmptyState>
              ) : (
                <EmptyState icon={<GenIcon name="lookups" size={28} />} title="No lookups yet">
                  A lookup is a named list: <code>[colour]</code> or <code>__colour__</code> in a
                  prompt draws one of its values for each image. Make one with New lookup, or import
                  a folder of wildcard files.
                </EmptyState>
              )}
            </div>
          )}
          {lookups && lookups.length > 0 && (
            <div className="card lk-table-card">
              <table className="lk-table" data-testid="lookups-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Values</th>
                    <th className="lk-col-category">Category</th>
                    <th>Description</th>
                  </tr>
                </thead>
                <tbody>
                  {lookups.map((l) => (
                    <Row key={l.key} l={l} selected={draft?.original === l.key} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        {draft && <LookupEditor key={draft.original ?? 'new'} />}
      </div>
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </div>
  );
}

const tabs: { id: LookupsTab; label: string }[] = [
  { id: 'lookups', label: 'Lookups' },
  { id: 'presets', label: 'Negative presets' },
];

export function LookupsPage() {
  const tab = useLookups((s) => s.tab);
  useEffect(() => {
    void useLookups.getState().load();
    void useLookups.getState().loadPresets();
    return watchLookups();
  }, []);
  return (
    <div className="page lk-page" data-testid="lookups-page">
      <PageHeader
        title="Lookups"
        subtitle={
          <>
            Named lists a prompt draws from: <code>a [colour] cat</code> makes each image with one
            of the values of <code>colour</code>. Negative presets are appended to every order’s
            negative prompt.
          </>
        }
      />
      <div className="lk-tabs" role="tablist" aria-label="Lookups and negative presets">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`lk-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`lk-panel-${t.id}`}
            className={`lk-tab${tab === t.id ? ' on' : ''}`}
            onClick={() => useLookups.getState().setTab(t.id)}
            data-testid="lookups-tab"
            data-tab={t.id}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`lk-panel-${tab}`} aria-labelledby={`lk-tab-${tab}`}>
        {tab === 'lookups' ? <LookupsList /> : <PresetsTab />}
      </div>
    </div>
  );
}
