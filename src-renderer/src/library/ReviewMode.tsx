import { useEffect, useRef, useState } from 'react';
import type { AssetDetail, GridItem } from '@contract/index';
import { api } from '../api/client';
import { AiMetadata } from './AiMetadata';
import { ArrivalsPill } from './ArrivalsPill';
import { Stars } from './AssetCard';
import { hasGeneration } from './a1111';
import { LabelDot, labelName } from './colorLabels';
import { displayName, dimensions, formatBytes } from './format';
import { useLibrary } from './libraryStore';
import { SubtitlePreview } from './SubtitlePreview';
import './culling.css';

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
  const info = useLibrary((s) => s.reviewInfo);
  const zoom = useLibrary((s) => s.reviewZoom);
  const done = useLibrary((s) => s.done);
  // The thumbnail shows at once; the full file replaces it when loaded, so holding an arrow
  // key flips through thumbnails without waiting on big files.
  useEffect(() => setFull(false), [item.id]);
  const next = useLibrary.getState().items[index + 1];
  const set = useLibrary.getState().set;
  return (
    <div
      className="review"
      role="dialog"
      aria-label="Review"
      data-testid="review-mode"
      data-id={item.id}
    >
      <div className={`review-stage${item.type === 'image' ? (zoom ? ' zoomed' : ' fit') : ''}`}>
        {item.type === 'image' && zoom ? (
          <OneToOne item={item} />
        ) : item.type === 'image' ? (
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
              data-testid="review-image"
              onClick={(e) => {
                const r = e.currentTarget.getBoundingClientRect();
                zoomAt = fitPoint(r, item, e.clientX, e.clientY);
                set({ reviewZoom: true });
              }}
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
        ) : item.type === 'subtitles' ? (
          <SubtitlePreview id={item.id} large />
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
        {item.type === 'image' && (
          <span className="review-zoom-badge" aria-live="polite" data-testid="review-zoom">
            {zoom ? '100%' : 'Fit'}
          </span>
        )}
        {info && <ReviewInfo item={item} />}
        <ArrivalsPill />
        {next?.hasThumb && <link rel="prefetch" href={api.mediaUrl(next.id, 'file')} />}
      </div>
      <Filmstrip index={index} />
      <div className="review-bar">
        <span className={`pill pill-${item.status}`} data-testid="review-status">
          {item.status}
        </span>
        <Stars rating={item.rating} />
        {item.liked && <span className="like">♥</span>}
        {item.colorLabel && (
          <span className="review-label" data-testid="review-label" data-label={item.colorLabel}>
            <LabelDot label={item.colorLabel} />
            {labelName(item.colorLabel)}
          </span>
        )}
        <span className="grow review-name">
          {displayName(item)} <span className="muted">{dimensions(item)}</span>
        </span>
        <span className="review-tools">
          <button
            type="button"
            className="review-tool"
            aria-pressed={info}
            onClick={(e) => {
              e.currentTarget.blur();
              set({ reviewInfo: !info });
            }}
            data-testid="review-info-toggle"
          >
            Info<kbd>I</kbd>
          </button>
          {item.type === 'image' && (
            <button
              type="button"
              className="review-tool"
              aria-pressed={zoom}
              onClick={(e) => {
                e.currentTarget.blur();
                zoomAt = null;
                set({ reviewZoom: !zoom });
              }}
            >
              1:1<kbd>Z</kbd>
            </button>
          )}
        </span>
        <span className="muted review-counter" data-testid="review-counter">
          {index + 1} of {total.toLocaleString()}
          {done ? '' : '+'}
        </span>
        <span className="keys muted">
          P approve · X reject · 0–5 rate · 6–9 label · L like · ←/→ move · Esc close
        </span>
      </div>
    </div>
  );
}

/** Where a click on the fitted picture points, as fractions of the picture (for 1:1 there). */
let zoomAt: { fx: number; fy: number } | null = null;

function fitPoint(
  box: DOMRect,
  item: GridItem,
  x: number,
  y: number,
): { fx: number; fy: number } | null {
  // object-fit: contain: the picture is centred in the element's box at the fitted scale.
  if (!item.width || !item.height) return null;
  const k = Math.min(box.width / item.width, box.height / item.height);
  const w = item.width * k;
  const h = item.height * k;
  const left = box.left + (box.width - w) / 2;
  const top = box.top + (box.height - h) / 2;
  return {
    fx: Math.min(1, Math.max(0, (x - left) / w)),
    fy: Math.min(1, Math.max(0, (y - top) / h)),
  };
}

/**
 * The picture at 100%: drag pans (kept inside the stage), a click without a drag goes back to
 * fit. It opens centred on the point clicked (or the middle, from Z).
 */
function OneToOne({ item }: { item: GridItem }) {
  const stage = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(
    item.width && item.height ? { w: item.width, h: item.height } : null,
  );
  const [pos, setPos] = useState<{ x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: number } | null>(null);
  const [panning, setPanning] = useState(false);
  const clampPos = (x: number, y: number, w: number, h: number) => {
    const el = stage.current;
    if (!el) return { x, y };
    const W = el.clientWidth;
    const H = el.clientHeight;
    return {
      x: w <= W ? (W - w) / 2 : Math.min(0, Math.max(W - w, x)),
      y: h <= H ? (H - h) / 2 : Math.min(0, Math.max(H - h, y)),
    };
  };
  useEffect(() => {
    if (!size || !stage.current) return;
    const W = stage.current.clientWidth;
    const H = stage.current.clientHeight;
    const at = zoomAt ?? { fx: 0.5, fy: 0.5 };
    setPos(clampPos(W / 2 - at.fx * size.w, H / 2 - at.fy * size.h, size.w, size.h));
  }, [item.id, size]);
  // A window resized at 100% keeps the picture centred (when it fits) or inside the stage.
  useEffect(() => {
    const el = stage.current;
    if (!el || !size) return;
    const ro = new ResizeObserver(() =>
      setPos((p) => (p ? clampPos(p.x, p.y, size.w, size.h) : p)),
    );
    ro.observe(el);
    return () => ro.disconnect();
  }, [size]);
  return (
    <div
      ref={stage}
      className={`review-one-stage${panning ? ' panning' : ''}`}
      style={{ position: 'absolute', inset: 0, overflow: 'hidden' }}
      data-testid="review-one-to-one"
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        drag.current = { x: e.clientX, y: e.clientY, moved: 0 };
        e.currentTarget.setPointerCapture(e.pointerId);
        setPanning(true);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d || !size || !pos) return;
        const dx = e.clientX - d.x;
        const dy = e.clientY - d.y;
        d.x = e.clientX;
        d.y = e.clientY;
        d.moved += Math.abs(dx) + Math.abs(dy);
        setPos(clampPos(pos.x + dx, pos.y + dy, size.w, size.h));
      }}
      onPointerUp={() => {
        const d = drag.current;
        drag.current = null;
        setPanning(false);
        if (d && d.moved < 4) useLibrary.getState().set({ reviewZoom: false });
      }}
    >
      <img
        className="review-one"
        src={api.mediaUrl(item.id, 'file')}
        alt={displayName(item)}
        draggable={false}
        data-testid="review-image"
        onLoad={(e) => {
          const { naturalWidth: w, naturalHeight: h } = e.currentTarget;
          if (w && h && (w !== size?.w || h !== size?.h)) setSize({ w, h });
        }}
        style={{
          width: size?.w,
          height: size?.h,
          transform: pos ? `translate(${pos.x}px, ${pos.y}px)` : undefined,
          visibility: pos ? 'visible' : 'hidden',
        }}
      />
    </div>
  );
}

