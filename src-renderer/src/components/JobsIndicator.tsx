import { useNav } from '../stores/navigation';
import { useJobActivity } from '../stores/jobs';
import { JobsBar } from './JobsProgress';
import { JobsStyles } from './JobsStyles';

/** The app frame's global progress: what runs now and how far along, one click from the Jobs page. */
export function JobsIndicator() {
  const { queue, running } = useJobActivity();
  const go = useNav((s) => s.go);
  const list = Object.values(running);
  const queued = queue?.queued ?? 0;
  if (list.length === 0 && queued === 0 && !queue?.paused) return null;
  const mean = list.length ? list.reduce((a, j) => a + j.progress, 0) / list.length : 0;
  const first = list[0];
  return (
    <>
      <JobsStyles />
      <button
        className="jobs-indicator"
        data-testid="jobs-indicator"
        onClick={() => go('jobs')}
        title="Open the Jobs page"
      >
        {first ? (
          <>
            <strong>{list.length === 1 ? first.title : `${list.length} jobs running`}</strong>
            <div>
              {Math.round(mean * 100)}%{queued ? ` · ${queued.toLocaleString()} queued` : ''}
              {queue?.paused ? ' · queue paused' : ''}
            </div>
            <JobsBar progress={mean} />
          </>
        ) : (
          <span>
            {queued.toLocaleString()} queued{queue?.paused ? ' · queue paused' : ''}
          </span>
        )}
      </button>
    </>
  );
}
