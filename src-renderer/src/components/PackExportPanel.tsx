import { useState } from 'react';
import type { PackSummary, PresetId } from '@contract/index';
import { usePacks } from '../stores/packs';
import { formatBytes } from './PackAssetList';

/** Preset, options, the Export button, live progress and the history of exports. */
export function PackExportPanel({ pack }: { pack: PackSummary }) {
  const presets = usePacks((s) => s.presets);
  const report = usePacks((s) => s.report);
  const exportsList = usePacks((s) => s.exports);
  const progress = Object.values(usePacks((s) => s.progress)).filter((p) => p.packId === pack.id);
  const { startExport, cancelExport, reveal, check } = usePacks.getState();
  const [preset, setPreset] = useState<PresetId>(pack.defaultPreset ?? 'standard');
  const [watermark, setWatermark] = useState(false);
  const [reencode, setReencode] = useState<'' | 'jpeg' | 'webp'>('');
  const [maxSize, setMaxSize] = useState(4096);
  const blocking = report?.blocking ?? 0;
  const current = presets.find((p) => p.id === preset);

  return (
    <section className="card">
      <div className="card-header">
        <h2>Export</h2>
        <span className="muted">{current?.description}</span>
      </div>
      <div className="pack-export-row">
        <select
          value={preset}
          onChange={(e) => {
            setPreset(e.target.value as PresetId);
            void usePacks
              .getState()
              .update({ defaultPreset: e.target.value as PresetId })
              .then(() => check());
          }}
          aria-label="Marketplace preset"
        >
          {presets.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <label>
          <input
            type="checkbox"
            checked={watermark}
            onChange={(e) => setWatermark(e.target.checked)}
          />{' '}
          Watermark previews
        </label>
        <select
          value={reencode}
          onChange={(e) => setReencode(e.target.value as '' | 'jpeg' | 'webp')}
          aria-label="Image files"
        >
          <option value="">Original files</option>
          <option value="jpeg">Re-encode images as JPEG</option>
          <option value="webp">Re-encode images as WebP</option>
        </select>
        {reencode && (
          <label>
            max{' '}
            <input
              type="number"
              min={256}
              max={16384}
              step={256}
              value={maxSize}
              onChange={(e) => setMaxSize(Number(e.target.value))}
              style={{ width: 90 }}
            />{' '}
            px
          </label>
        )}
        <span className="grow" />
        <button
          className="button primary"
          disabled={blocking > 0 || pack.assetCount === 0 || progress.length > 0}
          title={blocking > 0 ? 'Resolve or accept the problems above first' : undefined}
          onClick={() =>
            void startExport({
              preset,
              watermarkPreviews: watermark,
              reencode: reencode ? { format: reencode, maxSize, quality: 90 } : null,
            })
          }
        >
          Export for {current?.name ?? preset}
        </button>
      </div>
      {progress.map((p) => (
        <div key={p.exportId}>
          <div className="pack-bar" role="progressbar" aria-valuenow={Math.round(p.fraction * 100)}>
            <span style={{ width: `${Math.round(p.fraction * 100)}%` }} />
          </div>
          <div className="pack-export-row">
            <span className="muted grow">
              {Math.round(p.fraction * 100)}% · {p.message}
            </span>
            <button className="button ghost" onClick={() => void cancelExport(p.exportId)}>
              Cancel
            </button>
          </div>
        </div>
      ))}
      <h2 style={{ margin: '18px 0 6px' }}>History</h2>
      {exportsList.length === 0 ? (
        <p className="muted">Not exported yet.</p>
      ) : (
        <ul className="pack-history" aria-label="Export history">
          {exportsList.map((e) => (
            <li key={e.id}>
              <span className={`dot dot-${e.status}`} />
              <div style={{ minWidth: 0 }}>
                <div>
                  v{e.version} · {presets.find((p) => p.id === e.preset)?.name ?? e.preset} ·{' '}
                  {new Date(e.startedAt).toLocaleString()} <span className="muted">{e.status}</span>
                </div>
                <div className="muted mono" style={{ fontSize: 12 }}>
                  {e.status === 'completed'
                    ? `${e.files.length} file${e.files.length === 1 ? '' : 's'} · ${formatBytes(e.totalBytes)} · ${e.assetCount} assets${e.skipped.length ? ` · ${e.skipped.length} left out` : ''}${e.sha256 ? ` · sha256 ${e.sha256.slice(0, 16)}…` : ''}`
                    : (e.error ?? '')}
                </div>
              </div>
              {e.status === 'completed' && (
                <button className="button" onClick={() => void reveal(e.id)}>
                  Show in folder
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
