import { useEffect, useMemo, useState } from 'react';
import type { CurationPatch, GridItem } from '@contract/index';
import { api } from '../api/client';
import { Stars } from './AssetCard';
import { dimensions, displayName } from './format';
import { useLibrary } from './libraryStore';
import './culling.css';

/**
 * Compare (C): 2–4 selected assets side by side, as big as the window allows. ←/→ or a click
 * picks the active one; P, X, U, 0–5 and L decide on it; Esc (or C) goes back to the grid with
 * the same selection.
 */
export function CompareView({ ids }: { ids: string[] }) {
  const items = useLibrary((s) => s.items);
  const shown = useMemo(() => {
    const byId = new Map(items.map((i) => [i.id, i]));
    return ids.map((id) => byId.get(id)).filter((i): i is GridItem => Boolean(i));
  }, [items, ids]);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const close = () => useLibrary.getState().set({ compare: null });
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const key = e.key.toLowerCase();
      const current = shown[active];
      const decide = (patch: CurationPatch) => {
        if (!current) return;
        e.preventDefault();
        void useLibrary.getState().curate(patch, [current.id]);
      };
      if (key === 'escape' || key === 'c') {
        e.preventDefault();
        close();
      } else if (key === 'arrowright' || key === 'arrowdown') {
        e.preventDefault();
        setActive((a) => Math.min(shown.length - 1, a + 1));
      } else if (key === 'arrowleft' || key === 'arrowup') {
        e.preventDefault();
        setActive((a) => Math.max(0, a - 1));
      } else if (key === 'p') decide({ status: 'approved' });
      else if (key === 'x') decide({ status: 'rejected' });
      else if (key === 'u') decide({ status: 'pending' });
      else if (key === 'l' && current) decide({ liked: !current.liked });
      else if (/^[0-5]$/.test(key)) decide({ rating: Number(key) });
      else return;
      e.stopImmediatePropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [shown, active]);
  return (
    <div className="compare" role="dialog" aria-label="Compare" data-testid="compare-view">
      <div className={`compare-grid n${Math.max(2, shown.length)}`}>
        {shown.map((it, i) => (
          <div
            key={it.id}
            className={`compare-cell${i === active ? ' active' : ''} ${it.status}`}
            data-testid="compare-cell"
            data-id={it.id}
            data-status={it.status}
            aria-current={i === active ? 'true' : undefined}
            onClick={() => setActive(i)}
          >
            <div className="compare-pic">
              {it.type === 'image' ? (
                <img src={api.mediaUrl(it.id, 'file')} alt={displayName(it)} draggable={false} />
              ) : (
                <img src={api.mediaUrl(it.id, 'thumb')} alt={displayName(it)} draggable={false} />
              )}
            </div>
            <div className="compare-caption">
              <span className={`pill pill-${it.status}`}>{it.status}</span>
              <Stars rating={it.rating} />
              {it.liked && <span className="like">♥</span>}
              <span className="name">{displayName(it)}</span>
              <span className="muted">{dimensions(it)}</span>
            </div>
          </div>
        ))}
      </div>
      <div className="review-bar">
        <span className="grow">
          Comparing {shown.length} · <span className="muted">click or ←/→ picks one</span>
        </span>
        <span className="keys muted">P approve · X reject · 0–5 rate · L like · Esc close</span>
      </div>
    </div>
  );
}
