import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface GridLayout {
  columns: number;
  cellWidth: number;
  rowHeight: number;
}

interface Props {
  count: number;
  /** The cell's target width; columns fill the width evenly. */
  cellSize: number;
  /** Extra height under each cell (caption). */
  footer: number;
  gap: number;
  focus: number;
  onNearEnd(): void;
  onLayout?(layout: GridLayout): void;
  /** `settled` is false while the grid flies past rows: cells skip loading their pictures. */
  renderCell(index: number, width: number, settled: boolean): ReactNode;
  empty?: ReactNode;
  testId?: string;
}

/**
 * A windowed grid: only the rows in view (plus a few above and below) exist in the DOM, so
 * 100,000 assets cost what 40 rows cost. Rows are absolutely positioned inside one tall spacer;
 * scrolling only changes which slice renders.
 */
export function VirtualGrid({ count, cellSize, footer, gap, focus, onNearEnd, onLayout, renderCell, empty, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [height, setHeight] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [settled, setSettled] = useState(true);
  const frame = useRef(0);
  const settleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastTop = useRef(0);

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

  useEffect(() => onLayout?.({ columns, cellWidth, rowHeight }), [columns, cellWidth, rowHeight, onLayout]);

  const onScroll = useCallback(() => {
    // One state update per frame however fast the wheel spins.
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = ref.current;
      if (!el) return;
      // Flying past more than a screen per frame: no picture would be seen, so none is fetched
      // or decoded until the grid rests for 30 ms, two frames (the visible ones then load at once).
      if (Math.abs(el.scrollTop - lastTop.current) > el.clientHeight) setSettled(false);
      lastTop.current = el.scrollTop;
      setScrollTop(el.scrollTop);
      if (settleTimer.current) clearTimeout(settleTimer.current);
      settleTimer.current = setTimeout(() => setSettled(true), 30);
    });
  }, []);
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      if (settleTimer.current) clearTimeout(settleTimer.current);
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
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [focus, columns, rowHeight, gap]);

  const overscan = 3;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rows - 1, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  useEffect(() => {
    if (rows && last >= rows - overscan * 3) onNearEnd();
  }, [last, rows, onNearEnd]);

  const cells: ReactNode[] = [];
  if (width > 0) {
    for (let r = first; r <= last; r++) {
      for (let c = 0; c < columns; c++) {
        const i = r * columns + c;
        if (i >= count) break;
        cells.push(
          <div
            key={i}
            className="vgrid-cell"
            style={{ transform: `translate(${gap + c * (cellWidth + gap)}px, ${gap + r * rowHeight}px)`, width: cellWidth, height: cellWidth + footer }}
          >
            {renderCell(i, cellWidth, settled)}
          </div>,
        );
      }
    }
  }
  return (
    <div className="vgrid" ref={ref} onScroll={onScroll} data-testid={testId} role="grid" aria-rowcount={rows} aria-colcount={columns}>
      {count === 0 && empty}
      <div className="vgrid-spacer" style={{ height: rows * rowHeight + gap }}>
        {cells}
      </div>
    </div>
  );
}
