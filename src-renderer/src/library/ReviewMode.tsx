import { useEffect, useRef, useState } from 'react';
import type { GridItem } from '@contract/index';
import { api } from '../api/client';
import { Stars } from './AssetCard';
import { displayName, dimensions } from './format';
import { useLibrary } from './libraryStore';

/** One asset full screen. Decisions (P, X) advance to the next asset on their own. */
export function ReviewMode({
  item,
  index,
  total,
}: {
  item: GridItem;
  index: number;
  total: number;
}) {
  const [full, setFull] = useState(false);
  // The thumbnail shows at once; the full file replaces it when loaded, so holding an arrow
  // key flips through thumbnails without waiting on big files.
  useEffect(() => setFull(false), [item.id]);
  const next = useLibrary.getState().items[index + 1];
  return (
    <div className="review" role="dialog" aria-label="Review" data-testid="review-mode">
      <div className="review-stage">
        {item.type === 'image' ? (
          <>
            <img
              className="review-img"
              src={api.mediaUrl(item.id, 'thumb')}
              alt=""
              style={{ opacity: full ? 0 : 1 }}
            />
            <img
              className="review-img"
              src={api.mediaUrl(item.id, 'file')}
              alt={displayName(item)}
              onLoad={() => setFull(true)}
              style={{ opacity: full ? 1 : 0 }}
            />
          </>
        ) : item.type === 'video' ? (
          <video
            className="review-img"
            src={api.mediaUrl(item.id, 'file')}
            controls
            autoPlay
            muted
          />
        ) : (
          <div className="review-audio">
            <img
              src={api.mediaUrl(item.id, 'waveform')}
              alt=""
              onError={(e) => (e.currentTarget.style.display = 'none')}
            />
            <audio src={api.mediaUrl(item.id, 'file')} controls autoPlay />
          </div>
        )}
        {next?.hasThumb && <link rel="prefetch" href={api.mediaUrl(next.id, 'file')} />}
      </div>
      <div className="review-bar">
        <span className={`pill pill-${item.status}`} data-testid="review-status">
          {item.status}
        </span>
        <Stars rating={item.rating} />
        {item.liked && <span className="like">♥</span>}
        <span className="grow review-name">
          {displayName(item)} <span className="muted">{dimensions(item)}</span>
        </span>
        <span className="muted">
          {index + 1} of {total.toLocaleString()}
          {useLibrary.getState().done ? '' : '+'}
        </span>
        <span className="keys muted">
          P approve · X reject · U unmark · 0–5 rate · L like · ←/→ move · Esc close
        </span>
      </div>
    </div>
  );
}

/**
 * Wheel zooms toward the pointer, drag pans, double-click toggles 3× and fit. Clicks on the
 * image never close the quick look (the backdrop, Space and Escape do).
 */
function ZoomableImage({ src, alt }: { src: string; alt: string }) {
  const [view, setView] = useState({ scale: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number } | null>(null);
  const clamp = (v: number) => Math.min(16, Math.max(1, v));
  return (
    <img
      src={src}
      alt={alt}
      draggable={false}
      data-testid="zoomable"
      style={{
        transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
        cursor: view.scale > 1 ? 'grab' : 'zoom-in',
      }}
      onWheel={(e) => {
        const rect = e.currentTarget.getBoundingClientRect();
        const cx = e.clientX - (rect.left + rect.width / 2);
        const cy = e.clientY - (rect.top + rect.height / 2);
        setView((v) => {
          const scale = clamp(v.scale * (e.deltaY < 0 ? 1.2 : 1 / 1.2));
          const k = scale / v.scale;
          return scale === 1
            ? { scale, x: 0, y: 0 }
            : { scale, x: v.x - cx * (k - 1), y: v.y - cy * (k - 1) };
        });
      }}
      onPointerDown={(e) => {
        drag.current = { x: e.clientX, y: e.clientY };
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d || view.scale === 1) return;
        const dx = e.clientX - d.x;
        const dy = e.clientY - d.y;
        d.x = e.clientX;
        d.y = e.clientY;
        setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
      }}
      onPointerUp={() => (drag.current = null)}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => {
        e.stopPropagation();
        setView((v) => (v.scale > 1 ? { scale: 1, x: 0, y: 0 } : { scale: 3, x: 0, y: 0 }));
      }}
    />
  );
}

export function QuickLook({ item }: { item: GridItem }) {
  return (
    <div
      className="quicklook"
      role="dialog"
      aria-label="Quick look"
      data-testid="quick-look"
      onClick={() => useLibrary.getState().set({ quickLook: false })}
    >
      {item.type === 'image' ? (
        <ZoomableImage src={api.mediaUrl(item.id, 'file')} alt={displayName(item)} />
      ) : item.type === 'video' ? (
        <video
          src={api.mediaUrl(item.id, 'file')}
          controls
          autoPlay
          muted
          onClick={(e) => e.stopPropagation()}
        />
      ) : (
        <audio
          src={api.mediaUrl(item.id, 'file')}
          controls
          autoPlay
          onClick={(e) => e.stopPropagation()}
        />
      )}
      <div className="quicklook-name">{displayName(item)}</div>
    </div>
  );
}

const shortcuts: [string, string][] = [
  ['← → ↑ ↓', 'Move'],
  ['Shift + arrows / click', 'Extend the selection'],
  ['Ctrl/⌘ + click', 'Add to or remove from the selection'],
  ['Ctrl/⌘ + A', 'Select everything that matches'],
  ['P', 'Approve'],
  ['X', 'Reject'],
  ['U', 'Unmark (back to review)'],
  ['0 – 5', 'Rating (0 clears)'],
  ['L', 'Like / unlike'],
  ['T', 'Tag'],
  ['Space', 'Quick look'],
  ['Enter', 'Review mode (auto-advance after P / X)'],
  ['Delete', 'Move to the trash'],
  ['Ctrl/⌘ + Z', 'Undo'],
  ['/', 'Search'],
  ['Esc', 'Close / clear the selection'],
  ['?', 'This sheet'],
];

export function ShortcutSheet() {
  return (
    <div className="modal-backdrop" onClick={() => useLibrary.getState().set({ shortcuts: false })}>
      <div
        className="modal shortcut-sheet"
        role="dialog"
        aria-label="Keyboard shortcuts"
        data-testid="shortcut-sheet"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <dl>
          {shortcuts.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
