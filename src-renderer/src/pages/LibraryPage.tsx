import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { AssetSummary, AssetTypeName } from '@contract/index';
import { api } from '../api/client';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';
import { useLibrary } from '../stores/library';
import { uploadFiles } from '../stores/ingest';
import { useNav } from '../stores/navigation';
import { useStatus } from '../stores/status';
import './LibraryPage.css';

const typeFilters: { value: AssetTypeName | null; label: string }[] = [
  { value: null, label: 'All' },
  { value: 'image', label: 'Images' },
  { value: 'audio', label: 'Audio' },
  { value: 'video', label: 'Video' },
];

function describe(a: AssetSummary): string {
  if (a.type === 'audio' && a.durationSec) return `${a.durationSec.toFixed(1)} s audio`;
  const dims = a.width && a.height ? `${a.width}×${a.height}` : '';
  if (a.type === 'video') return [dims, a.durationSec ? `${a.durationSec.toFixed(1)} s` : ''].filter(Boolean).join(' · ');
  return [dims, a.format?.toUpperCase()].filter(Boolean).join(' · ');
}

function AssetCard({ asset }: { asset: AssetSummary }) {
  const [broken, setBroken] = useState(false);
  return (
    <li className={`asset-card${asset.missing ? ' is-missing' : ''}`} data-testid="asset-card" title={asset.path}>
      <div className={`asset-thumb asset-thumb-${asset.type}`}>
        {asset.hasThumb && !broken ? (
          <img src={api.mediaUrl(asset.id, 'thumb-small')} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
        ) : (
          <Icon name="image" size={28} />
        )}
        {asset.missing && <span className="asset-badge badge-missing">Missing</span>}
        {!asset.missing && asset.provenance === 'ai_generated' && <span className="asset-badge">{asset.source ?? 'AI'}</span>}
        {asset.type !== 'image' && <span className="asset-badge badge-type">{asset.type}</span>}
      </div>
      <div className="asset-meta">
        <span className="asset-name">{asset.title || asset.filename}</span>
        <span className="muted asset-sub">{describe(asset)}</span>
      </div>
    </li>
  );
}

function IngestBanner() {
  const progress = useLibrary((s) => s.progress);
  if (!progress || (progress.queued === 0 && progress.active === 0)) return null;
  const total = progress.done + progress.queued + progress.active;
  return (
    <div className="ingest-banner" role="status" data-testid="ingest-progress">
      <span className="spinner" aria-hidden="true" />
      <span>
        Adding files… {progress.done.toLocaleString()} of {total.toLocaleString()}
        {progress.duplicates ? ` · ${progress.duplicates} duplicates` : ''}
        {progress.failed ? ` · ${progress.failed} failed` : ''}
      </span>
      <progress max={total} value={progress.done} />
    </div>
  );
}

function FailuresPanel() {
  const { failures, retry, dismiss } = useLibrary();
  const [open, setOpen] = useState(false);
  if (failures.length === 0) return null;
  return (
    <section className="card failures" data-testid="ingest-failures">
      <div className="card-header">
        <button className="failures-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
          <span className="dot dot-bad" aria-hidden="true" /> {failures.length} {failures.length === 1 ? 'file' : 'files'} could not be added
        </button>
        <div className="page-actions">
          <button className="button" onClick={() => void retry()}>
            <Icon name="refresh" size={15} /> Retry all
          </button>
          <button className="button ghost" onClick={() => void dismiss()}>
            Dismiss all
          </button>
        </div>
      </div>
      {open && (
        <ul className="failure-list">
          {failures.map((f) => (
            <li key={f.id}>
              <div className="grow">
                <div className="mono">{f.path}</div>
                <div className="failure-reason">{f.reason}</div>
              </div>
              <button className="button ghost" onClick={() => void retry([f.id])}>
                Retry
              </button>
              <button className="icon-button" aria-label="Dismiss" onClick={() => void dismiss([f.id])}>
                <Icon name="close" size={15} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function LibraryPage() {
  const status = useStatus((s) => s.status);
  const { items, nextCursor, filters, loading, loaded, setFilters, load, loadMore, loadFailures } = useLibrary();
  const go = useNav((s) => s.go);
  const [search, setSearch] = useState(filters.search);
  const [dragging, setDragging] = useState(false);
  const [uploading, setUploading] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void load();
    void loadFailures();
  }, [load, loadFailures]);

  useEffect(() => {
    const t = setTimeout(() => {
      if (search !== useLibrary.getState().filters.search) setFilters({ search });
    }, 250);
    return () => clearTimeout(t);
  }, [search, setFilters]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [loadMore, nextCursor]);

  const importFiles = async (files: File[]) => {
    if (files.length === 0) return;
    setUploading(`Uploading 0 of ${files.length}…`);
    try {
      await uploadFiles(files, (done, total) => setUploading(`Uploading ${done} of ${total}…`));
    } finally {
      setUploading(null);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void importFiles([...e.dataTransfer.files]);
  };

  const count = status?.assetCount ?? 0;
  const filtered = filters.type !== null || filters.search.trim() !== '' || filters.missing;
  return (
    <div
      className={`page library-page${dragging ? ' is-dragging' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <PageHeader
        title="Library"
        subtitle={status ? `${count.toLocaleString()} ${count === 1 ? 'asset' : 'assets'}` : 'Loading…'}
        actions={
          <>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              accept="image/*,audio/*,video/*"
              data-testid="import-input"
              onChange={(e) => {
                void importFiles([...(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
            <button className="button primary" onClick={() => fileInput.current?.click()} disabled={uploading !== null}>
              <Icon name="inbox" size={15} /> {uploading ?? 'Import files'}
            </button>
          </>
        }
      />
      <div className="library-toolbar">
        <div className="segmented" role="group" aria-label="Type">
          {typeFilters.map((t) => (
            <button key={t.label} className={filters.type === t.value ? 'active' : ''} aria-pressed={filters.type === t.value} onClick={() => setFilters({ type: t.value })}>
              {t.label}
            </button>
          ))}
        </div>
        <input
          className="library-search"
          type="search"
          placeholder="Search names and prompts"
          value={search}
          aria-label="Search"
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={filters.missing} onChange={(e) => setFilters({ missing: e.target.checked })} /> Missing only
        </label>
      </div>
      <IngestBanner />
      <FailuresPanel />
      {loaded && items.length === 0 && !filtered && (
        <EmptyState icon={<Icon name="image" size={32} />} title="Your library is empty">
          Drop images, audio or video here, use <strong>Import files</strong>, or put them in a watched folder (
          <button className="link" onClick={() => go('settings')}>
            Settings
          </button>
          ).
        </EmptyState>
      )}
      {loaded && items.length === 0 && filtered && <p className="muted library-none">Nothing matches these filters.</p>}
      <ul className="asset-grid" data-testid="asset-grid">
        {items.map((a) => (
          <AssetCard key={a.id} asset={a} />
        ))}
      </ul>
      <div ref={sentinel} className="grid-sentinel">
        {loading && loaded && <span className="muted">Loading…</span>}
      </div>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <Icon name="inbox" size={40} />
          <span>Drop to add to your library</span>
        </div>
      )}
    </div>
  );
}
