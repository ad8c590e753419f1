import { useState } from 'react';
import type { PackAssetItem, PackSummary } from '@contract/index';
import { api } from '../api/client';
import { usePacks } from '../stores/packs';

export { formatBytes } from '@contract/format';
import { formatBytes } from '@contract/format';

function details(a: PackAssetItem): string {
  const bits: string[] = [a.type];
  if (a.width && a.height) bits.push(`${a.width}×${a.height}`);
  if (a.durationSec) bits.push(`${a.durationSec.toFixed(1)} s`);
  bits.push(formatBytes(a.sizeBytes));
  return bits.join(' · ');
}

/** The pack's assets in order: drag to reorder, rename for export, set the cover, remove. */
export function PackAssetList({ pack }: { pack: PackSummary }) {
  const assets = usePacks((s) => s.assets);
  const { move, removeAssets, setExportName, update } = usePacks.getState();
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<number | null>(null);

  if (assets.length === 0)
    return <p className="muted">No assets yet. Add approved assets from the Library.</p>;
  return (
    <ul className="pack-assets" aria-label="Pack assets">
      {assets.map((a, i) => (
        <li
          key={a.assetId}
          className={`pack-asset${dragging === a.assetId ? ' dragging' : ''}${over === i && dragging !== a.assetId ? ' drop-before' : ''}`}
          draggable
          data-asset-id={a.assetId}
          onDragStart={(e) => {
            setDragging(a.assetId);
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', a.assetId);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(i);
          }}
          onDragEnd={() => {
            setDragging(null);
            setOver(null);
          }}
          onDrop={(e) => {
            e.preventDefault();
            const id = e.dataTransfer.getData('text/plain');
            const from = assets.findIndex((x) => x.assetId === id);
            setDragging(null);
            setOver(null);
            if (from < 0 || from === i) return;
            void move(id, from < i ? i - 1 : i);
          }}
        >
          <span className="grip" title="Drag to reorder">
            ⋮⋮
          </span>
          <span className="thumb">
            {a.hasThumb ? (
              <img src={api.mediaUrl(a.assetId, 'thumb-small')} alt="" loading="lazy" />
            ) : (
              a.type
            )}
          </span>
          <div style={{ minWidth: 0 }}>
            <div className="fname" title={a.filename}>
              {a.filename} {pack.coverAssetId === a.assetId && <span className="pill">cover</span>}
            </div>
            <div className="sub">
              {details(a)} ·{' '}
              <span className={`pill ${a.missing ? 'missing' : a.status}`}>
                {a.missing ? 'missing' : a.status}
              </span>
            </div>
          </div>
          <input
            defaultValue={a.exportFilename ?? ''}
            placeholder={a.effectiveName}
            title={`Exported as ${a.effectiveName}`}
            aria-label={`Export name for ${a.filename}`}
            onBlur={(e) => {
              const v = e.target.value.trim() || null;
              if (v !== a.exportFilename) void setExportName(a.assetId, v);
            }}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
          <button
            className="button ghost"
            onClick={() => void update({ coverAssetId: a.assetId })}
            disabled={pack.coverAssetId === a.assetId}
            title="Use as the pack cover"
          >
            Cover
          </button>
          <button
            className="icon-button"
            onClick={() => void removeAssets([a.assetId])}
            aria-label={`Remove ${a.filename}`}
            title="Remove from the pack"
          >
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}
