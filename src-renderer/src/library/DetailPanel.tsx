import { useEffect, useState } from 'react';
import {
  languageName,
  type AssetDetail,
  type AssetRelations,
  type GridItem,
} from '@contract/index';
import { api } from '../api/client';
import { useNav } from '../stores/navigation';
import { usePacks } from '../stores/packs';
import { toastError, useToasts } from '../stores/toasts';
import { JobsProcessActions } from '../components/JobsProcessActions';
import { LocalizeButton } from '../localize/LocalizeButton';
import { AiMetadata } from './AiMetadata';
import { LabelPicker } from './colorLabels';
import { hasGeneration } from './a1111';
import { LibIcon } from './LibIcon';
import { LineageSection } from './LineageSection';
import { SubtitlePreview } from './SubtitlePreview';
import { TagInput } from './TagInput';
import { dimensions, displayName, formatBytes, formatDate, formatDuration } from './format';
import { useLibrary } from './libraryStore';
import './detailLinks.css';

async function openPack(packId: string) {
  useNav.getState().go('packs');
  await usePacks.getState().select(packId);
}

async function copy(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    useToasts.getState().push({ kind: 'success', title: `Copied ${what}` });
  } catch (err) {
    toastError(`Could not copy ${what}`, err);
  }
}

function CopyRow({ label, value }: { label: string; value: string | number | null | undefined }) {
  if (value === null || value === undefined || value === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd className="copy-row">
        <span>{String(value)}</span>
        <button
          className="icon-button"
          title={`Copy ${label.toLowerCase()}`}
          onClick={() => void copy(String(value), label.toLowerCase())}
        >
          <LibIcon name="copy" size={13} />
        </button>
      </dd>
    </>
  );
}

/** Everything about the focused asset: preview, metadata, generation, tags, lineage, usage. */
/** Reveal/open run where Atelier runs; a browser on another machine gets the path to copy. */
async function fileAction(method: 'assets.reveal' | 'assets.open', id: string): Promise<void> {
  try {
    const r = await api.call(method, { id });
    const done = 'revealed' in r ? r.revealed : r.opened;
    if (!done) {
      await navigator.clipboard?.writeText(r.path).catch(() => undefined);
      useToasts.getState().push({
        kind: 'info',
        title: 'This Atelier runs without a desktop here',
        detail: `Path copied: ${r.path}`,
      });
    }
  } catch (err) {
    toastError(
      method === 'assets.reveal' ? 'Could not show the file' : 'Could not open the file',
      err,
    );
  }
}

