import { useCallback, useEffect, useRef, useState } from 'react';
import type { CueInfo, LocalizationDetail } from '@contract/index';
import { api } from '../api/client';
import { toastError, toastInfo } from '../stores/toasts';
import { isActive, languagesOf, modeShort, ProgressBar, StatusChip } from './bits';
import { CueRow } from './CueRow';
import { LocIcon } from './LocIcon';
import { progressOf, useLocalize } from './localizeStore';
import { Outputs } from './Outputs';
import { saveCue } from './saveCue';
import { ShortcutHelp } from './ShortcutHelp';
import { formatMs } from './time';
import { useCueKeys, type CueField, type CueKeyActions } from './useCueKeys';
import { Waveform } from './Waveform';
import { isTyping } from '../lib/typing';

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

/** A cue's field has the caret: the list is not scrolled or reselected under it. */
const typingNow = () => isTyping(document.activeElement);

/** Puts the caret at the end of a cue's text or translation. */
function focusField(list: HTMLElement | null, index: number, field: CueField) {
  const row = list?.querySelector(`[data-testid=cue][data-index="${index}"]`);
  const el =
    row?.querySelector<HTMLTextAreaElement>(`[data-testid=${field}]`) ??
    row?.querySelector<HTMLTextAreaElement>('[data-testid=cue-text]');
  if (!el) return;
  el.focus();
  el.setSelectionRange(el.value.length, el.value.length);
}

/** A split keeps 0.1 s on either side (the core refuses closer). */
const SPLIT_MARGIN = 100;

