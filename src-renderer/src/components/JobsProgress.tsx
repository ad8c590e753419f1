import type { JobStatusName } from '@contract/index';

export function formatEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '';
  if (sec < 60) return `about ${Math.max(1, Math.round(sec))} s left`;
  const m = Math.floor(sec / 60);
  return m < 60 ? `about ${m} min left` : `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}

export function JobsBar({ progress, status }: { progress: number; status?: JobStatusName }) {
  const f = Math.max(0, Math.min(1, progress));
  const pct = Math.round(f * 100);
  return (
    <div
      className={`jobs-bar ${status ?? ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <span style={{ transform: `scaleX(${f.toFixed(3)})` }} />
    </div>
  );
}

export const statusLabel: Record<JobStatusName, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
