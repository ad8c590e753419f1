import { useRef, useState } from 'react';
import type { GridItem } from '@contract/index';
import { api } from '../api/client';

/** Frames in a video's scrub sprite (core thumbs/sprite.ts: spriteFrames). */
const frames = 10;

interface Sprite {
  /** One frame's width over its height. */
  aspect: number;
}

/**
 * Hover-scrub on a video card: moving the mouse across it shows the frame under the pointer's x,
 * from one sprite (ten frames side by side, made by the server on the first hover) painted as a
 * background, so a card never holds a <video>. The sprite is asked for on the first movement and
 * shown once it has loaded; until then (or if the video has none) the poster stays.
 */
export function VideoScrub({ item }: { item: GridItem }) {
  const ref = useRef<HTMLDivElement>(null);
  const [sprite, setSprite] = useState<Sprite | 'loading' | 'failed' | null>(null);
  const [at, setAt] = useState<{ frame: number; w: number; h: number; cover: boolean } | null>(
    null,
  );
  const url = api.mediaUrl(item.id, 'sprite');
  const onMove = (e: React.MouseEvent) => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    if (r.width <= 0) return;
    const frame = Math.min(
      frames - 1,
      Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * frames)),
    );
    // The justified grid crops pictures to their cell (cover); the square grid fits them (contain).
    const cover = el.closest('.vgrid')?.getAttribute('data-layout') === 'justified';
    setAt({ frame, w: r.width, h: r.height, cover });
    if (sprite === null) {
      setSprite('loading');
      const img = new Image();
      img.onload = () =>
        setSprite(
          img.naturalWidth && img.naturalHeight
            ? { aspect: img.naturalWidth / frames / img.naturalHeight }
            : 'failed',
        );
      img.onerror = () => setSprite('failed');
      img.src = url;
    }
  };
  let style: React.CSSProperties | undefined;
  if (at && typeof sprite === 'object' && sprite) {
    const fw = at.cover
      ? Math.max(at.w, at.h * sprite.aspect)
      : Math.min(at.w, at.h * sprite.aspect);
    const fh = fw / sprite.aspect;
    style = {
      backgroundImage: `url("${url}")`,
      backgroundSize: `${(fw * frames).toFixed(1)}px ${fh.toFixed(1)}px`,
      backgroundPosition: `${((at.w - fw) / 2 - at.frame * fw).toFixed(1)}px ${((at.h - fh) / 2).toFixed(1)}px`,
    };
  }
  return (
    <div
      ref={ref}
      className={`scrub${style ? ' on' : ''}`}
      data-testid="video-scrub"
      data-frame={style ? at!.frame : ''}
      onMouseMove={onMove}
      onMouseLeave={() => setAt(null)}
      style={style}
    >
      {style && (
        <span className="scrub-bar" style={{ width: `${((at!.frame + 1) / frames) * 100}%` }} />
      )}
    </div>
  );
}
