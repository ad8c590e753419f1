import { useState } from 'react';
import type { ModelInfo } from '@contract/index';
import { formatBytes } from '@contract/format';
import { familyName, familyUnknownWhy, kindLabel, shortName } from './labels';
import { ModelThumb } from './ModelThumb';
import { selectionKey, useModels } from './modelsStore';

const FIRST = 300;

function Row({ m, selected }: { m: ModelInfo; selected: boolean }) {
  const select = () => useModels.getState().select(selected ? null : m);
  return (
    <tr
      className={`${selected ? 'selected' : ''}${m.nonCommercial ? ' nc' : ''}`}
      onClick={select}
      data-testid="model-row"
      data-model={m.matchKey}
      data-kind={m.kind}
    >
      <td className="mdl-col-thumb">
        <ModelThumb model={m} size={36} />
      </td>
      <td className="mdl-col-name">
        <button
          type="button"
          className="mdl-name"
          aria-pressed={selected}
          onClick={(e) => {
            e.stopPropagation();
            select();
          }}
          title={m.name}
        >
          {shortName(m.name)}
        </button>
        {m.baseModel && <div className="mdl-sub">{m.baseModel}</div>}
      </td>
      <td>{kindLabel[m.kind]}</td>
      <td className="mdl-col-family">
        {m.family ? (
          familyName(m.family)
        ) : (
          <span className="muted" title={familyUnknownWhy(m)}>
            —
          </span>
        )}
      </td>
      <td className="num mdl-col-size">{m.sizeBytes !== null ? formatBytes(m.sizeBytes) : '—'}</td>
      <td className="mdl-col-hash">
        {m.autov2 ? <span className="mdl-mono">{m.autov2}</span> : <span className="muted">—</span>}
      </td>
      <td className="num mdl-col-assets">{m.assetCount.toLocaleString()}</td>
      <td className="mdl-col-trigger">
        {m.triggerToken ? (
          <span className="mdl-token" title={m.triggerToken}>
            {m.triggerToken}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="mdl-col-license">
        {m.nonCommercial && (
          <span className="mdl-badge bad" title="Its license forbids selling what it makes">
            Non-commercial
          </span>
        )}
        {m.licenseNote && (
          <span className="mdl-license" title={m.licenseNote}>
            {m.licenseNote}
          </span>
        )}
        {!m.nonCommercial && !m.licenseNote && <span className="muted">—</span>}
      </td>
    </tr>
  );
}

export function ModelsTable({ models }: { models: ModelInfo[] }) {
  const selected = useModels((s) => s.selected);
  const [limit, setLimit] = useState(FIRST);
  return (
    <div className="card mdl-table-card">
      <table className="mdl-table" data-testid="models-table">
        <thead>
          <tr>
            <th className="mdl-col-thumb">
              <span className="visually-hidden">Thumbnail</span>
            </th>
            <th>Name</th>
            <th>Kind</th>
            <th className="mdl-col-family">Family</th>
            <th className="num mdl-col-size">Size</th>
            <th className="mdl-col-hash">AutoV2</th>
            <th className="num mdl-col-assets">Assets</th>
            <th className="mdl-col-trigger">Trigger</th>
            <th className="mdl-col-license">License</th>
          </tr>
        </thead>
        <tbody>
          {models.slice(0, limit).map((m) => (
            <Row key={selectionKey(m)} m={m} selected={selected === selectionKey(m)} />
          ))}
        </tbody>
      </table>
      {models.length > limit && (
        <button
          type="button"
          className="button ghost mdl-more"
          onClick={() => setLimit(limit + FIRST)}
        >
          Show {Math.min(FIRST, models.length - limit)} more ({models.length - limit} not shown)
        </button>
      )}
    </div>
  );
}
