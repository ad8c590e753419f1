import { useEffect, useRef, useState } from 'react';

export interface LossPoint {
  step: number;
  loss: number;
}

const PAD = { top: 12, right: 14, bottom: 24, left: 46 };
const HEIGHT = 190;

/** Ticks at round values across [lo, hi]: about `n` of them. */
function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toFixed(10)));
  return out;
}

/** An exponential moving average: the trend under kohya's noisy per-step loss. */
function smooth(points: LossPoint[], k = 0.85): LossPoint[] {
  let s: number | null = null;
  return points.map((p) => {
    s = s === null ? p.loss : k * s + (1 - k) * p.loss;
    return { step: p.step, loss: s };
  });
}

function fmt(v: number): string {
  return Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/**
 * The run's loss by step as an SVG line chart, with the trend over it once there are enough
 * points, saves marked along the bottom, and the value under the pointer.
 */
export function LossChart({
  points,
  totalSteps,
  saves = [],
}: {
  points: LossPoint[];
  totalSteps: number | null;
  saves?: number[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(560);
  const [hover, setHover] = useState<LossPoint | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => e && setWidth(Math.max(240, e.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  if (!points.length)
    return (
      <div className="trn-chart empty" ref={box} data-testid="loss-chart" data-points={0}>
        <p className="muted">The loss shows here once the trainer reports its first step.</p>
      </div>
    );
  const last = points[points.length - 1]!;
  const x0 = Math.min(points[0]!.step, 1);
  const x1 = Math.max(totalSteps ?? last.step, last.step, x0 + 1);
  let y0 = Math.min(...points.map((p) => p.loss));
  let y1 = Math.max(...points.map((p) => p.loss));
  const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 0.1;
  y0 = Math.max(0, y0 - pad);
  y1 = y1 + pad;
  const w = width - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const sx = (s: number) => PAD.left + ((s - x0) / (x1 - x0)) * w;
  const sy = (l: number) => PAD.top + h - ((l - y0) / (y1 - y0)) * h;
  const line = (ps: LossPoint[]) =>
    ps.map((p) => `${sx(p.step).toFixed(1)},${sy(p.loss).toFixed(1)}`).join(' ');
  const trend = points.length >= 8 ? smooth(points) : null;
  const yTicks = ticks(y0, y1, 4);
  const xTicks = ticks(x0, x1, Math.max(2, Math.floor(w / 90))).filter(
    (t) => Number.isInteger(t) && t >= x0,
  );
  const onMove = (e: React.PointerEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const step = x0 + ((e.clientX - r.left - PAD.left) / w) * (x1 - x0);
    let best = points[0]!;
    for (const p of points) if (Math.abs(p.step - step) < Math.abs(best.step - step)) best = p;
    setHover(best);
  };
  return (
    <div className="trn-chart" ref={box} data-testid="loss-chart" data-points={points.length}>
      <svg
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={`Loss over ${points.length} steps: ${fmt(points[0]!.loss)} at step ${points[0]!.step}, ${fmt(last.loss)} at step ${last.step}`}
        onPointerMove={onMove}
        onPointerLeave={() => setHover(null)}
      >
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line
              className="trn-chart-grid"
              x1={PAD.left}
              x2={PAD.left + w}
              y1={sy(t)}
              y2={sy(t)}
            />
            <text className="trn-chart-label" x={PAD.left - 6} y={sy(t) + 4} textAnchor="end">
              {fmt(t)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text
            key={`x${t}`}
            className="trn-chart-label"
            x={sx(t)}
            y={HEIGHT - 6}
            textAnchor="middle"
          >
            {t.toLocaleString()}
          </text>
        ))}
        <line
          className="trn-chart-axis"
          x1={PAD.left}
          x2={PAD.left + w}
          y1={PAD.top + h}
          y2={PAD.top + h}
        />
        {saves
          .filter((s) => s >= x0 && s <= x1)
          .map((s) => (
            <line
              key={`s${s}`}
              className="trn-chart-save"
              x1={sx(s)}
              x2={sx(s)}
              y1={PAD.top}
              y2={PAD.top + h}
            >
              <title>LoRA saved at step {s}</title>
            </line>
          ))}
        {points.length === 1 ? (
          <circle className="trn-chart-dot" cx={sx(last.step)} cy={sy(last.loss)} r={3.5} />
        ) : (
          <polyline
            className={trend ? 'trn-chart-raw' : 'trn-chart-line'}
            points={line(points)}
            fill="none"
          />
        )}
        {trend && <polyline className="trn-chart-line" points={line(trend)} fill="none" />}
        {hover && (
          <g className="trn-chart-hover">
            <line x1={sx(hover.step)} x2={sx(hover.step)} y1={PAD.top} y2={PAD.top + h} />
            <circle cx={sx(hover.step)} cy={sy(hover.loss)} r={3.5} />
          </g>
        )}
      </svg>
      <div className="trn-chart-readout" aria-live="off">
        {hover
          ? `Step ${hover.step.toLocaleString()} · loss ${hover.loss.toFixed(4)}`
          : `Last: step ${last.step.toLocaleString()} · loss ${last.loss.toFixed(4)}`}
      </div>
    </div>
  );
}
