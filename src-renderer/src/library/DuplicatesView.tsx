import { useCallback, useEffect, useState } from 'react';
import type { DuplicateGroup } from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { Stars } from './AssetCard';
import { displayName, dimensions, formatBytes } from './format';

/** Exact duplicates (same bytes) and near-duplicates (similar pictures) with keep-the-best. */
export function DuplicatesView() {
  const [kind, setKind] = useState<'exact' | 'near'>('near');
  const [threshold, setThreshold] = useState(6);
  const [groups, setGroups] = useState<DuplicateGroup[] | null>(null);
  const [scanned, setScanned] = useState(0);
  const [keep, setKeep] = useState<Record<string, string>>({});
  const load = useCallback(async () => {
    setGroups(null);
    try {
      const r = await api.call('duplicates.find', { kind, threshold, limit: 200 });
      setGroups(r.groups);
      setScanned(r.scanned);
      setKeep({});
    } catch (err) {
      toastError('Could not look for duplicates', err);
      setGroups([]);
    }
  }, [kind, threshold]);
  useEffect(() => {
    const t = setTimeout(() => void load(), 150);
    return () => clearTimeout(t);
  }, [load]);
  const resolve = async (list: DuplicateGroup[]) => {
    const payload = list.map((g) => {
      const keepId = keep[g.key] ?? g.assets[0]!.id;
      return { keepId, otherIds: g.assets.filter((a) => a.id !== keepId).map((a) => a.id) };
    });
    try {
      const r = await api.call('duplicates.keepBest', { groups: payload });
      useToasts.getState().push({
        kind: 'success',
        title: `Kept ${payload.length}, rejected the rest`,
        detail: `${r.changed} assets changed · Ctrl+Z to undo`,
      });
      await load();
    } catch (err) {
      toastError('Could not apply', err);
    }
  };
  return (
    <div className="dup-view" data-testid="duplicates-view">
      <div className="lib-toolbar">
        <div className="segmented" role="group" aria-label="Kind of duplicates">
          <button className={kind === 'near' ? 'on' : ''} onClick={() => setKind('near')}>
            Similar images
          </button>
          <button
            className={kind === 'exact' ? 'on' : ''}
            onClick={() => setKind('exact')}
            data-testid="dup-exact"
          >
            Exact copies
          </button>
        </div>
        {kind === 'near' && (
          <label className="threshold">
            Similarity
            <input
              type="range"
              min={0}
              max={12}
              value={threshold}
              onChange={(e) => setThreshold(Number(e.target.value))}
              aria-label="Distance threshold"
            />
            <span className="muted">≤ {threshold} bits apart</span>
          </label>
        )}
        <span className="grow" />
        {groups && groups.length > 0 && (
          <button
            className="button primary"
            onClick={() => void resolve(groups)}
            data-testid="keep-best-all"
          >
            Keep the best in all {groups.length} groups
          </button>
        )}
      </div>
      <div className="dup-groups">
        {groups === null && <p className="muted pad">Looking for duplicates…</p>}
        {groups?.length === 0 && (
          <p className="muted pad">
            No {kind === 'exact' ? 'exact duplicates' : 'similar images'} among{' '}
            {scanned.toLocaleString()} {kind === 'near' ? 'hashed images' : 'hashes'}.
          </p>
        )}
        {groups?.map((g) => {
          const keepId = keep[g.key] ?? g.assets[0]!.id;
          return (
            <section key={g.key} className="dup-group" data-testid="dup-group">
              <header>
                <span>
                  {g.assets.length} {g.kind === 'exact' ? 'identical files' : 'similar images'}
                  {g.copies.length > 0 && ` · ${g.copies.length} more copies on disk`}
                </span>
                <button
                  className="button"
                  onClick={() => void resolve([g])}
                  data-testid="keep-best"
                >
                  Keep the best, reject the rest
                </button>
              </header>
              <div className="dup-row">
                {g.assets.map((a) => (
                  <button
                    key={a.id}
                    className={`dup-item${a.id === keepId ? ' keep' : ''} status-${a.status}`}
                    onClick={() => setKeep({ ...keep, [g.key]: a.id })}
                    title="Keep this one"
                  >
                    <img src={api.mediaUrl(a.id, 'thumb-small')} alt="" loading="lazy" />
                    <span className="dup-meta">
                      {a.id === keepId && <strong className="keep-label">Keep</strong>}
                      <span className="name">{displayName(a)}</span>
                      <span className="muted">
                        {dimensions(a)} · {formatBytes(a.sizeBytes)}
                        {g.kind === 'near' ? ` · ${a.distance} bits` : ''}
                      </span>
                      <Stars rating={a.rating} />
                    </span>
                  </button>
                ))}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}
