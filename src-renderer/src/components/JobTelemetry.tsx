import { useEffect, useRef, useState } from 'react';
import type { JobDetail, JobMetrics, JobPreview } from '@contract/index';
import { api } from '../api/client';
import { statusLabel } from './JobsProgress';

function rate(m: JobMetrics): string | null {
  if (m.itPerSec !== undefined)
    return m.itPerSec >= 1
      ? `${m.itPerSec.toFixed(2)} it/s`
      : `${(1 / m.itPerSec).toFixed(2)} s/it`;
  if (m.secPerIt !== undefined) return `${m.secPerIt.toFixed(2)} s/it`;
  return null;
}

/** A small line chart of the loss so far: whether training is settling shows at a glance. */
function LossSpark({ values }: { values: number[] }) {
  if (values.length < 2) return null;
  const w = 220;
  const h = 44;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const points = values
    .map(
      (v, i) =>
        `${((i / (values.length - 1)) * w).toFixed(1)},${(h - ((v - min) / span) * (h - 4) - 2).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      className="jobs-spark"
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label="Loss over time"
    >
      <polyline points={points} fill="none" stroke="var(--accent)" strokeWidth="1.5" />
    </svg>
  );
}

/**
 * What a long job shows while it runs: the engine's live preview, its rate, step and loss, and
 * the parts of a multi-step job. Previews arrive as events (never stored); loss points are kept
 * here while the page is open.
 */
export function JobTelemetry({ job }: { job: JobDetail }) {
  const [preview, setPreview] = useState<JobPreview | null>(job.preview);
  const losses = useRef<number[]>([]);
  const [, setTick] = useState(0);
  useEffect(() => {
    setPreview(job.preview);
    losses.current = [];
    return api.on('jobs.preview', (p) => p.id === job.id && setPreview(p));
  }, [job.id, job.preview]);
  const loss = job.metrics?.loss;
  useEffect(() => {
    if (loss === undefined) return;
    const l = losses.current;
    if (l[l.length - 1] !== loss) {
      l.push(loss);
      if (l.length > 400) l.splice(0, l.length - 400);
      setTick((t) => t + 1);
    }
  }, [loss]);
  const m = job.metrics;
  const running = job.status === 'running';
  const segments = job.segments;
  const done = segments.filter((s) => s.status === 'completed').length;
  const facts = m
    ? [
        m.step !== undefined ? `step ${m.step}${m.total ? ` of ${m.total}` : ''}` : null,
        rate(m),
        m.loss !== undefined ? `loss ${m.loss.toFixed(4)}` : null,
      ].filter(Boolean)
    : [];
  if (!facts.length && !(running && preview) && segments.length === 0) return null;
  return (
    <div className="jobs-telemetry" data-testid="job-telemetry">
      {running && preview && (
        <img
          className="jobs-preview"
          src={`data:${preview.mime};base64,${preview.data}`}
          alt="Live preview"
          data-testid="job-preview"
        />
      )}
      {facts.length > 0 && <div className="jobs-metrics">{facts.join(' · ')}</div>}
      <LossSpark values={losses.current} />
      {segments.length > 0 && (
        <div className="jobs-segments">
          <div className="muted" style={{ fontSize: 12 }}>
            Parts: {done} of {segments.length} done
          </div>
          <div className="jobs-segment-strip" aria-label="Parts">
            {segments.map((s) => (
              <span
                key={s.index}
                className={`jobs-segment ${s.status}`}
                title={`${s.label ?? `Part ${s.index + 1}`}: ${statusLabel[s.status]}${s.attempts > 1 ? ` · ${s.attempts} attempts` : ''}${s.error ? ` · ${s.error}` : ''}`}
              />
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
