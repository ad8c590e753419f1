import { memo, useEffect, useRef, useState } from 'react';
import type { CueInfo } from '@contract/index';
import { LocIcon } from './LocIcon';
import { saveCue, type CueEdit } from './saveCue';
import { formatMs, parseMs } from './time';

/** Below this, a recognised line is shown as doubtful. */
export const LOW_CONFIDENCE = 0.6;

/**
 * A text that saves when it loses focus. While it has focus, changes arriving from the server
 * (the job speaking other cues) never overwrite what is being typed.
 */
function CueText({
  value,
  label,
  placeholder,
  onSave,
  testId,
  lang,
  locked,
}: {
  value: string;
  label: string;
  placeholder: string;
  onSave: (v: string) => Promise<boolean>;
  testId: string;
  lang?: string;
  locked: boolean;
}) {
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  // Escape leaves without saving: the blur it causes still sees the typed draft.
  const discard = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);
  return (
    <textarea
      className="loc-cue-text"
      value={draft}
      rows={2}
      aria-label={label}
      placeholder={placeholder}
      lang={lang}
      readOnly={locked}
      onFocus={() => (focused.current = true)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        focused.current = false;
        if (discard.current) {
          discard.current = false;
          return;
        }
        if (draft.trim() === value.trim()) return;
        void onSave(draft).then((ok) => {
          if (!ok) setDraft(value);
        });
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          discard.current = true;
          setDraft(value);
          e.currentTarget.blur();
        }
      }}
      data-testid={testId}
    />
  );
}

function CueTime({
  ms,
  edge,
  index,
  onSave,
  locked,
}: {
  ms: number;
  edge: 'start' | 'end';
  index: number;
  onSave: (ms: number) => Promise<boolean>;
  locked: boolean;
}) {
  const [draft, setDraft] = useState(formatMs(ms));
  const [bad, setBad] = useState(false);
  const focused = useRef(false);
  const discard = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(formatMs(ms));
  }, [ms]);
  const commit = () => {
    const v = parseMs(draft);
    if (v === null) {
      setBad(true);
      return;
    }
    setBad(false);
    if (v === ms) return setDraft(formatMs(ms));
    void onSave(v).then((ok) => setDraft(formatMs(ok ? v : ms)));
  };
  const nudge = (delta: number) => void onSave(Math.max(0, ms + delta));
  const what = edge === 'start' ? 'Start' : 'End';
  return (
    <span className={`loc-time${bad ? ' bad' : ''}`}>
      <button
        type="button"
        className="loc-nudge"
        onClick={() => nudge(-100)}
        disabled={locked}
        aria-label={`${what} of cue ${index} 0.1 s earlier`}
        title="0.1 s earlier"
        data-testid="cue-nudge"
        data-edge={edge}
        data-delta={-100}
      >
        <LocIcon name="minus" size={11} />
      </button>
      <input
        value={draft}
        readOnly={locked}
        aria-label={`${what} of cue ${index}`}
        aria-invalid={bad || undefined}
        title={bad ? 'A time such as 01:02.500' : `${what} (minutes:seconds.milliseconds)`}
        onFocus={() => (focused.current = true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          focused.current = false;
          if (discard.current) {
            discard.current = false;
            return;
          }
          commit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            setDraft(formatMs(ms));
            setBad(false);
            // Out of the field, so the editor's keys work again; what was typed is dropped.
            discard.current = true;
            e.currentTarget.blur();
          }
        }}
        spellCheck={false}
        inputMode="decimal"
        data-testid={edge === 'start' ? 'cue-start' : 'cue-end'}
      />
      <button
        type="button"
        className="loc-nudge"
        onClick={() => nudge(100)}
        disabled={locked}
        aria-label={`${what} of cue ${index} 0.1 s later`}
        title="0.1 s later"
        data-testid="cue-nudge"
        data-edge={edge}
        data-delta={100}
      >
        <LocIcon name="plus" size={11} />
      </button>
    </span>
  );
}

export interface CueRowProps {
  locId: string;
  cue: CueInfo;
  translated: boolean;
  from: string;
  to: string | null;
  current: boolean;
  /** The cue the editor's keys act on. */
  selected: boolean;
  /** The playhead is inside this cue, far enough from its ends to split it there. */
  splitAt: number | null;
  hasNext: boolean;
  playing: boolean;
  onPlay: (cue: CueInfo) => void;
  onSplit: (cue: CueInfo, atMs: number) => void;
  onMerge: (cue: CueInfo) => void;
  onSelect: (cue: CueInfo) => void;
  /** The job is running: cues are read, not changed, until it ends or is stopped. */
  locked: boolean;
}

