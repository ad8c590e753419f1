import type { TrainingInfo } from '@contract/index';
import { finished } from './format';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

/** How many of the controls a run in this state shows (the row leaves room for them). */
export function controlCount(st: TrainingInfo['status']): number {
  if (st === 'queued') return 4;
  if (st === 'running' || st === 'paused') return 2;
  return 1 + (st === 'cancelled' || st === 'failed' ? 1 : 0);
}

/** Pause, Resume, Cancel, move up or down, Delete: what the run's state allows. */
export function RunControls({
  run,
  queuePos,
  queueLen,
  labels = false,
}: {
  run: TrainingInfo;
  /** Its place among the queued runs (0 first); -1 when not queued. */
  queuePos: number;
  queueLen: number;
  /** Words beside the icons (the detail's header has room). */
  labels?: boolean;
}) {
  const s = useTraining.getState;
  const b = (
    key: string,
    icon: Parameters<typeof TrainIcon>[0]['name'],
    label: string,
    onClick: () => void,
    opts: { disabled?: boolean; danger?: boolean } = {},
  ) => (
    <button
      key={key}
      type="button"
      className={labels ? `button small${opts.danger ? ' trn-danger-text' : ''}` : 'icon-button'}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
      disabled={opts.disabled}
      aria-label={labels ? undefined : `${label} ${run.name}`}
      title={label}
      data-testid={`run-${key}`}
    >
      <TrainIcon name={icon} size={labels ? 13 : 15} />
      {labels && label}
    </button>
  );
  const out = [];
  const st = run.status;
  if (st === 'queued') {
    out.push(b('up', 'up', 'Move up', () => void s().move(run, 'up'), { disabled: queuePos <= 0 }));
    out.push(
      b('down', 'down', 'Move down', () => void s().move(run, 'down'), {
        disabled: queuePos < 0 || queuePos >= queueLen - 1,
      }),
    );
  }
  if (st === 'queued' || st === 'running')
    out.push(b('pause', 'pause', 'Pause', () => void s().act(run, 'pause')));
  if (st === 'paused' || st === 'cancelled' || st === 'failed')
    out.push(b('resume', 'play', 'Resume', () => void s().act(run, 'resume')));
  if (st === 'queued' || st === 'running' || st === 'paused')
    out.push(b('cancel', 'stop', 'Cancel', () => void s().act(run, 'cancel')));
  if (finished(st))
    out.push(b('delete', 'trash', 'Delete', () => void s().act(run, 'delete'), { danger: true }));
  return <div className="trn-run-controls">{out}</div>;
}
