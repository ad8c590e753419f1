import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface GridLayout {
  columns: number;
  cellWidth: number;
  rowHeight: number;
}

/**
 * Which cells may load their pictures. `none` while the grid flies past rows (no picture would
 * be seen); `visible` once it rests or moves slowly, for the rows on screen only, so their
 * requests are first in the queue; `all` a little later, for the rows just off screen too.
 */
export type PicturePhase = 'none' | 'visible' | 'all';

interface Props {
  count: number;
  /** The cell's target width; columns fill the width evenly. */
  cellSize: number;
  /** Extra height under each cell (caption). */
  footer: number;
  gap: number;
  focus: number;
  onNearEnd(): void;
  /** Ask for more (onNearEnd) once fewer than this many cells are left below the screen, or two screens, whichever is more. */
  aheadCells?: number;
  onLayout?(layout: GridLayout): void;
  /** `loadPicture` is false while the grid flies past, and for off-screen rows until the visible ones have had their turn. */
  renderCell(index: number, width: number, loadPicture: boolean): ReactNode;
  empty?: ReactNode;
  testId?: string;
}

/** How long rows just off screen wait after the visible ones before asking for their pictures. */
const overscanDelayMs = 150;

/**
 * A windowed grid: only the rows in view (plus a few above and below) exist in the DOM, so
 * 100,000 assets cost what 40 rows cost. Rows are absolutely positioned inside one tall spacer;
 * scrolling only changes which slice renders.
 */
export function VirtualGrid({
  count,
  cellSize,
  footer,
  gap,
  focus,
  onNearEnd,
  aheadCells = 0,
  onLayout,
  renderCell,
  empty,
  testId,
}: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [height, setHeight] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [phase, setPhase] = useState<PicturePhase>('all');
  const frame = useRef(0);
  const overscanTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastTop = useRef(0);
  const phaseRef = useRef<PicturePhase>('all');

  useLayoutEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => {
      setWidth(el.clientWidth);
      setHeight(el.clientHeight);
    });
    ro.observe(el);
    setWidth(el.clientWidth);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const inner = Math.max(0, width - gap * 2);
  const columns = Math.max(1, Math.floor((inner + gap) / (cellSize + gap)));
  const cellWidth = Math.floor((inner - gap * (columns - 1)) / columns);
  const rowHeight = cellWidth + footer + gap;
  const rows = Math.ceil(count / columns);

  useEffect(
    () => onLayout?.({ columns, cellWidth, rowHeight }),
    [columns, cellWidth, rowHeight, onLayout],
  );

  const changePhase = useCallback((next: PicturePhase) => {
    if (phaseRef.current === next) return;
    phaseRef.current = next;
    setPhase(next);
    if (overscanTimer.current) clearTimeout(overscanTimer.current);
    overscanTimer.current =
      next === 'visible' ? setTimeout(() => changePhase('all'), overscanDelayMs) : null;
  }, []);

  /**
   * One state update per frame however fast the wheel spins, and one more frame after the last
   * movement: a frame without movement is how the grid learns it has stopped (there is no event
   * for "no more scroll events"), so pictures are asked for one frame after the grid rests.
   */
  const tick = useCallback(() => {
    frame.current = 0;
    const el = ref.current;
    if (!el) return;
    const top = el.scrollTop;
    const moved = Math.abs(top - lastTop.current);
    lastTop.current = top;
    if (moved === 0) {
      if (phaseRef.current === 'none') changePhase('visible');
      return;
    }
    setScrollTop(top);
    // More than a screen per frame: nothing on screen would be seen, so nothing is fetched or decoded.
    if (moved > el.clientHeight) changePhase('none');
    else if (phaseRef.current === 'none') changePhase('visible');
    frame.current = requestAnimationFrame(tick);
  }, [changePhase]);
  const onScroll = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(tick);
  }, [tick]);
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      if (overscanTimer.current) clearTimeout(overscanTimer.current);
    },
    [],
  );

  // Keep the focused cell in view when the keyboard moves it.
  useEffect(() => {
    const el = ref.current;
    if (!el || !rowHeight || focus < 0) return;
    const row = Math.floor(focus / columns);
    const top = gap + row * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top - gap;
    else if (top + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeight - el.clientHeight;
  }, [focus, columns, rowHeight, gap]);

  const overscan = 3;
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const lastVisible = Math.ceil((scrollTop + height) / rowHeight);
  const first = Math.max(0, firstVisible - overscan);
  const last = Math.min(rows - 1, lastVisible + overscan);
  // Ask for the next page while a page's worth is still ahead, so a fast scroll finds it loaded
  // instead of reaching the end and waiting for the round trip.
  const aheadRows = Math.max((lastVisible - firstVisible) * 2, Math.ceil(aheadCells / columns));

  useEffect(() => {
    if (rows && lastVisible + aheadRows >= rows) onNearEnd();
  }, [lastVisible, rows, aheadRows, onNearEnd]);

  const cells: ReactNode[] = [];
  if (width > 0) {
    for (let r = first; r <= last; r++) {
      const load =
        phase === 'all' || (phase === 'visible' && r >= firstVisible && r <= lastVisible);
      for (let c = 0; c < columns; c++) {
        const i = r * columns + c;
        if (i >= count) break;
        cells.push(
          <div
            key={i}
            className="vgrid-cell"
            style={{
              transform: `translate(${gap + c * (cellWidth + gap)}px, ${gap + r * rowHeight}px)`,
              width: cellWidth,
              height: cellWidth + footer,
            }}
          >
            {renderCell(i, cellWidth, load)}
          </div>,
        );
      }
    }
  }
  return (
    <div
      className="vgrid"
      ref={ref}
      onScroll={onScroll}
      data-testid={testId}
      role="grid"
      aria-rowcount={rows}
      aria-colcount={columns}
    >
      {count === 0 && empty}
      <div className="vgrid-spacer" style={{ height: rows * rowHeight + gap }}>
        {cells}
      </div>
    </div>
  );
}
