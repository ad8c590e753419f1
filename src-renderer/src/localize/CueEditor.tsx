import { useCallback, useEffect, useRef, useState } from 'react';
import type { CueInfo, LocalizationDetail } from '@contract/index';
import { api } from '../api/client';
import { toastError, toastInfo } from '../stores/toasts';
import { isActive, languagesOf, modeShort, ProgressBar, StatusChip } from './bits';
import { CueRow } from './CueRow';
import { LocIcon } from './LocIcon';
import { progressOf, useLocalize } from './localizeStore';
import { Outputs } from './Outputs';
import { formatMs } from './time';

/** The cue under the playhead (none in the gaps between cues). */
function cueAt(cues: CueInfo[], ms: number): CueInfo | null {
  return cues.find((c) => ms >= c.startMs && ms < c.endMs) ?? null;
}

/** What a running job is doing, read from what it has made so far. */
function stageOf(d: LocalizationDetail): string {
  if (!d.cues.length) return 'Transcribing';
  if (d.mode === 'subtitles') return 'Writing the subtitles';
  if (d.cues.some((c) => c.translation === null)) return 'Translating';
  if (d.mode === 'translate') return 'Writing the subtitles';
  if (d.cues.some((c) => c.speed === null && c.translation)) return 'Speaking the dub';
  return d.mode === 'video' ? 'Mixing and muxing' : 'Mixing the dub';
}

/** A split keeps 0.1 s on either side (the core refuses closer). */
const SPLIT_MARGIN = 100;

function Player({
  d,
  video,
  playhead,
  current,
}: {
  d: LocalizationDetail;
  video: React.RefObject<HTMLVideoElement | null>;
  playhead: number;
  current: CueInfo | null;
}) {
  const caption = current ? (d.to ? (current.translation ?? current.text) : current.text) : null;
  return (
    <div className="loc-player">
      <div className="loc-video-box">
        <video
          ref={video}
          src={api.mediaUrl(d.assetId, 'file')}
          poster={api.mediaUrl(d.assetId, 'thumb')}
          controls
          preload="metadata"
          playsInline
          data-testid="loc-video"
        />
        <div className="loc-caption" data-testid="loc-caption" lang={d.to ?? d.from}>
          {caption ?? ''}
        </div>
      </div>
      <div className="loc-playhead">
        <span className="loc-mono" aria-label="Playhead">
          {formatMs(playhead)}
        </span>
        <span className="loc-muted">
          {current ? `Cue ${current.index}` : 'Between cues'} ·{' '}
          {d.to ? 'captions show the translation' : 'captions show the text'}
        </span>
      </div>
    </div>
  );
}

