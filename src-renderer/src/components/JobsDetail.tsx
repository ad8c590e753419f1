import { useMayChangeJob } from '../accounts/session';
import type { JobDetail } from '@contract/index';
import { api } from '../api/client';
import { useJobProgress, useJobs, withProgress } from '../stores/jobs';
import { Icon } from './Icon';
import { formatEta, JobsBar, statusLabel } from './JobsProgress';
import { JobTelemetry } from './JobTelemetry';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function when(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** A job's settings as a person reads them; ids are left out (the title names the file). */
function settingsText(params: unknown): string {
  if (!params || typeof params !== 'object') return 'Defaults';
  const parts = Object.entries(params as Record<string, unknown>)
    .filter(
      ([k, v]) => !/Id$|Ids$/.test(k) && v !== null && v !== undefined && typeof v !== 'object',
    )
    .map(([k, v]) => `${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${String(v)}`);
  return parts.length ? parts.join(' · ') : 'Defaults';
}

export function JobsDetail({ job: shown }: { job: JobDetail }) {
  const job = withProgress(
    shown,
    useJobProgress((s) => s.byId.get(shown.id)),
  );
  const act = useJobs((s) => s.act);
  const mayChange = useMayChangeJob();
  const refresh = useJobs((s) => s.refreshDetail);
  const select = useJobs((s) => s.select);
  const live = job.status === 'running' || job.status === 'queued';
  return (
    <section className="card jobs-detail" aria-labelledby="job-title" data-testid="job-detail">
      <div className="card-header">
        <h2 id="job-title">{job.title || job.kind}</h2>
        <button className="icon-button" aria-label="Close" onClick={() => select(null)}>
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="muted">
        {statusLabel[job.status]} · {job.kind}
        {job.leaseLabel ? ` · on ${job.leaseLabel}` : ''}
        {job.attempts > 0 ? ` · attempt ${job.attempts} of ${job.maxAttempts}` : ''}
      </div>
      {(job.status === 'running' || job.status === 'completed') && (
        <div style={{ marginTop: 10 }}>
          <JobsBar progress={job.progress} status={job.status} />
          {job.status === 'running' && (
            <div className="muted" style={{ fontSize: 12, marginTop: 4 }}>
              {[`${Math.round(job.progress * 100)}%`, job.message, formatEta(job.etaSec)]
                .filter(Boolean)
                .join(' · ')}
            </div>
          )}
        </div>
      )}
      {(job.status === 'failed' || job.status === 'cancelled') && job.progress > 0 && (
        <div className="muted" style={{ fontSize: 12, marginTop: 4 }}>
          Stopped at {Math.round(job.progress * 100)}%
        </div>
      )}
      <JobTelemetry job={job} />
      {job.status === 'queued' && job.message && (
        <div className="muted" data-testid="job-waiting" style={{ marginTop: 6 }}>
          {job.message}
        </div>
      )}
      {job.runAfter && job.status === 'queued' && (
        <div className="muted">
          Retrying automatically at {new Date(job.runAfter).toLocaleTimeString()}
        </div>
      )}
      {job.error && job.status !== 'completed' && (
        <div className="jobs-error" data-testid="job-error">
          {job.error}
        </div>
      )}
      <div className="jobs-actions">
        {mayChange(job.createdBy) && live && (
          <button
            className="button"
            onClick={() => void act('cancel', job.id)}
            data-testid="job-cancel"
          >
            Cancel
          </button>
        )}
        {mayChange(job.createdBy) &&
          (job.status === 'failed' ||
            job.status === 'cancelled' ||
            (job.children && job.children.failed + job.children.cancelled > 0 && !live)) && (
            <button
              className="button primary"
              onClick={() => void act('retry', job.id)}
              data-testid="job-retry"
            >
              Retry
            </button>
          )}
        {mayChange(job.createdBy) && job.status === 'queued' && !job.children && (
          <>
            <button className="button" onClick={() => void act('top', job.id)}>
              Run next
            </button>
            <button className="button" onClick={() => void act('up', job.id)} aria-label="Move up">
              ↑
            </button>
            <button
              className="button"
              onClick={() => void act('down', job.id)}
              aria-label="Move down"
            >
              ↓
            </button>
          </>
        )}
        <button className="button ghost" onClick={() => void refresh()}>
          <Icon name="refresh" size={14} /> Refresh
        </button>
      </div>
      <dl className="facts" style={{ gridTemplateColumns: '90px 1fr', fontSize: 12.5 }}>
        <dt>Queued</dt>
        <dd>{when(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{when(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(job.finishedAt)}</dd>
        <dt>Settings</dt>
        <dd>{settingsText(job.params)}</dd>
      </dl>
      {job.outputAssetIds.length > 0 && (
        <>
          <h3 style={{ fontSize: 13, margin: '14px 0 8px' }}>Outputs</h3>
          <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
            {job.outputAssetIds.slice(0, 24).map((id) => (
              <img
                key={id}
                src={api.mediaUrl(id, 'thumb-small')}
                alt=""
                width={72}
                height={72}
                style={{ objectFit: 'cover', borderRadius: 6, background: 'var(--bg-sunken)' }}
              />
            ))}
          </div>
        </>
      )}
      {job.childJobs.length > 0 && (
        <>
          <h3 style={{ fontSize: 13, margin: '14px 0 8px' }}>
            Items{' '}
            {job.children
              ? `(${job.children.completed} of ${job.children.total} done${job.children.failed ? `, ${job.children.failed} failed` : ''})`
              : ''}
          </h3>
          <ul className="jobs-children">
            {job.childJobs.map((c) => (
              <li key={c.id} title={c.error ?? ''}>
                <span className={`jobs-status ${c.status}`} />
                <span
                  style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                >
                  {c.title}
                </span>
                <span className="muted">
                  {c.status === 'running'
                    ? `${Math.round(c.progress * 100)}%`
                    : statusLabel[c.status]}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 style={{ fontSize: 13, margin: '14px 0 8px' }}>Log</h3>
      {job.logTail.length ? (
        <pre className="jobs-log" data-testid="job-log">
          {job.logTail.map((l, i) => (
            <div key={i} className={l.level}>
              {l.at ? l.at.slice(11, 19) : ''} {l.message}
            </div>
          ))}
        </pre>
      ) : (
        <p className="muted" style={{ fontSize: 12.5 }}>
          Nothing logged yet.
        </p>
      )}
    </section>
  );
}
