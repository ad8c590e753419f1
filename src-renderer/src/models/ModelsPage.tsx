import { useEffect } from 'react';
import type { ModelFamily, ModelKind } from '@contract/index';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { GenIcon } from '../generate/GenIcon';
import { families, familyLabel, kindPlural, kinds } from './labels';
import { ModelPanel } from './ModelPanel';
import { useModels } from './modelsStore';
import { ModelsTable } from './ModelsTable';
import { ScanSummary } from './ScanSummary';
import './models.css';

function Filters() {
  const f = useModels((s) => s.filters);
  const set = useModels((s) => s.setFilters);
  return (
    <div className="mdl-filters" role="search" aria-label="Filter models">
      <div className="mdl-search">
        <GenIcon name="search" size={14} />
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search by name"
          value={f.search}
          onChange={(e) => set({ search: e.target.value })}
          data-testid="models-search"
        />
      </div>
      <select
        aria-label="Kind"
        value={f.kind}
        onChange={(e) => set({ kind: e.target.value as ModelKind | '' })}
        data-testid="models-kind"
      >
        <option value="">All kinds</option>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {kindPlural[k]}
          </option>
        ))}
      </select>
      <select
        aria-label="Family"
        value={f.family}
        onChange={(e) => set({ family: e.target.value as ModelFamily | '' })}
        data-testid="models-family"
      >
        <option value="">All families</option>
        {families.map((x) => (
          <option key={x} value={x}>
            {familyLabel[x]}
          </option>
        ))}
      </select>
      <label className="mdl-check">
        <input
          type="checkbox"
          checked={f.available}
          onChange={(e) => set({ available: e.target.checked })}
          data-testid="models-available"
        />
        With a file
      </label>
    </div>
  );
}

/**
 * Models: checkpoints, LoRAs, VAEs and upscalers found in the model folders and on engine
 * servers, and the ones the Library's images name; what the creator records about each.
 *
 * Test hooks: models-page · models-scan · models-scan-summary · models-scan-problems
 * models-search · models-kind · models-family · models-available · models-table
 * model-row (data-model, data-kind) · model-panel · model-use · model-trigger-token
 * model-trigger-words · model-description · model-license-note · model-noncommercial
 * model-save · model-files
 */
export function ModelsPage() {
  const models = useModels((s) => s.models);
  const error = useModels((s) => s.error);
  const filters = useModels((s) => s.filters);
  const scanning = useModels((s) => s.scanning);
  const scan = useModels((s) => s.scan);
  const scanError = useModels((s) => s.scanError);
  const open = useModels((s) => s.detail !== null);

  useEffect(() => {
    // Typing waits for a pause; the other filters apply at once.
    const t = setTimeout(() => void useModels.getState().load(), filters.search ? 250 : 0);
    return () => clearTimeout(t);
  }, [filters]);

  const filtered = !!(filters.search || filters.kind || filters.family || filters.available);
  return (
    <div className="page mdl-page" data-testid="models-page">
      <PageHeader
        title="Models"
        subtitle="Checkpoints and LoRAs in your model folders and on engine servers, and every model your images name."
        actions={
          <button
            type="button"
            className="button primary"
            onClick={() => void useModels.getState().runScan()}
            disabled={scanning}
            data-testid="models-scan"
          >
            <GenIcon name="refresh" size={15} />
            {scanning ? 'Scanning…' : 'Scan'}
          </button>
        }
      />
      <div className="stack">
        {scan && <ScanSummary scan={scan} />}
        {scanError && (
          <div className="mdl-alert" role="alert">
            <GenIcon name="warning" size={16} /> The scan failed: {scanError}
          </div>
        )}
        <Filters />
        {error && (
          <div className="mdl-alert" role="alert">
            <GenIcon name="warning" size={16} /> Models could not be loaded: {error}
          </div>
        )}
        <div className={`mdl-layout${open ? ' with-panel' : ''}`}>
          <div className="mdl-main">
            {models === null && !error && <p className="muted">Loading models…</p>}
            {models && models.length === 0 && (
              <EmptyState
                icon={<GenIcon name="cube" size={28} />}
                title={filtered ? 'No model matches' : 'No models yet'}
              >
                {filtered
                  ? 'Change the search or the filters.'
                  : 'Put .safetensors or .gguf files in the data directory’s models folder (checkpoints, loras…) or add a folder in Settings → Engines, then Scan.'}
              </EmptyState>
            )}
            {models && models.length > 0 && <ModelsTable models={models} />}
          </div>
          <ModelPanel />
        </div>
      </div>
    </div>
  );
}
