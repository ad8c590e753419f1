import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { layoutJustified, rowAt, rowOf, rowWidths, type JustifiedRows } from './justifiedLayout';

export interface GridLayout {
  /** Cells per row; in justified mode, the average over the rows (rows differ). */
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
  /**
   * Square mode: the cell's target width; as many columns as come nearest to it fill the width
   * evenly. Justified mode: the rows' target height.
   */
  cellSize: number;
  /** `justified` keeps each picture's aspect ratio (from `aspect`) in rows that fill the width. */
  mode?: 'square' | 'justified';
  /** Width over height of item `index` (justified mode). */
  aspect?(index: number): number;
  /**
   * Changes when the items are replaced rather than appended to (a new query, an edit), so the
   * justified rows are rebuilt instead of extended.
   */
  layoutKey?: unknown;
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
  mode = 'square',
  aspect,
  layoutKey,
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
  // The column count nearest the target size (not the most that fit): at 500 px and 180 px cells,
  // three of 161 px rather than two of 245 px.
  const columns = Math.max(1, Math.round((inner + gap) / (cellSize + gap)));
  const cellWidth = Math.floor((inner - gap * (columns - 1)) / columns);
  const rowHeight = cellWidth + footer + gap;

  const justified = mode === 'justified' && aspect !== undefined;
  const built = useRef<{ key: unknown; params: string; rows: JustifiedRows; count: number } | null>(
    null,
  );
  const jrows = useMemo(() => {
    if (!justified || inner <= 0) return null;
    const params = `${inner}:${cellSize}:${gap}:${footer}`;
    const prev = built.current;
    const extend =
      prev && prev.key === layoutKey && prev.params === params && prev.count <= count
        ? prev.rows
        : undefined;
    const rows = layoutJustified(
      { count, width: inner, target: cellSize, gap, footer, aspect },
      extend,
    );
    built.current = { key: layoutKey, params, rows, count };
    return rows;
  }, [justified, inner, cellSize, gap, footer, count, aspect, layoutKey]);

  const rows = jrows ? jrows.starts.length : Math.ceil(count / columns);
  const rowTop = (r: number) => gap + (jrows ? jrows.tops[r]! : r * rowHeight);
  const totalHeight = jrows ? jrows.height + gap : rows * rowHeight + gap;
  const perRow = jrows ? Math.max(1, Math.round(count / Math.max(1, rows))) : columns;
  const layoutRowHeight = jrows ? cellSize + footer + gap : rowHeight;

  useEffect(
    () => onLayout?.({ columns: perRow, cellWidth, rowHeight: layoutRowHeight }),
    [perRow, cellWidth, layoutRowHeight, onLayout],
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
    if (!el || !rowHeight || focus < 0 || focus >= count) return;
    const row = jrows ? rowOf(jrows, focus) : Math.floor(focus / columns);
    const top = gap + (jrows ? jrows.tops[row]! : row * rowHeight);
    const h = jrows ? jrows.heights[row]! + footer + gap : rowHeight;
    if (top < el.scrollTop) el.scrollTop = top - gap;
    else if (top + h > el.scrollTop + el.clientHeight) el.scrollTop = top + h - el.clientHeight;
    // Only when the focus moves (or the grid is re-laid), not on every page appended.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, columns, rowHeight, gap, mode, inner]);

  const overscan = 3;
  const firstVisible = jrows ? rowAt(jrows, scrollTop - gap) : Math.floor(scrollTop / rowHeight);
  const lastVisible = jrows
    ? rowAt(jrows, scrollTop + height - gap)
    : Math.ceil((scrollTop + height) / rowHeight);
  const first = Math.max(0, firstVisible - overscan);
  const last = Math.min(rows - 1, lastVisible + overscan);
  // Ask for the next page while a page's worth is still ahead, so a fast scroll finds it loaded
  // instead of reaching the end and waiting for the round trip.
  const aheadRows = Math.max((lastVisible - firstVisible) * 2, Math.ceil(aheadCells / columns));

  useEffect(() => {
    if (rows && lastVisible + aheadRows >= rows) onNearEnd();
  }, [lastVisible, rows, aheadRows, onNearEnd]);

  const cells: ReactNode[] = [];
  if (width > 0 && jrows && aspect) {
    for (let r = first; r <= last; r++) {
      const load =
        phase === 'all' || (phase === 'visible' && r >= firstVisible && r <= lastVisible);
      const h = jrows.heights[r]!;
      const top = rowTop(r);
      let x = gap;
      rowWidths(jrows, r, count, { width: inner, gap, aspect }).forEach((w, k) => {
        const i = jrows.starts[r]! + k;
        cells.push(
          <div
            key={i}
            className="vgrid-cell"
            style={{ transform: `translate(${x}px, ${top}px)`, width: w, height: h + footer }}
          >
            {renderCell(i, w, load)}
          </div>,
        );
        x += w + gap;
      });
    }
  } else if (width > 0) {
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
              transform: `translate(${gap + c * (cellWidth + gap)}px, ${rowTop(r)}px)`,
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
      aria-colcount={jrows ? undefined : columns}
      data-layout={jrows ? 'justified' : 'square'}
      data-columns={jrows ? undefined : columns}
    >
      {count === 0 && empty}
      <div className="vgrid-spacer" style={{ height: totalHeight }}>
        {cells}
      </div>
    </div>
  );
}
