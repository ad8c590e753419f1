import { useEffect, useMemo, useState } from 'react';
import type { TrainingDetail, TrainingInfo, TrainingLora } from '@contract/index';
import { Dialog } from '../generate/Dialog';
import { useJobProgress, useJobs } from '../stores/jobs';
import { useNav } from '../stores/navigation';
import { AssetImg } from './AssetImg';
import { bytes, duration, lossText, plural, stepText, when } from './format';
import { LossChart, type LossPoint } from './LossChart';
import { RunControls } from './RunControls';
import { live, NcBadge, RunBar, StatusChip } from './RunBits';
import { sendLoraToGenerate } from './sendToGenerate';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

const presetLabel = { quick: 'Quick test', style: 'Style', character: 'Character' } as const;

function savedAt(l: TrainingLora, run: TrainingInfo): string {
  if (l.step !== null) return `step ${l.step.toLocaleString()}`;
  if (l.epoch !== null) return `epoch ${l.epoch.toLocaleString()}`;
  return run.status === 'completed' ? 'the end' : 'the last save';
}

/** Choose this one / Use in Generate for one of the run's LoRAs. */
function LoraActions({ run, modelId }: { run: TrainingDetail; modelId: string }) {
  const chosen = run.chosenModelId === modelId;
  return (
    <span className="trn-lora-actions">
      {chosen ? (
        <span className="trn-chosen" data-testid="lora-chosen">
          <TrainIcon name="star" size={13} /> Chosen
        </span>
      ) : (
        <button
          type="button"
          className="button small"
          onClick={() => void useTraining.getState().choose(run, modelId)}
          data-testid="lora-choose"
        >
          <TrainIcon name="star" size={13} /> Choose this one
        </button>
      )}
      <button
        type="button"
        className={`button small${chosen ? ' primary' : ''}`}
        onClick={() => void sendLoraToGenerate(run, modelId)}
        data-testid="lora-generate"
      >
        <TrainIcon name="sparkle" size={13} /> Use in Generate
      </button>
    </span>
  );
}

function SampleStrip({ run }: { run: TrainingDetail }) {
  const [open, setOpen] = useState<{ assetId: string; step: number; i: number } | null>(null);
  const loraById = new Map(run.loras.map((l) => [l.modelId, l]));
  if (!run.samples.length)
    return (
      <p className="muted">
        {run.config.sampleEvery > 0
          ? `Sample images appear here every ${plural(run.config.sampleEvery, run.config.saveEveryUnit === 'steps' ? 'step' : 'epoch')}.`
          : 'This run makes no sample images (samples every 0).'}
      </p>
    );
  return (
    <>
      <ol className="trn-samples" aria-label="Samples by step" data-testid="samples">
        {[...run.samples].reverse().map((s) => {
          const lora = s.modelId ? loraById.get(s.modelId) : undefined;
          return (
            <li
              key={s.step}
              className={`trn-sample-step${s.modelId && s.modelId === run.chosenModelId ? ' chosen' : ''}`}
              data-testid="sample-step"
              data-step={s.step}
            >
              <div className="trn-sample-head">
                <strong>
                  {run.config.saveEveryUnit === 'epochs' &&
                  lora?.epoch !== null &&
                  lora?.epoch !== undefined
                    ? `Epoch ${lora.epoch}`
                    : `Step ${s.step.toLocaleString()}`}
                </strong>
                {lora && <span className="muted">{bytes(lora.sizeBytes)}</span>}
                <span className="grow" />
                {s.modelId ? (
                  <LoraActions run={run} modelId={s.modelId} />
                ) : (
                  <span className="muted trn-side-note">No LoRA saved at this step</span>
                )}
              </div>
              <div className="trn-sample-thumbs">
                {s.assetIds.map((a, i) => (
                  <button
                    key={a}
                    type="button"
                    className="trn-sample"
                    title={run.config.samplePrompts[i] ?? ''}
                    onClick={() => setOpen({ assetId: a, step: s.step, i })}
                    data-testid="sample-thumb"
                  >
                    <AssetImg id={a} alt={`Sample ${i + 1} at step ${s.step}`} />
                  </button>
                ))}
              </div>
            </li>
          );
        })}
      </ol>
      {open && (
        <Dialog
          title={`Step ${open.step} · sample ${open.i + 1}`}
          onClose={() => setOpen(null)}
          width={720}
          testId="sample-dialog"
        >
          <div className="trn-sample-big">
            <AssetImg id={open.assetId} alt={`Sample ${open.i + 1} at step ${open.step}`} />
          </div>
          {run.config.samplePrompts[open.i] && (
            <p className="trn-hint">{run.config.samplePrompts[open.i]}</p>
          )}
        </Dialog>
      )}
    </>
  );
}

/**
 * One run: live progress and loss chart, the trainer's error in words, its LoRAs and the sample
 * images per step to pick the best one from.
 */
