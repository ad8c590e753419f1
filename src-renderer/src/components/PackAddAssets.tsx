import { useEffect, useState } from 'react';
import type { AssetSummary } from '@contract/index';
import { api } from '../api/client';
import { usePacks } from '../stores/packs';
import { toastError } from '../stores/toasts';

/**
 * Picks assets from the Library (approved first, searchable) and adds them to the pack; or adds
 * everything a full-text search matches, as a saved search does.
 */
export function PackAddAssets({ packId, onClose }: { packId: string; onClose: () => void }) {
  const inPack = new Set(usePacks((s) => s.assets).map((a) => a.assetId));
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'approved' | 'all'>('approved');
  const [items, setItems] = useState<AssetSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [ids, setIds] = useState('');
  const [busy, setBusy] = useState(false);

  const query = (after: string | null) =>
    api.call('assets.list', {
      limit: 120,
      search: search.trim() || undefined,
      status: status === 'approved' ? 'approved' : undefined,
      cursor: after ?? undefined,
    });
  const loadMore = async () => {
    try {
      const page = await query(cursor);
      setItems([...items, ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      toastError('Could not load the library', err);
    }
  };
  // The first page again whenever the search or the filter changes (typing settles first).
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api
        .call('assets.list', {
          limit: 120,
          search: search.trim() || undefined,
          status: status === 'approved' ? 'approved' : undefined,
        })
        .then(
          (page) => {
            if (!live) return;
            setItems(page.items);
            setCursor(page.nextCursor);
          },
          (err) => live && toastError('Could not load the library', err),
        );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [search, status]);

  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const add = async (query?: string) => {
    setBusy(true);
    const typed = ids
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const n = await usePacks.getState().addAssets(packId, [...picked, ...typed], query);
    setBusy(false);
    if (n > 0 || query || picked.length || typed.length) onClose();
  };

  return (
    <div className="pack-dialog-backdrop" onClick={onClose} role="presentation">
      <div
        className="card pack-dialog"
        onClick={(e) => e.stopPropagation()}
        role="dialog"
        aria-label="Add assets"
      >
        <div className="card-header">
          <h2>Add assets from the Library</h2>
          <button className="icon-button" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <div className="pack-export-row">
          <input
            className="grow"
            placeholder="Search titles, prompts, tags…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search the library"
          />
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as 'approved' | 'all')}
            aria-label="Which assets"
          >
            <option value="approved">Approved only</option>
            <option value="all">All assets</option>
          </select>
        </div>
        <div className="pack-picker">
          {items.map((a) => {
            const already = inPack.has(a.id);
            return (
              <button
                key={a.id}
                className={`pack-pick${picked.includes(a.id) ? ' on' : ''}${already ? ' in' : ''}`}
                onClick={() => !already && toggle(a.id)}
                title={already ? `${a.filename} (already in the pack)` : a.filename}
                data-asset-id={a.id}
              >
                {a.hasThumb ? (
                  <img src={api.mediaUrl(a.id, 'thumb-small')} alt="" loading="lazy" />
                ) : (
                  <span>{a.type}</span>
                )}
                <span className="cap">{a.filename}</span>
              </button>
            );
          })}
          {items.length === 0 && <p className="muted">No assets match.</p>}
        </div>
        {cursor && (
          <button className="button ghost" onClick={() => void loadMore()}>
            Load more
          </button>
        )}
        <input
          placeholder="…or paste asset ids"
          value={ids}
          onChange={(e) => setIds(e.target.value)}
          aria-label="Asset ids"
        />
        <div className="pack-export-row">
          <span className="muted grow">{picked.length} selected</span>
          {search.trim() && (
            <button
              className="button"
              disabled={busy}
              onClick={() => void add(search.trim())}
              title="Adds every asset this search matches (up to 10,000)"
            >
              Add all matches
            </button>
          )}
          <button
            className="button primary"
            disabled={busy || (picked.length === 0 && !ids.trim())}
            onClick={() => void add()}
          >
            Add {picked.length || ''} to pack
          </button>
        </div>
      </div>
    </div>
  );
}
