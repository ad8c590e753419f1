import { memo, useState } from 'react';
import type { GridItem } from '@contract/index';
import { api } from '../api/client';
import { LibIcon } from './LibIcon';
import { startAssetDrag } from './dragAssets';
import { StackBadge, StackMark } from './StackBadge';
import { VideoScrub } from './VideoScrub';
import './stacks.css';
import { useLibrary } from './libraryStore';
import { LabelDot } from './colorLabels';
import { displayName, formatDuration } from './format';

interface Props {
  item: GridItem;
  index: number;
  width: number;
  selected: boolean;
  focused: boolean;
  onClick(index: number, e: React.MouseEvent): void;
  onOpen(index: number): void;
  /** False while the grid scrolls fast (or the card waits its turn off screen); a card that has asked for its picture keeps it. */
  loadPicture?: boolean;
}

export function Stars({ rating }: { rating: number }) {
  if (!rating) return null;
  return (
    <span className="stars" aria-label={`${rating} stars`}>
      {'★'.repeat(rating)}
    </span>
  );
}

export function Snippet({ snippet }: { snippet: GridItem['snippet'] }) {
  if (!snippet) return null;
  return (
    <span className="snippet" data-testid="snippet">
      {snippet.parts.map((p, i) =>
        p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </span>
  );
}

/** One thumbnail: memoised so moving the focus re-renders two cards, not the page. */
export const AssetCard = memo(function AssetCard({
  item,
  index,
  width,
  selected,
  focused,
  onClick,
  onOpen,
  loadPicture = true,
}: Props) {
  const [armed, setArmed] = useState(loadPicture);
  if (loadPicture && !armed) setArmed(true);
  const src =
    item.hasThumb && armed ? api.mediaUrl(item.id, width > 240 ? 'thumb' : 'thumb-small') : null;
  return (
    <div
      className={`card-asset type-${item.type} status-${item.status}${selected ? ' selected' : ''}${focused ? ' focused' : ''}${item.missing ? ' missing' : ''}${item.stack?.expanded ? ' stack-open' : ''}${item.stackOf ? ' stack-member' : ''}`}
      data-testid="lib-card"
      data-id={item.id}
      data-status={item.status}
      data-rating={item.rating}
      data-liked={item.liked ? '1' : '0'}
      data-label={item.colorLabel ?? ''}
      data-has-thumb={item.hasThumb ? '1' : '0'}
      data-type={item.type}
      data-stack={item.stack ? item.stack.count + 1 : undefined}
      data-stack-of={item.stackOf}
      aria-selected={selected}
      role="gridcell"
      onMouseDown={(e) => {
        // Keep focus on the grid (keyboard curation) and avoid text selection on shift-click.
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e) => onClick(index, e)}
      onDoubleClick={() => onOpen(index)}
      draggable
      onDragStart={(e) => {
        // A card inside the selection carries the whole selection; any other card goes alone.
        // With "select all", the drag carries the filter, so every match is added, loaded or not.
        const { selected, allMatching, filter } = useLibrary.getState();
        if (!selected.has(item.id)) startAssetDrag(e, { ids: [item.id] });
        else startAssetDrag(e, allMatching ? { query: filter } : { ids: [...selected] });
      }}
    >
      {/* The thumb fills the cell above the caption: square cells, or the row's height in the justified grid. */}
      <div className="thumb">
        {src ? (
          // elementtiming: the paint of each thumbnail is observable (PerformanceElementTiming),
          // which is how the library bench measures when pictures are shown.
          <img
            src={src}
            alt=""
            decoding="async"
            draggable={false}
            {...{ elementtiming: 'thumb' }}
          />
        ) : item.hasThumb ? null : (
          <div className="thumb-placeholder">
            <LibIcon name={item.type} size={Math.min(48, width / 4)} />
          </div>
        )}
        {item.type === 'video' && item.hasThumb && armed && <VideoScrub item={item} />}
        {item.stack ? <StackBadge item={item} /> : item.stackOf ? <StackMark /> : null}
        <div className="badges">
          {item.status === 'approved' && (
            <span className="badge badge-ok" title="Approved">
              ✓
            </span>
          )}
          {item.status === 'rejected' && (
            <span className="badge badge-bad" title="Rejected">
              ✕
            </span>
          )}
          {item.liked && (
            <span className="badge badge-like" title="Liked">
              ♥
            </span>
          )}
        </div>
        {item.durationSec !== null && (
          <span className="duration">{formatDuration(item.durationSec)}</span>
        )}
        {item.missing && <span className="missing-flag">Missing</span>}
        {item.colorLabel && <span className={`label-edge label-${item.colorLabel}`} />}
      </div>
      <div className="card-caption">
        <LabelDot label={item.colorLabel} testId="card-label" />
        {item.snippet ? (
          <Snippet snippet={item.snippet} />
        ) : (
          <span className="card-name">{displayName(item)}</span>
        )}
        <Stars rating={item.rating} />
      </div>
    </div>
  );
});
