import { memo, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobSummary } from '@contract/index';
import { useIsManager, useMayChangeJob } from '../accounts/session';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';
import { JobsDetail } from '../components/JobsDetail';
import { formatEta, JobsBar, statusLabel } from '../components/JobsProgress';
import { JobsStyles } from '../components/JobsStyles';
import { useJobProgress, useJobs, withProgress, type JobsFilter } from '../stores/jobs';

const tabs: { id: JobsFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'queued', label: 'Queue' },
  { id: 'completed', label: 'Done' },
  { id: 'failed', label: 'Failed' },
  { id: 'cancelled', label: 'Cancelled' },
];

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "5:57 PM" today, "Nov 21, 2026, 5:57 PM" before. Formatters are built once: 10,000 rows scroll past. */
function when(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? time.format(d) : dateTime.format(d);
}

function took(j: JobSummary): string {
  if (!j.startedAt || !j.finishedAt) return '';
  const s = (Date.parse(j.finishedAt) - Date.parse(j.startedAt)) / 1000;
  return s < 1
    ? ' · under a second'
    : s < 60
      ? ` · took ${Math.round(s)} s`
      : ` · took ${Math.round(s / 60)} min`;
}

function subline(j: JobSummary): string {
  if (j.status === 'running')
    return `${Math.round(j.progress * 100)}%${j.message ? ` · ${j.message}` : ''}${j.etaSec !== null ? ` · ${formatEta(j.etaSec)}` : ''}`;
  if (j.status === 'failed') return j.error ?? 'Failed';
  if (j.status === 'queued')
    return j.runAfter
      ? `Retrying at ${time.format(new Date(j.runAfter))}${j.error ? ` after: ${j.error}` : ''}`
      : j.children
        ? `${j.children.total.toLocaleString()} items waiting`
        : 'Waiting';
  const kids = j.children ? ` · ${j.children.completed}/${j.children.total} done` : '';
  return `${statusLabel[j.status]}${j.finishedAt ? ` ${when(j.finishedAt)}` : ''}${kids}${took(j)}`;
}

/** One row. Memoised and fed its own progress, so a progress event re-renders only its row. */
const JobRow = memo(function JobRow({
  job,
  top,
  selected,
}: {
  job: JobSummary;
  top: number;
  selected: boolean;
}) {
  const j = withProgress(
    job,
    useJobProgress((s) => s.byId.get(job.id)),
  );
  const { select, act } = useJobs.getState();
  const mine = useMayChangeJob()(j.createdBy);
  return (
    <div
      role="listitem"
      className={`jobs-row${selected ? ' selected' : ''}`}
      style={{ top }}
      onClick={() => select(j.id)}
      data-testid="job-row"
      data-id={j.id}
      data-status={j.status}
    >
      <span className={`jobs-status ${j.status}`} role="img" aria-label={statusLabel[j.status]} />
      <div className="jobs-row-text">
        <div className="title">{j.title || j.kind}</div>
        <div className="sub">{subline(j)}</div>
        {j.status === 'running' && <JobsBar progress={j.progress} />}
      </div>
      <div className="jobs-row-actions" onClick={(e) => e.stopPropagation()}>
        {mine && j.status === 'queued' && !j.children && (
          <>
            <RowAction label="Move up" onClick={() => void act('up', j.id)}>
              ↑
            </RowAction>
            <RowAction label="Move down" onClick={() => void act('down', j.id)}>
              ↓
            </RowAction>
          </>
        )}
        {mine && (j.status === 'queued' || j.status === 'running') && (
          <RowAction label="Cancel" onClick={() => void act('cancel', j.id)}>
            <Icon name="close" size={15} />
          </RowAction>
        )}
        {mine && (j.status === 'failed' || j.status === 'cancelled') && (
          <RowAction label="Retry" onClick={() => void act('retry', j.id)}>
            <Icon name="refresh" size={15} />
          </RowAction>
        )}
      </div>
    </div>
  );
});

const ROW = 60;
/** Rows rendered beyond each edge of the view, so a fast wheel never shows blank space. */
const OVERSCAN = 6;

/** A windowed list: only the rows in view exist in the DOM, so 10,000 jobs scroll smoothly. */
function JobsList() {
  const { items, selectedId, nextCursor } = useJobs(
    useShallow((s) => ({ items: s.items, selectedId: s.selectedId, nextCursor: s.nextCursor })),
  );
  const ref = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState({ first: 0, last: 30 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    // Measured once per frame, and React told only when the rows in view change: scroll events
    // come faster than frames, and most move the list by less than a row.
    const rangeNow = () => {
      const first = Math.max(0, Math.floor(el.scrollTop / ROW) - OVERSCAN);
      const last = Math.ceil((el.scrollTop + el.clientHeight) / ROW) + OVERSCAN;
      return (r: { first: number; last: number }) =>
        r.first === first && r.last === last ? r : { first, last };
    };
    const onFrame = () => {
      frame = 0;
      // Not flushSync: React renders in a task of its own, so no task carries a frame's layout,
      // paint and render at once; the overscan covers the one frame the new rows wait.
      setRange(rangeNow());
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(onFrame);
    };
    setRange(rangeNow());
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(onScroll);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);
  const first = Math.min(range.first, items.length);
  const last = Math.min(items.length, range.last);
  useEffect(() => {
    if (nextCursor && last >= items.length - 40) void useJobs.getState().loadMore();
  }, [last, items.length, nextCursor]);
  return (
    <div className="jobs-list" ref={ref} data-testid="jobs-list" role="list" aria-label="Jobs">
      <div style={{ height: items.length * ROW }} />
      {items.slice(first, last).map((j, i) => (
        <JobRow key={j.id} job={j} top={(first + i) * ROW} selected={selectedId === j.id} />
      ))}
    </div>
  );
}

export function JobsPage() {
  const manager = useIsManager();
  const { filter, setFilter, counts, empty, loading, load, queue, setPaused, detail, selectedId } =
    useJobs(
      useShallow((s) => ({
        filter: s.filter,
        setFilter: s.setFilter,
        counts: s.counts,
        empty: s.items.length === 0,
        loading: s.loading,
        load: s.load,
        queue: s.queue,
        setPaused: s.setPaused,
        detail: s.detail,
        selectedId: s.selectedId,
      })),
    );
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
          queue &&
          manager && (
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
      {empty && !loading ? (
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

function RowAction({
  label,
  onClick,
  children,
}: {
  label: string;
  onClick(): void;
  children: React.ReactNode;
}) {
  return (
    <button className="icon-button" title={label} aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}
