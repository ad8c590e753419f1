import type { CSSProperties } from 'react';
import type { TrainingInfo } from '@contract/index';
import { EmptyState } from '../components/PageHeader';
import { duration, finished, lossText, stepText } from './format';
import { NcBadge, RunBar, StatusChip, useLiveRun } from './RunBits';
import { controlCount, RunControls } from './RunControls';
import { RunDetail } from './RunDetail';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

function RunRow({
  run: stored,
  selected,
  queuePos,
  queueLen,
}: {
  run: TrainingInfo;
  selected: boolean;
  queuePos: number;
  queueLen: number;
}) {
  const run = useLiveRun(stored);
  const eta = run.status === 'running' ? duration(run.etaSec) : null;
  return (
    <li
      className={`trn-run ${run.status}${selected ? ' selected' : ''}`}
      style={{ '--controls': controlCount(run.status) } as CSSProperties}
      data-testid="run-row"
      data-run-id={run.id}
      data-status={run.status}
    >
      <button
        type="button"
        className="trn-run-open"
        onClick={() => useTraining.getState().openRun(run.id)}
        aria-current={selected ? 'true' : undefined}
      >
        <span className="trn-run-top">
          <span className="trn-run-name">{run.name}</span>
        </span>
        <span className="trn-run-sub">
          <StatusChip run={run} />
          {run.nonCommercial && <NcBadge />}
          <span className="trn-run-where" title={`${run.datasetName} · ${run.baseModel.name}`}>
            {run.datasetName} · {run.baseModel.name}
          </span>
        </span>
        <RunBar run={run} />
        <span className="trn-run-facts" data-testid="run-facts">
          <span>{stepText(run)}</span>
          <span>loss {lossText(run.lastLoss)}</span>
          {eta && <span>about {eta} left</span>}
          {run.status === 'queued' && queuePos >= 0 && <span>{inLine(queuePos)}</span>}
        </span>
      </button>
      <RunControls run={stored} queuePos={queuePos} queueLen={queueLen} />
    </li>
  );
}

const ordinals = ['next', 'second', 'third', 'fourth', 'fifth'];
const inLine = (pos: number) => `${ordinals[pos] ?? `#${pos + 1}`} in line`;

const rank: Record<TrainingInfo['status'], number> = {
  running: 0,
  queued: 1,
  paused: 2,
  failed: 3,
  cancelled: 3,
  completed: 3,
};

/** The queue of runs (running, then queued in run order, then paused) and the finished ones. */
export function RunsTab() {
  const runs = useTraining((s) => s.runs);
  const error = useTraining((s) => s.runsError);
  const order = useTraining((s) => s.queueOrder);
  const runId = useTraining((s) => s.runId);
  if (error)
    return (
      <div className="trn-alert" role="alert">
        <TrainIcon name="warning" /> Training runs could not be loaded: {error}
      </div>
    );
  if (!runs) return <p className="muted">Loading runs…</p>;
  if (!runs.length)
    return (
      <div className="card" data-testid="runs-empty">
        <EmptyState icon={<TrainIcon name="train" size={28} />} title="No training runs yet">
          <p>
            Open a dataset and choose <strong>Train a LoRA…</strong>: runs wait here in the queue,
            one at a time on the GPU, and their LoRAs land in Models.
          </p>
        </EmptyState>
      </div>
    );
  const queuedIds = order.filter((j) => runs.some((r) => r.jobId === j && r.status === 'queued'));
  const pos = (r: TrainingInfo) => (r.jobId ? queuedIds.indexOf(r.jobId) : -1);
  const sorted = [...runs].sort((a, b) => {
    const d = rank[a.status] - rank[b.status];
    if (d) return d;
    if (a.status === 'queued') return (pos(a) + 1 || 1e9) - (pos(b) + 1 || 1e9);
    return 0;
  });
  const active = sorted.filter((r) => !finished(r.status));
  const done = sorted.filter((r) => finished(r.status));
  const open = runs.find((r) => r.id === runId) ?? null;
  const row = (r: TrainingInfo) => (
    <RunRow
      key={r.id}
      run={r}
      selected={r.id === runId}
      queuePos={pos(r)}
      queueLen={queuedIds.length}
    />
  );
  return (
    <div className={`trn-runs-layout${open ? ' with-detail' : ''}`}>
      <div className="trn-runs-col" data-testid="runs-list">
        {active.length > 0 && (
          <section aria-labelledby="trn-runs-queue">
            <h3 className="trn-section-title" id="trn-runs-queue">
              Queue <span className="muted">{active.length}</span>
            </h3>
            <ul className="trn-runs">{active.map(row)}</ul>
          </section>
        )}
        {done.length > 0 && (
          <section aria-labelledby="trn-runs-done">
            <h3 className="trn-section-title" id="trn-runs-done">
              Finished <span className="muted">{done.length}</span>
            </h3>
            <ul className="trn-runs">{done.map(row)}</ul>
          </section>
        )}
      </div>
      {open && (
        <RunDetail key={open.id} info={open} queuePos={pos(open)} queueLen={queuedIds.length} />
      )}
    </div>
  );
}
