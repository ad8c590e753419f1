import { useCallback, useEffect, useState } from 'react';
import type { DuplicateGroup, KeepBestResult } from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { Stars } from './AssetCard';
import { displayName, dimensions, formatBytes } from './format';
import './duplicates.css';

type Plan = { keepId: string; otherIds: string[] }[];

/** 64-bit perceptual hashes: bits apart → how alike, as people say it. */
const similarity = (bits: number) => Math.round((1 - bits / 64) * 100);

/**
 * Exact duplicates (same bytes) and near-duplicates (similar pictures) with keep-the-best.
 * Upscales and other versions of a picture never show up as its duplicates (the core leaves
 * them out), and keep-the-best asks before it rejects anything that is in a pack.
 */
export function DuplicatesView() {
  const [kind, setKind] = useState<'exact' | 'near'>('near');
  const [threshold, setThreshold] = useState(6);
  const [groups, setGroups] = useState<DuplicateGroup[] | null>(null);
  const [scanned, setScanned] = useState(0);
  const [keep, setKeep] = useState<Record<string, string>>({});
  const [asking, setAsking] = useState<{ plan: Plan; result: KeepBestResult } | null>(null);
  const load = useCallback(async () => {
    setGroups(null);
    try {
      const r = await api.call('duplicates.find', { kind, threshold, limit: 200 });
      setGroups(r.groups);
      setScanned(r.scanned);
      setKeep({});
      setAsking(null);
    } catch (err) {
      toastError('Could not look for duplicates', err);
      setGroups([]);
    }
  }, [kind, threshold]);
  useEffect(() => {
    const t = setTimeout(() => void load(), 150);
    return () => clearTimeout(t);
  }, [load]);
  const apply = async (plan: Plan, confirmPackMembers: boolean) => {
    try {
      const r = await api.call('duplicates.keepBest', { groups: plan, confirmPackMembers });
      if (!r.applied) {
        setAsking({ plan, result: r });
        return;
      }
      setAsking(null);
      useToasts.getState().push({
        kind: 'success',
        title: `Kept ${plan.length}, rejected ${r.wouldReject}`,
        detail: `${r.changed} assets changed · Ctrl+Z to undo`,
      });
      await load();
    } catch (err) {
      toastError('Could not apply', err);
    }
  };
  const resolve = (list: DuplicateGroup[]) =>
    apply(
      list.map((g) => {
        const keepId = keep[g.key] ?? g.assets[0]!.id;
        return { keepId, otherIds: g.assets.filter((a) => a.id !== keepId).map((a) => a.id) };
      }),
      false,
    );
  /** The same plan less the pack members: they stay as they are. */
  const sparePackMembers = (plan: Plan, result: KeepBestResult) => {
    const spared = new Set(result.packMembers.map((m) => m.id));
    const rest = plan
      .map((g) => ({ ...g, otherIds: g.otherIds.filter((id) => !spared.has(id)) }))
      .filter((g) => g.otherIds.length > 0);
    if (rest.length) void apply(rest, false);
    else setAsking(null);
  };
  return (
    <div className="dup-view" data-testid="duplicates-view">
      <div className="lib-toolbar dup-toolbar">
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
            At least
            <input
              type="range"
              min={0}
              max={12}
              step={1}
              // Left is looser (more groups), right is stricter: the slider reads as similarity.
              value={12 - threshold}
              onChange={(e) => setThreshold(12 - Number(e.target.value))}
              aria-label="Minimum similarity"
              aria-valuetext={`${similarity(threshold)}% similar`}
            />
            <span className="dup-similar" data-testid="dup-threshold">
              {similarity(threshold)}% similar
            </span>
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
      {asking && (
        <section
          className="dup-confirm"
          role="alertdialog"
          aria-labelledby="dup-confirm-title"
          data-testid="dup-confirm"
        >
          <h3 id="dup-confirm-title">
            {asking.result.packMembers.length === 1
              ? '1 asset it would reject is in a pack'
              : `${asking.result.packMembers.length} assets it would reject are in packs`}
          </h3>
          <ul>
            {asking.result.packMembers.map((m) => (
              <li key={m.id}>
                {m.name} <span className="muted">in {m.packs.map((p) => p.name).join(', ')}</span>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button
              className="button primary"
              data-autofocus
              onClick={() => sparePackMembers(asking.plan, asking.result)}
              data-testid="dup-spare-packs"
            >
              Keep pack members, reject the rest
            </button>
            <button
              className="button danger"
              onClick={() => void apply(asking.plan, true)}
              data-testid="dup-reject-packs"
            >
              Reject them too
            </button>
            <button className="button ghost" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </section>
      )}
      <div className="dup-groups">
        {groups === null && <p className="muted pad">Looking for duplicates…</p>}
        {groups?.length === 0 && (
          <p className="muted pad">
            No {kind === 'exact' ? 'exact duplicates' : 'similar images'} among{' '}
            {scanned.toLocaleString()} {kind === 'near' ? 'hashed images' : 'hashes'}.
            {kind === 'near' &&
              ' Upscales and other versions of a picture are not counted as its duplicates.'}
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
                    data-testid="dup-item"
                    data-id={a.id}
                  >
                    <img src={api.mediaUrl(a.id, 'thumb-small')} alt="" loading="lazy" />
                    <span className="dup-meta">
                      {a.id === keepId && <strong className="keep-label">Keep</strong>}
                      <span className="name">{displayName(a)}</span>
                      <span className="muted">
                        {dimensions(a)} · {formatBytes(a.sizeBytes)}
                      </span>
                      {g.kind === 'near' && a.id !== g.assets[0]!.id && (
                        <span
                          className="muted dup-similar"
                          title={`${a.similarity}% similar to the first picture of the group`}
                          data-testid="dup-similarity"
                        >
                          {a.similarity}% similar
                        </span>
                      )}
                      {a.packs.length > 0 && (
                        <span
                          className="dup-pack"
                          title={`In ${a.packs.map((p) => p.name).join(', ')}`}
                          data-testid="dup-pack"
                        >
                          In {a.packs.length === 1 ? a.packs[0]!.name : `${a.packs.length} packs`}
                        </span>
                      )}
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
