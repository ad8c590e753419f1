import { memo, useEffect, useRef, useState } from 'react';
import type { DatasetItemInfo } from '@contract/index';
import { AssetImg } from './AssetImg';
import { TrainIcon } from './TrainIcon';
import { useTraining, type FindState } from './trainingStore';

const FIRST = 120;

/** Whether a caption holds what the find bar looks for (as the server's replace would see it). */
export function captionMatches(caption: string, f: FindState): boolean {
  const find = f.find;
  if (!find) return false;
  if (f.wholeTag) {
    const want = f.caseSensitive ? find.trim() : find.trim().toLowerCase();
    return caption
      .split(/[,\n]/)
      .map((t) => t.replace(/\s+/g, ' ').trim())
      .some((t) => (f.caseSensitive ? t : t.toLowerCase()) === want);
  }
  return f.caseSensitive
    ? caption.includes(find)
    : caption.toLowerCase().includes(find.toLowerCase());
}

/** One image with its caption, edited in place and saved when the field is left. */
const CaptionItem = memo(function CaptionItem({
  item,
  lit,
  match,
}: {
  item: DatasetItemInfo;
  lit: boolean;
  match: boolean;
}) {
  const [draft, setDraft] = useState(item.caption);
  const [saved, setSaved] = useState(false);
  const focused = useRef(false);
  // A caption changed elsewhere (replace, reset, another window) shows unless it is being edited.
  useEffect(() => {
    if (!focused.current) setDraft(item.caption);
  }, [item.caption]);
  useEffect(() => {
    if (!saved) return;
    const t = setTimeout(() => setSaved(false), 1600);
    return () => clearTimeout(t);
  }, [saved]);
  const commit = async () => {
    focused.current = false;
    if (draft === item.caption) return;
    if (await useTraining.getState().saveCaption(item.assetId, draft)) setSaved(true);
  };
  const size = item.width && item.height ? `${item.width}×${item.height}` : null;
  const classes = [
    'trn-cap',
    item.excluded ? 'excluded' : '',
    lit ? 'lit' : '',
    match ? 'match' : '',
    item.missing ? 'missing' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li
      className={classes}
      data-testid="caption-item"
      data-asset-id={item.assetId}
      data-excluded={item.excluded || undefined}
      data-lit={lit || undefined}
    >
      <div className="trn-cap-img">
        <AssetImg id={item.assetId} alt={item.filename} />
        {item.excluded && <span className="trn-cap-badge">Left out</span>}
        {item.missing && <span className="trn-cap-badge bad">File missing</span>}
        <button
          type="button"
          className="trn-cap-toggle"
          onClick={() => void useTraining.getState().exclude([item.assetId], !item.excluded)}
          aria-pressed={item.excluded}
          aria-label={`${item.excluded ? 'Include' : 'Exclude'} ${item.filename}`}
          data-testid="caption-exclude"
        >
          <TrainIcon name={item.excluded ? 'eye' : 'eyeOff'} size={14} />
          {item.excluded ? 'Include' : 'Exclude'}
        </button>
      </div>
      <div className="trn-cap-meta">
        <span className="trn-cap-name" title={item.filename}>
          {item.filename}
        </span>
        {saved ? (
          <span className="trn-cap-saved" role="status">
            <TrainIcon name="check" size={12} /> Saved
          </span>
        ) : (
          size && <span className="muted">{size}</span>
        )}
        {item.status !== 'approved' && (
          <span className={`trn-cap-status ${item.status}`}>{item.status}</span>
        )}
      </div>
      <textarea
        className="trn-cap-text"
        value={draft}
        rows={3}
        spellCheck={false}
        aria-label={`Caption of ${item.filename}`}
        onFocus={() => (focused.current = true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          // A caption is one line: Enter saves it; Escape puts it back.
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            e.currentTarget.blur();
          } else if (e.key === 'Escape') {
            setDraft(item.caption);
            focused.current = false;
            e.currentTarget.blur();
          }
        }}
        data-testid="caption-text"
      />
    </li>
  );
});

/** The dataset's images, each with its caption; left-out ones dimmed. */
export function CaptionGrid({ items }: { items: DatasetItemInfo[] }) {
  const highlight = useTraining((s) => s.highlight);
  const find = useTraining((s) => s.find);
  const [limit, setLimit] = useState(FIRST);
  // A highlighted image further down shows even when the grid is cut short.
  const lastLit = highlight.size
    ? Math.max(...items.map((it, i) => (highlight.has(it.assetId) ? i : -1)))
    : -1;
  const shown = items.slice(0, Math.max(limit, lastLit + 1));
  if (!items.length)
    return <p className="muted trn-empty-grid">This dataset holds no images any more.</p>;
  return (
    <>
      <ul className="trn-caps" aria-label="Images and captions" data-testid="caption-grid">
        {shown.map((it) => (
          <CaptionItem
            key={it.assetId}
            item={it}
            lit={highlight.has(it.assetId)}
            match={captionMatches(it.caption, find)}
          />
        ))}
      </ul>
      {shown.length < items.length && (
        <button type="button" className="button trn-more" onClick={() => setLimit(limit + 240)}>
          Show {Math.min(240, items.length - shown.length).toLocaleString()} more of{' '}
          {(items.length - shown.length).toLocaleString()}
        </button>
      )}
    </>
  );
}
