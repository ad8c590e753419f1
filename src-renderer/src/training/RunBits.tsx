import type { JobProgressEvent, TrainingInfo } from '@contract/index';
import { useJobProgress } from '../stores/jobs';
import { runStatusLabel } from './format';

/** A run with what its job reported since the run was last read: step, loss, time left. */
export function live(run: TrainingInfo, p: JobProgressEvent | undefined): TrainingInfo {
  if (!p || run.status !== 'running') return run;
  const m = p.metrics ?? null;
  return {
    ...run,
    step: Math.max(run.step, m?.step ?? 0),
    totalSteps: m?.total ?? run.totalSteps,
    lastLoss: m?.loss ?? run.lastLoss,
    etaSec: m?.etaSec ?? p.etaSec ?? run.etaSec,
  };
}

export function useLiveRun(run: TrainingInfo): TrainingInfo {
  const p = useJobProgress((s) => (run.jobId ? s.byId.get(run.jobId) : undefined));
  return live(run, p);
}

export function StatusChip({ run }: { run: TrainingInfo }) {
  return (
    <span className={`trn-status ${run.status}`} data-testid="run-status">
      {runStatusLabel[run.status]}
    </span>
  );
}

export function NcBadge() {
  return (
    <span
      className="trn-nc"
      title="Trained on a base model marked non-commercial: its images cannot go in packs for sale"
      data-testid="run-noncommercial"
    >
      Non-commercial
    </span>
  );
}

export function RunBar({ run }: { run: TrainingInfo }) {
  const f = run.totalSteps ? Math.min(1, run.step / run.totalSteps) : 0;
  const pct = Math.round(f * 100);
  return (
    <div
      className={`trn-bar ${run.status}`}
      role="progressbar"
      aria-label={`Progress of ${run.name}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <span style={{ transform: `scaleX(${f.toFixed(3)})` }} />
    </div>
  );
}