export const CueRow = memo(function CueRow({
  locId,
  cue,
  translated,
  from,
  to,
  current,
  selected,
  splitAt,
  hasNext,
  playing,
  onPlay,
  onSplit,
  onMerge,
  onSelect,
  locked,
}: CueRowProps) {
  const low = cue.confidence !== null && cue.confidence < LOW_CONFIDENCE;
  const save = (edit: CueEdit) => saveCue(locId, cue.index, edit);
  return (
    <li
      className={`loc-cue${current ? ' current' : ''}${selected ? ' selected' : ''}${low ? ' low' : ''}${cue.needsShorterLine ? ' shorter' : ''}`}
      data-testid="cue"
      data-index={cue.index}
      data-current={current || undefined}
      data-selected={selected || undefined}
      data-changed={cue.changed || undefined}
      onPointerDownCapture={() => onSelect(cue)}
      onFocusCapture={() => onSelect(cue)}
      data-low={low || undefined}
      data-shorter={cue.needsShorterLine || undefined}
      aria-current={current ? 'true' : undefined}
    >
      <div className="loc-cue-head">
        <span className="loc-cue-n" title={cue.edited ? 'Edited by you' : undefined}>
          {cue.index}
          {cue.edited && <span className="loc-edited-dot" aria-label="edited" />}
        </span>
        <span className="loc-cue-times">
          <CueTime
            ms={cue.startMs}
            edge="start"
            index={cue.index}
            onSave={(startMs) => save({ startMs })}
            locked={locked}
          />
          <span className="loc-muted" aria-hidden="true">
            –
          </span>
          <CueTime
            ms={cue.endMs}
            edge="end"
            index={cue.index}
            onSave={(endMs) => save({ endMs })}
            locked={locked}
          />
        </span>
        <span className="loc-cue-facts">
          {cue.changed && (
            <span
              className="loc-fact changed"
              role="img"
              title="Changed since the last run — Re-run redoes it"
              aria-label="Changed since the last run — Re-run redoes it"
              data-testid="cue-changed"
            >
              <LocIcon name="refresh" size={11} />
              Changed
            </span>
          )}
          {cue.confidence !== null && (
            <span
              className={`loc-fact${low ? ' warn' : ''}`}
              title={
                low ? 'Recognition was unsure of this line: check it' : 'Recognition confidence'
              }
              data-testid="cue-confidence"
            >
              {Math.round(cue.confidence * 100)}%
            </span>
          )}
          {cue.speed !== null && (
            <span
              className={`loc-fact${cue.speed > 1.01 ? ' info' : ''}`}
              title="How fast the dub line is spoken to fit its time"
              data-testid="cue-speed"
            >
              {cue.speed.toFixed(2)}×
            </span>
          )}
          {cue.needsShorterLine && (
            <span
              className="loc-fact bad"
              title="Even at 1.5× and using the pause after it, this line runs past its time: write a shorter translation"
              data-testid="cue-shorter"
            >
              <LocIcon name="shorter" size={12} />
              Needs a shorter line
            </span>
          )}
        </span>
      </div>
      <div className={`loc-cue-texts${translated ? ' two' : ''}`}>
        <CueText
          value={cue.text}
          label={`Recognised text of cue ${cue.index}`}
          placeholder="What is said"
          lang={from}
          onSave={(text) => save({ text })}
          testId="cue-text"
          locked={locked}
        />
        {translated && (
          <CueText
            value={cue.translation ?? ''}
            label={`Translation of cue ${cue.index}`}
            placeholder="Translated when the job gets here"
            lang={to ?? undefined}
            onSave={(translation) => save({ translation })}
            testId="cue-translation"
            locked={locked}
          />
        )}
      </div>
      <div className="loc-cue-actions">
        <button
          type="button"
          className="button small"
          onClick={() => onPlay(cue)}
          data-testid="cue-play"
          aria-label={`Play cue ${cue.index}`}
        >
          <LocIcon name={playing ? 'pause' : 'play'} size={12} />
          {playing ? 'Stop' : 'Play cue'}
        </button>
        <button
          type="button"
          className="button small ghost"
          onClick={() => splitAt !== null && onSplit(cue, splitAt)}
          disabled={locked || splitAt === null}
          title={
            locked
              ? 'Cues change once the run ends, or stop it'
              : splitAt === null
                ? 'Move the playhead inside this cue to split it there'
                : `Split at ${formatMs(splitAt)}`
          }
          data-testid="cue-split"
        >
          <LocIcon name="split" size={12} />
          Split at playhead
        </button>
        <button
          type="button"
          className="button small ghost"
          onClick={() => onMerge(cue)}
          disabled={locked || !hasNext}
          title={
            locked
              ? 'Cues change once the run ends, or stop it'
              : hasNext
                ? `Merge with cue ${cue.index + 1}`
                : 'The last cue has nothing to merge with'
          }
          data-testid="cue-merge"
        >
          <LocIcon name="merge" size={12} />
          Merge with next
        </button>
      </div>
    </li>
  );
});
