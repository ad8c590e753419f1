import { useMemo } from 'react';
import type { PackAssetItem, PackSummary } from '@contract/index';
import { api } from '../api/client';
import { usePacks } from '../stores/packs';

/** How many pictures the picker shows: the best ones first, which are the ones worth picking. */
const SHOWN = 48;
const COLLAGE_MAX = 12;

/** Best rated first, then newest: the order the export takes when nothing is picked. */
function ranked(items: PackAssetItem[]): PackAssetItem[] {
  return items
    .filter((a) => (a.type === 'image' || a.type === 'video') && !a.missing)
    .sort((a, b) => b.rating - a.rating || (a.addedAt < b.addedAt ? 1 : -1));
}

/**
 * The hero shot and the listing collage's pictures. Nothing picked: the best rated, then newest
 * (what the export does). The collage keeps every picture whole in a justified layout, so any
 * count works.
 */
export function PackMarketing({ pack }: { pack: PackSummary }) {
  const assets = usePacks((s) => s.assets);
  const { update } = usePacks.getState();
  const order = useMemo(() => ranked([...assets]), [assets]);
  const shown = order.slice(0, SHOWN);
  const hero = pack.heroAssetId ?? order[0]?.assetId ?? null;
  const picks = pack.collageAssetIds;
  const collage = new Set(picks ?? order.slice(0, 6).map((a) => a.assetId));
  if (order.length === 0) return null;

  const toggleCollage = (id: string) => {
    const current = picks ?? order.slice(0, 6).map((a) => a.assetId);
    const next = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
    void update({ collageAssetIds: next.length ? next.slice(0, COLLAGE_MAX) : null });
  };

  return (
    <section className="card" aria-label="Marketing images">
      <div className="card-header">
        <h2>
          Marketing images{' '}
          <span className="muted" style={{ fontWeight: 400 }}>
            hero {pack.heroAssetId ? 'picked' : 'automatic'} · collage{' '}
            {picks ? `${picks.length} picked` : 'automatic'}
          </span>
        </h2>
        <span className="pack-export-row">
          {(pack.heroAssetId || picks) && (
            <button
              className="button ghost"
              onClick={() => void update({ heroAssetId: null, collageAssetIds: null })}
            >
              Back to automatic
            </button>
          )}
        </span>
      </div>
      <p className="muted pack-note">
        Click a picture to make it the hero (full size in previews/). Tick the ones for the listing
        collage; nothing picked means the best rated, then the newest.
      </p>
      <ul className="pack-marketing" aria-label="Pictures for the hero and collage">
        {shown.map((a) => (
          <li
            key={a.assetId}
            className={`pack-mk${a.assetId === hero ? ' hero' : ''}${collage.has(a.assetId) ? ' in-collage' : ''}`}
            data-asset-id={a.assetId}
          >
            <button
              className="pack-mk-pick"
              title={`Make ${a.effectiveName} the hero`}
              aria-pressed={a.assetId === hero}
              onClick={() => void update({ heroAssetId: a.assetId })}
            >
              {a.hasThumb ? (
                <img src={api.mediaUrl(a.assetId, 'thumb-small')} alt={a.effectiveName} />
              ) : (
                <span>{a.type}</span>
              )}
              {a.assetId === hero && <span className="pack-mk-badge">Hero</span>}
            </button>
            <label className="pack-mk-collage">
              <input
                type="checkbox"
                checked={collage.has(a.assetId)}
                onChange={() => toggleCollage(a.assetId)}
                aria-label={`Collage: ${a.effectiveName}`}
              />{' '}
              Collage
            </label>
          </li>
        ))}
      </ul>
      {order.length > SHOWN && (
        <p className="muted pack-note">
          Showing the {SHOWN} best rated of {order.length} pictures.
        </p>
      )}
    </section>
  );
}