/** Review's info overlay (I): the asset's generation settings, Copy all parameters, Remix. */
function ReviewInfo({ item }: { item: GridItem }) {
  const [detail, setDetail] = useState<AssetDetail | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api.call('assets.get', { id: item.id }).then(
        (d) => live && setDetail(d),
        () => undefined,
      );
    }, 60);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [item.id]);
  const d = detail?.id === item.id ? detail : null;
  return (
    <div
      className="review-info-overlay"
      onPointerDown={(e) => e.stopPropagation()}
      onClick={(e) => e.stopPropagation()}
      data-testid="review-info-overlay"
    >
      {!d ? (
        <p className="review-info-empty">Loading…</p>
      ) : hasGeneration(d) ? (
        <AiMetadata d={d} variant="overlay" />
      ) : (
        <p className="review-info-empty">
          No generation settings in this file.
          <br />
          <span className="muted">
            {d.format ?? d.type}
            {dimensions(d) ? ` · ${dimensions(d)}` : ''} · {formatBytes(d.sizeBytes)}
          </span>
        </p>
      )}
    </div>
  );
}

/** The neighbours along the bottom of review: a click goes there; the current one is outlined. */
function Filmstrip({ index }: { index: number }) {
  const items = useLibrary((s) => s.items);
  const strip = useRef<HTMLDivElement>(null);
  const from = Math.max(0, index - 40);
  const shown = items.slice(from, index + 41);
  useEffect(() => {
    const cell = strip.current?.querySelector<HTMLElement>('.filmstrip-cell.current');
    cell?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [index]);
  return (
    <div className="filmstrip" ref={strip} data-testid="filmstrip" aria-label="Filmstrip">
      {shown.map((it, k) => {
        const i = from + k;
        return (
          <button
            key={it.id}
            type="button"
            tabIndex={-1}
            className={`filmstrip-cell${i === index ? ' current' : ''} ${it.status}`}
            aria-label={`${displayName(it)}${i === index ? ' (shown)' : ''}`}
            aria-current={i === index ? 'true' : undefined}
            data-id={it.id}
            onClick={() => useLibrary.getState().moveFocus(i, false)}
          >
            {it.hasThumb && <img src={api.mediaUrl(it.id, 'thumb-small')} alt="" loading="lazy" />}
            {it.status !== 'pending' && <span className={`fs-mark ${it.status}`} />}
            {it.colorLabel && <span className={`label-edge label-${it.colorLabel}`} />}
          </button>
        );
      })}
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
      ) : item.type === 'subtitles' ? (
        <div onClick={(e) => e.stopPropagation()}>
          <SubtitlePreview id={item.id} large />
        </div>
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
  ['6 – 9', 'Colour label: red, yellow, green, blue (again clears)'],
  ['T', 'Tag'],
  ['Space', 'Quick look'],
  ['Enter', 'Review mode (auto-advance after P / X)'],
  ['I', 'Review: generation info'],
  ['Z / click', 'Review: 100% and fit (drag to pan)'],
  ['C', 'Compare 2–4 selected side by side'],
  ['S', 'Open or close a stack (an original and its versions)'],
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
