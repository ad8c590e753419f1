import { useState } from 'react';
import type { PackCheckReport, PackExportRecord, PackSummary, PresetId } from '@contract/index';
import { api } from '../api/client';
import { usePacks } from '../stores/packs';
import { formatBytes } from './PackAssetList';

/** Why Export cannot start, in words shown beside the button; null when it can. */
function blockedReason(
  pack: PackSummary,
  report: PackCheckReport | null,
  running: boolean,
): string | null {
  if (pack.assetCount === 0) return 'Add assets to the pack first.';
  if (running) return 'An export of this pack is running.';
  if (!report) return 'Checking the pack…';
  const blocking = report.issues.filter((i) => i.severity === 'error' && !i.accepted);
  if (blocking.length === 0) return null;
  const first = blocking[0]!;
  const what = first.fix ? `${first.fix.label.replace(/^./, (c) => c.toLowerCase())}` : null;
  return blocking.length === 1
    ? `Blocked by 1 check: ${what ? `${what} (above)` : first.message}`
    : `Blocked by ${blocking.length} checks above; fix or accept them.`;
}

function nextVersion(v: string, kind: 'patch' | 'minor' | 'major'): string {
  const nums = (/^v?(\d+(?:\.\d+)*)/.exec(v.trim())?.[1] ?? '1.0.0').split('.').map(Number);
  while (nums.length < 2) nums.push(0);
  if (kind === 'patch' && nums.length < 3) nums.push(0);
  const i = kind === 'major' ? 0 : kind === 'minor' ? 1 : 2;
  nums[i] = (nums[i] ?? 0) + 1;
  for (let j = i + 1; j < nums.length; j++) nums[j] = 0;
  return nums.join('.');
}

/** A browser (serve mode) downloads the files; the desktop app shows them in the folder. */
function ExportFiles({ e }: { e: PackExportRecord }) {
  const { reveal } = usePacks.getState();
  if (api.transport !== 'http')
    return (
      <button className="button" onClick={() => void reveal(e.id)}>
        Show in folder
      </button>
    );
  return (
    <span className="pack-export-row">
      {e.files.map((f, i) => (
        <a
          key={f.path}
          className="button"
          href={`/exports/${encodeURIComponent(e.id)}/${i}`}
          download={f.path.split(/[\\/]/).pop()}
          data-testid="export-download"
        >
          {e.files.length === 1
            ? 'Download ZIP'
            : f.kind === 'collage'
              ? 'Listing image'
              : `Download ${f.path.split(/[\\/]/).pop()}`}
        </a>
      ))}
    </span>
  );
}

/** Preset, options, the Export button, live progress and the history of exports. */
export function PackExportPanel({ pack }: { pack: PackSummary }) {
  const presets = usePacks((s) => s.presets);
  const report = usePacks((s) => s.report);
  const exportsList = usePacks((s) => s.exports);
  const progress = Object.values(usePacks((s) => s.progress)).filter((p) => p.packId === pack.id);
  const { startExport, cancelExport, check, update } = usePacks.getState();
  const [preset, setPreset] = useState<PresetId>(pack.defaultPreset ?? 'standard');
  const [watermark, setWatermark] = useState(false);
  const [reencode, setReencode] = useState<'' | 'jpeg' | 'webp'>('');
  const [maxSize, setMaxSize] = useState(4096);
  const current = presets.find((p) => p.id === preset);
  const exportedBefore = exportsList.some(
    (e) => e.status === 'completed' && e.version === pack.version,
  );
  const [bump, setBump] = useState<'none' | 'patch' | 'minor' | 'major'>('minor');
  const [changelog, setChangelog] = useState('');
  const reason = blockedReason(pack, report, progress.length > 0);

  return (
    <section className="card" aria-label="Export">
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
      </div>
      <div
        className="pack-export-row pack-include"
        role="group"
        aria-label="What the export includes"
      >
        <label>
          <input
            type="checkbox"
            checked={pack.includePrompts}
            onChange={(e) => void update({ includePrompts: e.target.checked })}
          />{' '}
          Include prompts <span className="muted">(prompts/ and the manifest’s generator)</span>
        </label>
        <label>
          <input
            type="checkbox"
            checked={pack.stripMetadata}
            onChange={(e) => void update({ stripMetadata: e.target.checked })}
          />{' '}
          Strip generation metadata from files{' '}
          <span className="muted">(PNG text, EXIF, XMP; no re-encode)</span>
        </label>
      </div>
      {exportedBefore && (
        <div className="pack-export-row pack-version-bump">
          <label>
            Re-export as{' '}
            <select
              aria-label="Version bump"
              value={bump}
              onChange={(e) => setBump(e.target.value as typeof bump)}
            >
              <option value="minor">v{nextVersion(pack.version, 'minor')} (new content)</option>
              <option value="patch">v{nextVersion(pack.version, 'patch')} (fixes)</option>
              <option value="major">v{nextVersion(pack.version, 'major')} (big change)</option>
              <option value="none">v{pack.version} (same version)</option>
            </select>
          </label>
          {bump !== 'none' && (
            <input
              className="grow"
              aria-label="What changed"
              placeholder="What changed, for the README’s version history"
              value={changelog}
              maxLength={500}
              onChange={(e) => setChangelog(e.target.value)}
            />
          )}
        </div>
      )}
      <div className="pack-export-row pack-export-go">
        <button
          className="button primary"
          disabled={reason !== null}
          aria-describedby="pack-export-reason"
          onClick={() =>
            void startExport({
              preset,
              watermarkPreviews: watermark,
              reencode: reencode ? { format: reencode, maxSize, quality: 90 } : null,
              ...(exportedBefore && bump !== 'none'
                ? { bump, changelog: changelog.trim() || undefined }
                : {}),
            }).then(() => setChangelog(''))
          }
        >
          Export for {current?.name ?? preset}
        </button>
        {reason && (
          <span id="pack-export-reason" className="pack-export-reason" data-testid="export-reason">
            {reason}
          </span>
        )}
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
                    ? `${e.files.length} file${e.files.length === 1 ? '' : 's'} · ${formatBytes(e.totalBytes)} · ${e.assetCount} assets${e.skipped.length ? ` · ${e.skipped.length} left out` : ''}${e.includedPrompts === null ? '' : ` · prompts ${e.includedPrompts ? 'included' : 'left out'} · metadata ${e.strippedMetadata ? 'stripped' : 'kept'}`}${e.sha256 ? ` · sha256 ${e.sha256.slice(0, 16)}…` : ''}`
                    : (e.error ?? '')}
                </div>
              </div>
              {e.status === 'completed' && <ExportFiles e={e} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
