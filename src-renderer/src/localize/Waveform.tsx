import { useEffect, useMemo, useRef, useState } from 'react';
import type { CueInfo } from '@contract/index';
import { api } from '../api/client';
import { formatMs } from './time';

/** How much of the source the strip shows at once: about a dozen cues, each wide enough to hit. */
const WINDOW_MS = 30_000;

type Loaded = { durationMs: number; peaks: number[] } | { error: string } | null;

/** The envelope of the visible peaks as one closed SVG path in a 1000 × 100 box. */
function envelope(peaks: number[], durationMs: number, from: number, span: number): string {
  if (!peaks.length || durationMs <= 0) return '';
  const perBucket = durationMs / peaks.length;
  const first = Math.max(0, Math.floor(from / perBucket));
  const last = Math.min(peaks.length - 1, Math.ceil((from + span) / perBucket));
  // Quiet speech still shows: the loudest moment fills the strip.
  const top = Math.max(0.05, ...peaks);
  const xs: string[] = [];
  const lows: string[] = [];
  for (let i = first; i <= last; i++) {
    const x = ((((i + 0.5) * perBucket - from) / span) * 1000).toFixed(1);
    const h = Math.max(0.6, (peaks[i]! / top) * 46);
    xs.push(`${x},${(50 - h).toFixed(1)}`);
    lows.push(`${x},${(50 + h).toFixed(1)}`);
  }
  return `M${xs.join('L')}L${lows.reverse().join('L')}Z`;
}

/**
 * The source's sound under the video: every cue's span on it, the selected one marked, the
 * playhead; a click or a drag moves the playhead (and selects the cue there).
 */
export function Waveform({
  id,
  cues,
  selected,
  playhead,
  onSeek,
}: {
  id: string;
  cues: CueInfo[];
  selected: number | null;
  playhead: number;
  onSeek: (ms: number) => void;
}) {
  const [w, setW] = useState<Loaded>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    setW(null);
    api
      .call('localize.waveform', { id })
      .then((r) => live && setW(r))
      .catch((err: Error) => live && setW({ error: err.message }));
    return () => {
      live = false;
    };
  }, [id]);

  const wave = w && 'peaks' in w ? w : null;
  const duration = wave?.durationMs ?? 0;
  const span = Math.min(duration || WINDOW_MS, WINDOW_MS);
  // The playhead sits a quarter in, so what comes next is in view while a cue plays.
  const from = Math.max(0, Math.min(playhead - span / 4, duration - span));
  const path = useMemo(
    () => (wave ? envelope(wave.peaks, wave.durationMs, from, span) : ''),
    [wave, from, span],
  );
  const pct = (ms: number) => `${((ms - from) / span) * 100}%`;

  const seekAt = (clientX: number) => {
    const r = box.current?.getBoundingClientRect();
    if (!r || !wave) return;
    const ms = from + ((clientX - r.left) / r.width) * span;
    onSeek(Math.round(Math.max(0, Math.min(duration, ms))));
  };

  if (w && 'error' in w)
    return (
      <p className="loc-wave-error loc-muted" data-testid="loc-waveform-error">
        No waveform: {w.error}
      </p>
    );
  const shown = cues.filter((c) => c.endMs > from && c.startMs < from + span);
  return (
    <div className="loc-wave" data-testid="loc-waveform" data-ready={wave ? 'true' : undefined}>
      <div
        ref={box}
        className="loc-wave-track"
        role="group"
        aria-label="Waveform: click or drag to move the playhead"
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          seekAt(e.clientX);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) seekAt(e.clientX);
        }}
      >
        {shown.map((c) => (
          <div
            key={c.index}
            className={`loc-wave-cue${c.index === selected ? ' selected' : ''}${c.changed ? ' changed' : ''}`}
            style={{ left: pct(c.startMs), width: pct(from + c.endMs - c.startMs) }}
            data-testid="wave-cue"
            data-index={c.index}
            data-selected={c.index === selected || undefined}
          >
            <span>{c.index}</span>
          </div>
        ))}
        <svg viewBox="0 0 1000 100" preserveAspectRatio="none" aria-hidden="true">
          <path d={path} />
        </svg>
        {wave ? (
          <div className="loc-wave-head" style={{ left: pct(playhead) }} />
        ) : (
          <span className="loc-wave-loading loc-muted">Drawing the waveform…</span>
        )}
      </div>
      <div className="loc-wave-scale loc-mono" aria-hidden="true">
        <span>{formatMs(from)}</span>
        <span>{formatMs(from + span)}</span>
      </div>
    </div>
  );
}