export function DetailPanel({ item }: { item: GridItem | null }) {
  const [shownId, setShownId] = useState<string | null>(null);
  const id = shownId ?? item?.id ?? null;
  const [detail, setDetail] = useState<AssetDetail | null>(null);
  const [rel, setRel] = useState<AssetRelations | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => setShownId(null), [item?.id]);
  useEffect(() => {
    if (!id) return;
    let live = true;
    // A short delay: holding an arrow key should not fetch every asset it passes.
    const t = setTimeout(() => {
      Promise.all([api.call('assets.get', { id }), api.call('library.relations', { id })]).then(
        ([d, r]) => live && (setDetail(d), setRel(r)),
        (err) => live && toastError('Could not load the asset', err),
      );
    }, 80);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [id, version, item?.status, item?.rating, item?.liked]);
  useEffect(() => {
    const off = api.on(
      'assets.curated',
      (p) => (!p.ids || (id && p.ids.includes(id))) && setVersion((v) => v + 1),
    );
    return off;
  }, [id]);
  if (!item || !id) {
    return (
      <aside className="detail-panel empty" aria-label="Details">
        <p className="muted">Select an asset to see its details.</p>
      </aside>
    );
  }
  const d = detail && detail.id === id ? detail : null;
  const curate = (patch: Parameters<ReturnType<typeof useLibrary.getState>['curate']>[0]) =>
    api
      .call('curation.set', { selection: { ids: [id] }, patch })
      .catch((e) => toastError('Could not save', e));
  const coverOf = (collectionId: string) =>
    useLibrary.getState().collections.find((c) => c.id === collectionId)?.coverAssetId ?? null;
  const makeCover = async (collectionId: string, name: string) => {
    try {
      await api.call('collections.update', { id: collectionId, coverAssetId: id });
      useToasts.getState().push({ kind: 'success', title: `Cover of ${name} set` });
      setVersion((v) => v + 1);
    } catch (err) {
      toastError('Could not set the cover', err);
    }
  };
  return (
    <aside className="detail-panel" aria-label="Details" data-testid="detail-panel">
      {shownId && (
        <button className="button ghost back" onClick={() => setShownId(null)}>
          ← Back to the selection
        </button>
      )}
      <div className="detail-preview">
        {(d?.type ?? item.type) === 'video' ? (
          <video
            src={api.mediaUrl(id, 'file')}
            poster={api.mediaUrl(id, 'thumb')}
            controls
            preload="none"
          >
            {/* Its WebVTT subtitles (a localisation's, or the creator's own linked to it), in the
                player's captions menu. */}
            {rel?.id === id &&
              rel.derived
                .filter((x) => x.type === 'subtitles' && /\.vtt$/i.test(x.filename) && !x.deletedAt)
                .map((x) => (
                  <track
                    key={x.id}
                    kind="subtitles"
                    src={api.mediaUrl(x.id, 'file')}
                    label={x.filename}
                    data-testid="video-track"
                  />
                ))}
          </video>
        ) : (d?.type ?? item.type) === 'audio' ? (
          <div className="audio-preview">
            <img
              src={api.mediaUrl(id, 'waveform')}
              alt="Waveform"
              onError={(e) => (e.currentTarget.style.display = 'none')}
            />
            <audio src={api.mediaUrl(id, 'file')} controls preload="none" />
          </div>
        ) : (d?.type ?? item.type) === 'subtitles' ? (
          <SubtitlePreview id={id} key={d?.sha256} />
        ) : (
          <img
            src={api.mediaUrl(id, 'thumb')}
            alt=""
            onClick={() => useLibrary.getState().set({ quickLook: true })}
          />
        )}
      </div>
      <h2 className="detail-title" title={d?.path}>
        {d ? displayName(d) : displayName(item)}
      </h2>
      {d && (
        <div className="detail-actions">
          {(['approved', 'rejected', 'pending'] as const).map((s) => (
            <button
              key={s}
              className={`button pill-${s}${d.status === s ? ' on' : ''}`}
              onClick={() => void curate({ status: s })}
            >
              {s === 'approved' ? 'Approve' : s === 'rejected' ? 'Reject' : 'Unmark'}
            </button>
          ))}
          <span className="rating-edit" role="radiogroup" aria-label="Rating">
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                className={n <= d.rating ? 'on' : ''}
                onClick={() => void curate({ rating: n === d.rating ? 0 : n })}
                aria-label={`${n} stars`}
              >
                ★
              </button>
            ))}
          </span>
          <button
            className={`icon-button like-toggle${d.liked ? ' on' : ''}`}
            onClick={() => void curate({ liked: !d.liked })}
            aria-label="Like"
          >
            <LibIcon name="heart" />
          </button>
        </div>
      )}
      {d && item.id === id && (
        <div className="detail-label">
          Label
          <LabelPicker
            value={item.colorLabel}
            onChange={(colorLabel) => void useLibrary.getState().curate({ colorLabel }, [id])}
            testId="detail-label"
          />
        </div>
      )}
      {d && hasGeneration(d) && <AiMetadata d={d} />}
      {rel && (
        <section>
          <h3>Tags</h3>
          <div className="tag-list">
            {rel.tags.map((t) => (
              <span
                key={t.id}
                className="tag-chip on"
                style={{ ['--tag' as string]: t.color ?? 'var(--text-muted)' }}
              >
                {t.name}
                <button
                  className="tag-remove"
                  aria-label={`Remove tag ${t.name}`}
                  onClick={() =>
                    void api
                      .call('curation.removeTags', { selection: { ids: [id] }, tagIds: [t.id] })
                      .then(() => setVersion((v) => v + 1))
                  }
                >
                  ×
                </button>
              </span>
            ))}
          </div>
          <TagInput
            onSubmit={(names) =>
              void api.call('curation.addTags', { selection: { ids: [id] }, tags: names }).then(
                () => setVersion((v) => v + 1),
                (e) => toastError('Could not tag', e),
              )
            }
          />
        </section>
      )}
      {d && !d.missing && (
        <section>
          <h3>Process</h3>
          <JobsProcessActions assetIds={[id]} types={[d.type]} />
          {d.type === 'video' && <LocalizeButton assetId={id} />}
        </section>
      )}
      {d && (
        <section>
          <h3>File</h3>
          {!d.missing && (
            <div className="detail-file-actions">
              <button
                className="button"
                onClick={() => void fileAction('assets.reveal', id)}
                data-testid="reveal-asset"
              >
                Show in folder
              </button>
              <button
                className="button"
                onClick={() => void fileAction('assets.open', id)}
                data-testid="open-asset"
              >
                Open
              </button>
            </div>
          )}
          <dl className="facts small">
            <dt>Type</dt>
            <dd>
              {d.type}
              {/* ffprobe names a container by all its aliases ("mov,mp4,m4a,3gp…"): the file's own is clearer. */}
              {d.format
                ? ` · ${d.format.includes(',') ? d.filename.split('.').pop()!.toLowerCase() : d.format}`
                : ''}
            </dd>
            {dimensions(d) && (
              <>
                <dt>Size</dt>
                <dd>{dimensions(d)}</dd>
              </>
            )}
            {d.language && (
              <>
                <dt>Language</dt>
                <dd data-testid="detail-language">{languageName(d.language)}</dd>
              </>
            )}
            {d.durationSec !== null && (
              <>
                <dt>Duration</dt>
                <dd>
                  {formatDuration(d.durationSec)}
                  {d.fps ? ` · ${d.fps} fps` : ''}
                  {d.sampleRate ? ` · ${d.sampleRate} Hz` : ''}
                </dd>
              </>
            )}
            <dt>File size</dt>
            <dd>{formatBytes(d.sizeBytes)}</dd>
            <CopyRow label="Path" value={d.path} />
            <dt>Added</dt>
            <dd>{formatDate(d.addedAt)}</dd>
            <dt>Provenance</dt>
            <dd>{d.provenance.replace('_', ' ')}</dd>
            {d.theme && (
              <>
                <dt>Theme</dt>
                <dd>{d.theme}</dd>
              </>
            )}
            {d.source && (
              <>
                <dt>Source</dt>
                <dd>{d.source}</dd>
              </>
            )}
            {d.missing && (
              <>
                <dt>State</dt>
                <dd className="bad">File missing on disk</dd>
              </>
            )}
            {d.metadataTruncated && (
              <>
                <dt>Metadata</dt>
                <dd className="warn" data-testid="metadata-truncated">
                  Partly read: {d.metadataTruncated}
                </dd>
              </>
            )}
          </dl>
        </section>
      )}
      <LineageSection id={id} rel={rel} onShow={setShownId} />
      {rel && (rel.collections.length > 0 || rel.packs.length > 0 || rel.copies.length > 0) && (
        <section>
          <h3>Used in</h3>
          <ul className="link-list">
            {rel.collections.map((c) => (
              <li key={c.id}>
                Collection{' '}
                <button
                  className="link"
                  onClick={() => useLibrary.getState().setFilter({ collectionId: c.id }, true)}
                >
                  {c.name}
                </button>
                {coverOf(c.id) === id ? (
                  <span className="muted"> · cover</span>
                ) : (
                  <button
                    className="link subtle"
                    onClick={() => void makeCover(c.id, c.name)}
                    data-testid="make-cover"
                  >
                    {' '}
                    · make cover
                  </button>
                )}
              </li>
            ))}
            {rel.packs.map((p) => (
              <li key={p.id}>
                Pack{' '}
                <button className="link" onClick={() => void openPack(p.id)}>
                  {p.name}
                </button>
              </li>
            ))}
            {rel.copies.map((c) => (
              <li key={c.path} className="mono">
                Copy: {c.path}
                {c.missing ? ' (missing)' : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