export function CueEditor({ id }: { id: string }) {
  const d = useLocalize((s) => (s.detail && s.detail.id === id ? s.detail : null));
  const live = useLocalize((s) => (d?.jobId ? s.live[d.jobId] : undefined));
  const video = useRef<HTMLVideoElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const [playhead, setPlayhead] = useState(0);
  const [playingCue, setPlayingCue] = useState<number | null>(null);
  const stopAt = useRef<number | null>(null);
  const [busy, setBusy] = useState(false);
  const cues = d?.cues ?? [];
  const current = cueAt(cues, playhead);

  // The playhead, every frame while the video plays (timeupdate alone is 4 a second), so a
  // played cue stops at its end and the highlight follows the speech.
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let raf = 0;
    const read = () => {
      const ms = Math.round(v.currentTime * 1000);
      setPlayhead(ms);
      if (stopAt.current !== null && ms >= stopAt.current) {
        stopAt.current = null;
        v.pause();
      }
    };
    const loop = () => {
      read();
      raf = requestAnimationFrame(loop);
    };
    const onPlay = () => {
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(loop);
    };
    const onPause = () => {
      cancelAnimationFrame(raf);
      stopAt.current = null;
      setPlayingCue(null);
      read();
    };
    v.addEventListener('play', onPlay);
    v.addEventListener('pause', onPause);
    v.addEventListener('ended', onPause);
    v.addEventListener('seeked', read);
    v.addEventListener('timeupdate', read);
    return () => {
      cancelAnimationFrame(raf);
      v.removeEventListener('play', onPlay);
      v.removeEventListener('pause', onPause);
      v.removeEventListener('ended', onPause);
      v.removeEventListener('seeked', read);
      v.removeEventListener('timeupdate', read);
    };
  }, [d?.assetId]);

  // The current cue scrolls into view, unless the creator is typing in the list.
  const currentIndex = current?.index ?? null;
  useEffect(() => {
    const box = list.current;
    if (currentIndex === null || !box) return;
    if (box.contains(document.activeElement)) return;
    const el = box.querySelector<HTMLElement>(`[data-index="${currentIndex}"]`);
    if (!el) return;
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + el.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTo({ top: Math.max(0, top - 12), behavior: 'smooth' });
  }, [currentIndex]);

  const onPlay = useCallback((cue: CueInfo) => {
    const v = video.current;
    if (!v) return;
    if (!v.paused && stopAt.current !== null) {
      v.pause();
      return;
    }
    v.currentTime = cue.startMs / 1000;
    stopAt.current = cue.endMs;
    setPlayingCue(cue.index);
    setPlayhead(cue.startMs);
    void v.play().catch((err: Error) => {
      stopAt.current = null;
      setPlayingCue(null);
      if (err.name !== 'AbortError') toastError('This browser cannot play the video', err);
    });
  }, []);

  const onSplit = useCallback(
    (cue: CueInfo, atMs: number) => {
      video.current?.pause();
      api
        .call('localize.splitCue', { id, index: cue.index, atMs })
        .then((next) => useLocalize.getState().putDetail(next))
        .catch((err) => toastError(`Could not split cue ${cue.index}`, err));
    },
    [id],
  );
  const onMerge = useCallback(
    (cue: CueInfo) => {
      api
        .call('localize.mergeCues', { id, index: cue.index })
        .then((next) => useLocalize.getState().putDetail(next))
        .catch((err) => toastError(`Could not merge cue ${cue.index}`, err));
    },
    [id],
  );

  if (!d) {
    return (
      <div className="loc-editor" data-testid="loc-editor" data-id={id}>
        <BackButton />
        <p className="loc-muted">Loading the cues…</p>
      </div>
    );
  }

  const active = isActive(d);
  const { progress, message } = progressOf(d, live && d.jobId ? { [d.jobId]: live } : {});
  const translated = d.mode !== 'subtitles';
  const edited = cues.filter((c) => c.edited).length;
  const lowCount = cues.filter((c) => c.confidence !== null && c.confidence < 0.6).length;

  const rerun = async () => {
    setBusy(true);
    // An edit still in a field is saved (on blur) before the job reads the cues.
    (document.activeElement as HTMLElement | null)?.blur?.();
    await new Promise((r) => setTimeout(r, 50));
    try {
      const info = await api.call('localize.rerun', { id });
      useLocalize.getState().putInfo(info);
      toastInfo('Running again', 'Only the cues you changed are redone, then the mix.');
    } catch (err) {
      toastError('Could not run it again', err);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () =>
    api
      .call('localize.cancel', { id })
      .then((i) => useLocalize.getState().putInfo(i))
      .catch((err) => toastError('Could not stop it', err));

  return (
    <div className="loc-editor" data-testid="loc-editor" data-id={d.id} data-status={d.status}>
      <header className="loc-ed-head">
        <BackButton />
        <div className="loc-ed-title">
          <h1 title={d.filename}>{d.filename}</h1>
          <span className="loc-muted">
            {modeShort(d)} · {languagesOf(d)}
            {d.burnIn ? ' · burned-in subtitles' : ''}
          </span>
        </div>
        <StatusChip status={d.status} testId="loc-status" />
        <div className="loc-ed-actions">
          {active ? (
            <button
              type="button"
              className="button"
              onClick={() => void cancel()}
              data-testid="loc-cancel"
            >
              <LocIcon name="stop" size={14} />
              Stop
            </button>
          ) : (
            <div className="loc-rerun">
              <button
                type="button"
                className="button primary"
                onClick={() => void rerun()}
                disabled={busy}
                data-testid="loc-rerun"
                aria-describedby="loc-rerun-note"
              >
                <LocIcon name="refresh" size={14} />
                Re-run
              </button>
              <span className="loc-muted" id="loc-rerun-note" data-testid="loc-rerun-note">
                Only changed cues are redone
              </span>
            </div>
          )}
        </div>
      </header>

      {active && (
        <div className="loc-ed-progress" data-testid="loc-progress">
          <ProgressBar value={progress} label="Progress" />
          <span className="loc-muted">
            {d.status === 'queued' ? 'Waiting in the queue' : (message ?? stageOf(d))} ·{' '}
            {Math.round(progress * 100)}%
          </span>
        </div>
      )}
      {d.status === 'failed' && d.error && (
        <div className="loc-alert" role="alert" data-testid="loc-error">
          <LocIcon name="error" />
          <div>
            <strong>It stopped with an error</strong>
            <p>{d.error}</p>
            <p className="loc-muted">
              Fix the cue or the engine it names, then Re-run: what was done is kept.
            </p>
          </div>
        </div>
      )}

      <div className="loc-ed-body">
        <aside className="loc-ed-side">
          <Player d={d} video={video} playhead={playhead} current={current} />
          <Outputs d={d} />
        </aside>
        <section className="loc-ed-cues" aria-label="Cues">
          <div className="loc-cues-bar">
            <span>
              <strong>{cues.length}</strong> {cues.length === 1 ? 'cue' : 'cues'}
              {edited > 0 && <> · {edited} edited</>}
              {lowCount > 0 && <span className="loc-warn-text"> · {lowCount} doubtful</span>}
              {d.needsShorter > 0 && (
                <span className="loc-bad-text"> · {d.needsShorter} need a shorter line</span>
              )}
            </span>
            <span className="loc-muted loc-cues-hint">Edits save when you leave a field</span>
          </div>
          {cues.length === 0 ? (
            <p className="loc-muted loc-cues-empty">
              {active
                ? 'The cues appear here once the speech is transcribed.'
                : 'No cues: no speech was recognised.'}
            </p>
          ) : (
            <ol className="loc-cues" ref={list} data-testid="loc-cues">
              {cues.map((c, i) => (
                <CueRow
                  key={c.index}
                  locId={d.id}
                  cue={c}
                  translated={translated}
                  from={d.from}
                  to={d.to}
                  current={current?.index === c.index}
                  splitAt={
                    playhead > c.startMs + SPLIT_MARGIN && playhead < c.endMs - SPLIT_MARGIN
                      ? playhead
                      : null
                  }
                  hasNext={i < cues.length - 1}
                  playing={playingCue === c.index}
                  onPlay={onPlay}
                  onSplit={onSplit}
                  onMerge={onMerge}
                />
              ))}
            </ol>
          )}
        </section>
      </div>
    </div>
  );
}

function BackButton() {
  return (
    <button
      type="button"
      className="button ghost loc-back"
      onClick={() => useLocalize.getState().open(null)}
      data-testid="loc-back"
    >
      <LocIcon name="back" size={14} />
      Localisations
    </button>
  );
}