function Player({
  d,
  video,
  playhead,
  current,
  selected,
  onSeek,
}: {
  d: LocalizationDetail;
  video: React.RefObject<HTMLVideoElement | null>;
  playhead: number;
  current: CueInfo | null;
  selected: number | null;
  onSeek: (ms: number) => void;
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
      <Waveform id={d.id} cues={d.cues} selected={selected} playhead={playhead} onSeek={onSeek} />
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
  const [chosen, setChosen] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const cues = d?.cues ?? [];
  const current = cueAt(cues, playhead);
  // A split or a merge renumbers the cues: a selection past the end falls back to the last.
  const selected = chosen === null || !cues.length ? null : Math.min(chosen, cues.length);

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

  // While the video plays the selection follows the speech, unless the creator is typing.
  const currentIndex = current?.index ?? null;
  useEffect(() => {
    const v = video.current;
    if (currentIndex === null || !v || v.paused || typingNow()) return;
    setChosen(currentIndex);
  }, [currentIndex]);

  // The selected cue scrolls into view, unless the creator is typing in the list.
  useEffect(() => {
    const box = list.current;
    if (selected === null || !box || typingNow()) return;
    const el = box.querySelector<HTMLElement>(`[data-index="${selected}"]`);
    if (!el) return;
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + el.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTo({ top: Math.max(0, top - 12), behavior: 'smooth' });
  }, [selected]);

  const seek = useCallback((ms: number) => {
    const v = video.current;
    if (!v) return;
    stopAt.current = null;
    v.currentTime = ms / 1000;
    setPlayhead(ms);
  }, []);

  /** Selects a cue; the paused playhead goes to its start unless it is already inside it. */
  const select = useCallback(
    (index: number) => {
      setChosen(index);
      const cue = useLocalize.getState().detail?.cues.find((c) => c.index === index);
      const v = video.current;
      if (!cue || !v || !v.paused) return;
      const at = Math.round(v.currentTime * 1000);
      if (at < cue.startMs || at >= cue.endMs) seek(cue.startMs);
    },
    [seek],
  );
  const onSelect = useCallback((cue: CueInfo) => select(cue.index), [select]);
  const onWaveSeek = useCallback(
    (ms: number) => {
      seek(ms);
      const at = cueAt(useLocalize.getState().detail?.cues ?? [], ms);
      if (at) setChosen(at.index);
    },
    [seek],
  );

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

  // Time edits from the keys run one after another, each from the cue as the last one left it.
  const nudging = useRef<Promise<unknown>>(Promise.resolve());
  const keys = useRef<CueKeyActions | null>(null);
  const running = d ? isActive(d) : false;
  const notWhileRunning = () =>
    toastInfo('Cues change once the run ends', 'Or stop it: what was done is kept.');
  keys.current = {
    move(delta) {
      if (!cues.length) return;
      const from = selected ?? current?.index ?? (delta > 0 ? 0 : cues.length + 1);
      select(Math.max(1, Math.min(cues.length, from + delta)));
    },
    moveTo(which) {
      if (cues.length) select(which === 'first' ? 1 : cues.length);
    },
    play() {
      const cue = cues.find((c) => c.index === (selected ?? current?.index ?? 1));
      if (!cue) return;
      setChosen(cue.index);
      onPlay(cue);
    },
    edit(field) {
      if (selected === null) return;
      focusField(list.current, selected, d?.mode === 'subtitles' ? 'cue-text' : field);
    },
    saveAndNext(el) {
      const row = el.closest<HTMLElement>('[data-testid=cue]');
      const index = Number(row?.dataset.index);
      const field = el.dataset.testid;
      // Leaving the field saves it (CueText and CueTime save on blur).
      el.blur();
      if (!index || index >= cues.length) return;
      select(index + 1);
      if (field === 'cue-text' || field === 'cue-translation')
        requestAnimationFrame(() => focusField(list.current, index + 1, field));
    },
    split() {
      if (running) return notWhileRunning();
      const cue = cues.find((c) => c.index === selected);
      if (!cue) return;
      if (playhead > cue.startMs + SPLIT_MARGIN && playhead < cue.endMs - SPLIT_MARGIN)
        onSplit(cue, playhead);
      else
        toastInfo(
          `Move the playhead inside cue ${cue.index} to split it`,
          'Play it and stop where it should split, or click the waveform there, then press S.',
        );
    },
    merge() {
      if (running) return notWhileRunning();
      if (selected === null) return;
      const cue = cues.find((c) => c.index === selected);
      if (cue && selected < cues.length) onMerge(cue);
      else toastInfo('The last cue has nothing after it to merge with');
    },
    nudge(edge, delta) {
      if (running) return notWhileRunning();
      if (selected === null) return;
      const index = selected;
      nudging.current = nudging.current.then(() => {
        const cue = useLocalize.getState().detail?.cues.find((c) => c.index === index);
        if (!cue) return;
        const ms = Math.max(0, (edge === 'start' ? cue.startMs : cue.endMs) + delta);
        return saveCue(id, index, edge === 'start' ? { startMs: ms } : { endMs: ms });
      });
    },
    seekBy(delta) {
      const v = video.current;
      if (!v) return;
      const end = Number.isFinite(v.duration) ? v.duration * 1000 : Infinity;
      seek(Math.round(Math.max(0, Math.min(end, playhead + delta))));
    },
    toggleHelp: () => setHelp((h) => !h),
    closeHelp() {
      if (!help) return false;
      setHelp(false);
      return true;
    },
  };
  useCueKeys(keys);
  const closeHelp = useCallback(() => setHelp(false), []);

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
  const changed = cues.filter((c) => c.changed).length;
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
                {changed > 0
                  ? `Re-run ${changed} changed ${changed === 1 ? 'cue' : 'cues'}`
                  : 'Re-run'}
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
          <Player
            d={d}
            video={video}
            playhead={playhead}
            current={current}
            selected={selected}
            onSeek={onWaveSeek}
          />
          <Outputs d={d} />
        </aside>
        <section className="loc-ed-cues" aria-label="Cues">
          <div className="loc-cues-bar">
            <span>
              <strong>{cues.length}</strong> {cues.length === 1 ? 'cue' : 'cues'}
              {edited > 0 && <> · {edited} edited</>}
              {changed > 0 && (
                <span className="loc-changed-text" data-testid="loc-changed-count">
                  {' '}
                  · {changed} changed since the last run
                </span>
              )}
              {lowCount > 0 && <span className="loc-warn-text"> · {lowCount} doubtful</span>}
              {d.needsShorter > 0 && (
                <span className="loc-bad-text"> · {d.needsShorter} need a shorter line</span>
              )}
            </span>
            <span className="loc-cues-tools">
              <span
                className={`loc-muted loc-cues-hint${active ? ' locked' : ''}`}
                data-testid="loc-cues-hint"
              >
                {active ? 'Editable when the run ends' : 'Edits save when you leave a field'}
              </span>
              <button
                type="button"
                className="button small ghost loc-keys-button"
                onClick={() => setHelp((h) => !h)}
                aria-expanded={help}
                title="Keyboard shortcuts (?)"
                data-testid="loc-shortcuts-button"
              >
                <LocIcon name="keyboard" size={14} />
                Shortcuts
              </button>
              {help && <ShortcutHelp onClose={closeHelp} />}
            </span>
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
                  selected={selected === c.index}
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
                  onSelect={onSelect}
                  locked={active}
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
