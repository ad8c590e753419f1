import type { LocalizationInfo } from '@contract/index';
import { languageName, modeLabels } from './plan';

const statusLabels: Record<LocalizationInfo['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Stopped',
};

export function StatusChip({
  status,
  testId,
}: {
  status: LocalizationInfo['status'];
  testId?: string;
}) {
  return (
    <span className={`loc-chip loc-chip-${status}`} data-testid={testId} data-status={status}>
      {statusLabels[status]}
    </span>
  );
}

export function ProgressBar({
  value,
  label,
  testId,
}: {
  value: number;
  label: string;
  testId?: string;
}) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      className="loc-bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-testid={testId}
    >
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}

/** "English → Spanish", or the one language of subtitles only. */
export function languagesOf(l: Pick<LocalizationInfo, 'from' | 'to'>): string {
  return l.to ? `${languageName(l.from)} → ${languageName(l.to)}` : languageName(l.from);
}

export const modeShort = (l: Pick<LocalizationInfo, 'mode'>) => modeLabels[l.mode].short;

export const isActive = (l: Pick<LocalizationInfo, 'status'>) =>
  l.status === 'queued' || l.status === 'running';
