import { useEffect, useRef, useState } from 'react';
import type { JobSummary } from '@contract/index';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';
import { JobsDetail } from '../components/JobsDetail';
import { formatEta, JobsBar, statusLabel } from '../components/JobsProgress';
import { JobsStyles } from '../components/JobsStyles';
import { useJobs, type JobsFilter } from '../stores/jobs';

const ROW = 60;
const tabs: { id: JobsFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'queued', label: 'Queue' },
  { id: 'completed', label: 'Done' },
  { id: 'failed', label: 'Failed' },
  { id: 'cancelled', label: 'Cancelled' },
];

function subline(j: JobSummary): string {
  if (j.status === 'running')
    return `${Math.round(j.progress * 100)}%${j.message ? ` · ${j.message}` : ''}${j.etaSec !== null ? ` · ${formatEta(j.etaSec)}` : ''}`;
  if (j.status === 'failed') return j.error ?? 'Failed';
  if (j.status === 'queued')
    return j.runAfter
      ? `Retrying at ${new Date(j.runAfter).toLocaleTimeString()}`
      : j.children
        ? `${j.children.total} items queued`
        : 'Waiting';
  const kids = j.children ? ` · ${j.children.completed}/${j.children.total} done` : '';
  return `${statusLabel[j.status]} ${j.finishedAt ? new Date(j.finishedAt).toLocaleString() : ''}${kids}`;
}

/** A windowed list: only the rows in view exist in the DOM, so 10,000 jobs scroll smoothly. */
function JobsList() {
  const { items, selectedId, select, loadMore, nextCursor, act } = useJobs();
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(view.top / ROW) - 5);
  const last = Math.min(items.length, Math.ceil((view.top + view.height) / ROW) + 5);
  useEffect(() => {
    if (nextCursor && last >= items.length - 20) void loadMore();
  }, [last, items.length, nextCursor, loadMore]);
  return (
    <div
      className="jobs-list"
      ref={ref}
      onScroll={(e) =>
        setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })
      }
      data-testid="jobs-list"
      role="list"
    >
      <div style={{ height: items.length * ROW }} />
      {items.slice(first, last).map((j, i) => (
        <div
          key={j.id}
          role="listitem"
          className={`jobs-row${selectedId === j.id ? ' selected' : ''}`}
          style={{ top: (first + i) * ROW }}
          onClick={() => select(j.id)}
          data-testid="job-row"
          data-status={j.status}
        >
          <span className={`jobs-status ${j.status}`} aria-label={statusLabel[j.status]} />
          <div style={{ minWidth: 0 }}>
            <div className="title">{j.title || j.kind}</div>
            <div className="sub">{subline(j)}</div>
            {j.status === 'running' && <JobsBar progress={j.progress} />}
          </div>
          <div className="jobs-row-actions" onClick={(e) => e.stopPropagation()}>
            {j.status === 'queued' && !j.children && (
              <>
                <button
                  className="icon-button"
                  title="Move up"
                  aria-label="Move up"
                  onClick={() => void act('up', j.id)}
                >
                  ↑
                </button>
                <button
                  className="icon-button"
                  title="Move down"
                  aria-label="Move down"
                  onClick={() => void act('down', j.id)}
                >
                  ↓
                </button>
              </>
            )}
            {(j.status === 'queued' || j.status === 'running') && (
              <button
                className="icon-button"
                title="Cancel"
                aria-label="Cancel"
                onClick={() => void act('cancel', j.id)}
              >
                <Icon name="close" size={15} />
              </button>
            )}
            {(j.status === 'failed' || j.status === 'cancelled') && (
              <button
                className="icon-button"
                title="Retry"
                aria-label="Retry"
                onClick={() => void act('retry', j.id)}
              >
                <Icon name="refresh" size={15} />
              </button>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}

export function JobsPage() {
  const { filter, setFilter, counts, items, loading, load, queue, setPaused, detail, selectedId } =
    useJobs();
  useEffect(() => {
    void load();
  }, [load]);
  const countFor = (f: JobsFilter) =>
    f === 'all'
      ? Object.values(counts).reduce((a, b) => a + b, 0)
      : f === 'active'
        ? counts.running + counts.queued
        : counts[f];
  return (
    <div className="page">
      <JobsStyles />
      <PageHeader
        title="Jobs"
        subtitle={
          queue
            ? `${queue.running} running · ${queue.queued.toLocaleString()} queued${queue.paused ? ' · the queue is paused' : ''}`
            : 'Upscales, conversions and exports running on this machine.'
        }
        actions={
          queue && (
            <button
              className={`button${queue.paused ? ' primary' : ''}`}
              onClick={() => void setPaused(!queue.paused)}
              data-testid="queue-toggle"
            >
              {queue.paused ? 'Resume queue' : 'Pause queue'}
            </button>
          )
        }
      />
      <div className="jobs-tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={filter === t.id}
            className={`jobs-tab${filter === t.id ? ' active' : ''}`}
            onClick={() => setFilter(t.id)}
          >
            {t.label}
            <span className="n">{countFor(t.id).toLocaleString()}</span>
          </button>
        ))}
      </div>
      {items.length === 0 && !loading ? (
        <EmptyState
          icon={<Icon name="jobs" size={32} />}
          title={filter === 'all' ? 'Nothing has run yet' : 'No jobs here'}
        >
          Upscale, denoise, enhance or convert files from the Library; their progress appears here.
        </EmptyState>
      ) : (
        <div className="jobs-layout">
          <JobsList />
          {selectedId && detail ? (
            <JobsDetail job={detail} />
          ) : (
            <div className="muted" style={{ padding: 12 }}>
              Select a job to see its details and log.
            </div>
          )}
        </div>
      )}
    </div>
  );
}
