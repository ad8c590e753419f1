import type { Page } from 'playwright-core';

export interface TileHistory {
  /** Per tile (data-seq): every status it showed, in order, repeats dropped. */
  statuses: Record<string, string[]>;
  /** Tiles that showed a live preview picture while generating. */
  previews: string[];
  /** Tiles that showed a progress bar past 0 while generating. */
  progress: string[];
}

/**
 * Records, in the page, what the order tiles show as it happens (a MutationObserver, so a state
 * that lasts one frame is still seen): tests read the history instead of racing the engine.
 */
export async function watchTiles(page: Page): Promise<() => Promise<TileHistory>> {
  await page.evaluate(() => {
    const h = {
      statuses: {} as Record<string, string[]>,
      previews: [] as string[],
      progress: [] as string[],
    };
    const look = () => {
      for (const tile of document.querySelectorAll<HTMLElement>('[data-testid=order-item]')) {
        const seq = `${tile.closest('[data-order-id]')?.getAttribute('data-order-id')}#${tile.dataset.seq}`;
        const list = (h.statuses[seq] ??= []);
        const status = tile.dataset.status ?? '?';
        if (list[list.length - 1] !== status) list.push(status);
        if (status !== 'generating') continue;
        const img = tile.querySelector<HTMLImageElement>('[data-testid=order-item-preview]');
        if (img?.src.startsWith('data:image/') && !h.previews.includes(seq)) h.previews.push(seq);
        const bar = tile.querySelector('[role=progressbar]');
        if (Number(bar?.getAttribute('aria-valuenow')) > 0 && !h.progress.includes(seq))
          h.progress.push(seq);
      }
    };
    look();
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status', 'src', 'aria-valuenow'],
    });
    (window as unknown as { __tiles: typeof h }).__tiles = h;
  });
  return () =>
    page.evaluate(
      () => (window as unknown as { __tiles: TileHistory }).__tiles,
    ) as Promise<TileHistory>;
}

/** One order's tiles, by seq. */
export function ofOrder(h: TileHistory, orderId: string) {
  const pick = (ids: string[]) =>
    ids.filter((k) => k.startsWith(`${orderId}#`)).map((k) => Number(k.split('#')[1]));
  return {
    statuses: Object.fromEntries(
      Object.entries(h.statuses)
        .filter(([k]) => k.startsWith(`${orderId}#`))
        .map(([k, v]) => [Number(k.split('#')[1]), v]),
    ) as Record<number, string[]>,
    previews: pick(h.previews),
    progress: pick(h.progress),
  };
}
