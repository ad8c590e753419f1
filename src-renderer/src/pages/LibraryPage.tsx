import { useEffect, useState, type DragEvent } from 'react';
import { Icon } from '../components/Icon';
import { importWithProgress } from '../library/ImportButton';
import { LibraryView } from '../library/LibraryView';
import { useLayout, useLayoutKeys } from '../library/layoutPrefs';
import { useIngest } from '../stores/ingest';
import './LibraryPage.css';

function IngestBanner() {
  const progress = useIngest((s) => s.progress);
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
  const { failures, retry, dismiss } = useIngest();
  const [open, setOpen] = useState(false);
  if (failures.length === 0) return null;
  return (
    <section className="card failures" data-testid="ingest-failures">
      <div className="card-header">
        <button className="failures-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
          <span className="dot dot-bad" aria-hidden="true" /> {failures.length}{' '}
          {failures.length === 1 ? 'file' : 'files'} could not be added
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
              <button
                className="icon-button"
                aria-label="Dismiss"
                onClick={() => void dismiss([f.id])}
              >
                <Icon name="close" size={15} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The Library page: the browsing and curation view, with ingest around it (drag-and-drop onto
 * the window, progress while files are added, failures with a retry; the Import button is in the
 * toolbar). `[` and `]` collapse the filter sidebar and the detail panel.
 */
export function LibraryPage() {
  const [dragging, setDragging] = useState(false);
  const sidebarOpen = useLayout((l) => l.sidebarOpen);
  useLayoutKeys();

  useEffect(() => {
    void useIngest.getState().loadFailures();
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void importWithProgress([...e.dataTransfer.files]);
  };

  return (
    <div
      className={`library-page${dragging ? ' is-dragging' : ''}`}
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
      <h1 className="visually-hidden">Library</h1>
      <div className="library-ingest">
        <IngestBanner />
        <FailuresPanel />
      </div>
      <div className="library-body" data-sidebar={sidebarOpen ? 'open' : 'collapsed'}>
        <LibraryView />
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
