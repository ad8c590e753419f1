import { memo, useEffect, useRef, useState } from 'react';
import type { GridItem } from '@contract/index';
import { api } from '../api/client';
import { Snippet, Stars } from './AssetCard';
import { LibIcon } from './LibIcon';
import { LabelDot } from './colorLabels';
import { StackBadge, StackMark } from './StackBadge';
import { dimensions, displayName, formatBytes, formatDate, formatDuration } from './format';

const rowHeight = 44;

interface Props {
  items: GridItem[];
  selected: Set<string>;
  focus: number;
  onClick(index: number, e: React.MouseEvent): void;
  onOpen(index: number): void;
  onNearEnd(): void;
}

const Row = memo(function Row({
  item,
  index,
  selected,
  focused,
  onClick,
  onOpen,
}: {
  item: GridItem;
  index: number;
  selected: boolean;
  focused: boolean;
  onClick: Props['onClick'];
  onOpen: Props['onOpen'];
}) {
  return (
    <div
      className={`list-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      style={{ transform: `translateY(${index * rowHeight}px)` }}
      data-testid="lib-row"
      data-id={item.id}
      data-status={item.status}
      data-label={item.colorLabel ?? ''}
      role="row"
      aria-selected={selected}
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => onClick(index, e)}
      onDoubleClick={() => onOpen(index)}
    >
      <span className="lc-thumb">
        {item.hasThumb ? (
          <img src={api.mediaUrl(item.id, 'thumb-small')} alt="" loading="lazy" />
        ) : (
          <LibIcon name={item.type} size={18} />
        )}
      </span>
      <span className="lc-name">
        <span className="lc-name-line">
          <LabelDot label={item.colorLabel} testId="row-label" />
          {item.stackOf && <StackMark />}
          {displayName(item)}
          {item.stack && <StackBadge item={item} />}
        </span>
        {item.snippet && <Snippet snippet={item.snippet} />}
      </span>
      <span className={`lc-status pill pill-${item.status}`}>{item.status}</span>
      <span className="lc-rating">
        <Stars rating={item.rating} />
        {item.liked && <span className="like">♥</span>}
      </span>
      <span className="lc-type">{item.type}</span>
      <span className="lc-dim">
        {item.durationSec !== null ? formatDuration(item.durationSec) : dimensions(item)}
      </span>
      <span className="lc-size">{formatBytes(item.sizeBytes)}</span>
      <span className="lc-theme">{item.theme ?? ''}</span>
      <span className="lc-date">{formatDate(item.addedAt)}</span>
    </div>
  );
});

/** The list view: the same windowing as the grid, one row per asset with sortable columns' data. */
export function ListView({ items, selected, focus, onClick, onOpen, onNearEnd }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const top = focus * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeight - el.clientHeight;
  }, [focus]);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 10);
  const last = Math.min(items.length - 1, Math.ceil((scrollTop + height) / rowHeight) + 10);
  useEffect(() => {
    if (items.length && last >= items.length - 30) onNearEnd();
  }, [last, items.length, onNearEnd]);
  const rows = [];
  for (let i = first; i <= last; i++) {
    const item = items[i]!;
    rows.push(
      <Row
        key={item.id}
        item={item}
        index={i}
        selected={selected.has(item.id)}
        focused={i === focus}
        onClick={onClick}
        onOpen={onOpen}
      />,
    );
  }
  return (
    <div className="list-view">
      <div className="list-head" role="row">
        <span className="lc-thumb" />
        <span className="lc-name">Name</span>
        <span className="lc-status">Status</span>
        <span className="lc-rating">Rating</span>
        <span className="lc-type">Type</span>
        <span className="lc-dim">Size / length</span>
        <span className="lc-size">File</span>
        <span className="lc-theme">Theme</span>
        <span className="lc-date">Added</span>
      </div>
      <div
        className="list-body"
        ref={ref}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="asset-list"
        role="grid"
      >
        <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
}