export function RunDetail({
  info,
  queuePos,
  queueLen,
}: {
  info: TrainingInfo;
  queuePos: number;
  queueLen: number;
}) {
  const detail = useTraining((s) => (s.run?.id === info.id ? s.run : null));
  const error = useTraining((s) => s.runError);
  const p = useJobProgress((s) => (info.jobId ? s.byId.get(info.jobId) : undefined));
  const run = live(info, p);
  // Loss points reported live between two reads of the run.
  const [extra, setExtra] = useState<LossPoint[]>([]);
  const m = p?.metrics;
  useEffect(() => {
    if (!m || m.step === undefined || m.loss === undefined || m.step <= 0) return;
    const point = { step: m.step, loss: m.loss };
    setExtra((e) => (e.some((x) => x.step === point.step) ? e : [...e.slice(-2000), point]));
  }, [m]);
  const points = useMemo(() => {
    const byStep = new Map<number, number>();
    for (const x of extra) byStep.set(x.step, x.loss);
    for (const x of detail?.loss ?? []) byStep.set(x.step, x.loss);
    return [...byStep.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([step, loss]) => ({ step, loss }));
  }, [extra, detail?.loss]);
  // The chart's last point is the trainer's latest word on the loss at that step.
  const lastPoint = points[points.length - 1];
  const loss = lastPoint && lastPoint.step >= run.step ? lastPoint.loss : run.lastLoss;
  const c = info.config;
  const eta = run.status === 'running' ? duration(run.etaSec) : null;
  const unit = c.saveEveryUnit === 'steps' ? 'step' : 'epoch';
  const facts: [string, string][] = [
    ['Dataset', info.datasetName],
    [
      'Base model',
      `${info.baseModel.name}${info.baseModel.family ? ` (${info.baseModel.family})` : ''}`,
    ],
    ['Preset', info.preset ? presetLabel[info.preset] : 'Custom'],
    ['Length', c.steps ? plural(c.steps, 'step') : plural(c.epochs ?? 1, 'epoch')],
    ['Network', `dim ${c.networkDim} · alpha ${c.networkAlpha}`],
    ['Learning', `${c.learningRate} · ${c.optimizer} · ${c.precision}`],
    [
      'Saves',
      `every ${plural(c.saveEvery, unit)}${c.sampleEvery ? `, samples every ${plural(c.sampleEvery, unit)}` : ', no samples'}`,
    ],
    ['Seed', String(c.seed)],
    ['Trigger token', info.triggerToken],
    ['Started', when(info.createdAt)],
  ];
  const openJob = () => {
    if (!info.jobId) return;
    useJobs.getState().select(info.jobId);
    useNav.getState().go('jobs');
  };
  return (
    <section
      className="card trn-run-detail"
      aria-labelledby="trn-run-title"
      data-testid="run-detail"
      data-run-id={info.id}
      data-status={run.status}
    >
      <header className="trn-run-detail-head">
        <div className="trn-run-detail-title">
          <h2 id="trn-run-title">{info.name}</h2>
          <StatusChip run={run} />
          {info.nonCommercial && <NcBadge />}
        </div>
        <div className="trn-run-detail-actions">
          <RunControls run={info} queuePos={queuePos} queueLen={queueLen} labels />
          <button
            type="button"
            className="icon-button"
            aria-label="Close the run"
            onClick={() => useTraining.getState().openRun(null)}
          >
            <TrainIcon name="x" size={15} />
          </button>
        </div>
      </header>

      <div className="trn-progress">
        <RunBar run={run} />
        <div className="trn-progress-facts" data-testid="run-progress">
          <span>{stepText(run)}</span>
          <span>loss {lossText(loss)}</span>
          {eta && <span>about {eta} left</span>}
          {run.status === 'completed' && info.finishedAt && (
            <span>finished {when(info.finishedAt)}</span>
          )}
          {(run.status === 'paused' || run.status === 'cancelled') && (
            <span>Resume continues from its last saved state.</span>
          )}
          {info.jobId && (
            <button type="button" className="trn-link" onClick={openJob}>
              Job log
            </button>
          )}
        </div>
      </div>

      {run.status === 'failed' && (
        <div className="trn-alert" role="alert" data-testid="run-error">
          <TrainIcon name="error" />
          <div className="grow">
            <strong>The run stopped.</strong> {info.error ?? 'No reason was given.'}
          </div>
        </div>
      )}
      {info.nonCommercial && (
        <p className="trn-nc-note">
          {info.baseModel.name} is marked non-commercial, and so are the LoRAs of this run: packs
          for sale refuse the images they make.
        </p>
      )}
      {error && !detail && <p className="trn-bad-text">This run could not be loaded: {error}</p>}

      <h3 className="trn-section-title">Loss</h3>
      <LossChart
        points={points}
        totalSteps={run.totalSteps}
        saves={(detail?.loras ?? []).map((l) => l.step).filter((s): s is number => s !== null)}
      />

      {detail && (
        <>
          <h3 className="trn-section-title">
            Samples{' '}
            <span className="muted">
              {detail.samples.length ? plural(detail.samples.length, 'step') : ''}
            </span>
          </h3>
          <SampleStrip run={detail} />

          <h3 className="trn-section-title">
            LoRAs saved <span className="muted">{detail.loras.length}</span>
          </h3>
          {detail.loras.length === 0 ? (
            <p className="muted">
              None yet: a LoRA is saved every {plural(c.saveEvery, unit)}, and kept even if the run
              is cancelled.
            </p>
          ) : (
            <ul className="trn-loras" data-testid="run-loras">
              {detail.loras.map((l) => (
                <li
                  key={l.modelId}
                  className={l.modelId === detail.chosenModelId ? 'chosen' : undefined}
                  data-testid="run-lora"
                  data-model-id={l.modelId}
                >
                  <span className="trn-lora-name mono" title={l.path}>
                    {l.name}
                  </span>
                  <span className="muted">
                    at {savedAt(l, info)} · {bytes(l.sizeBytes)}
                  </span>
                  <span className="grow" />
                  <LoraActions run={detail} modelId={l.modelId} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      <details className="trn-config">
        <summary>Settings of this run</summary>
        <dl className="trn-facts">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        {c.samplePrompts.length > 0 && (
          <>
            <div className="trn-facts-sub">Sample prompts</div>
            <ol className="trn-prompts">
              {c.samplePrompts.map((x, i) => (
                <li key={i}>{x}</li>
              ))}
            </ol>
          </>
        )}
      </details>
    </section>
  );
}
