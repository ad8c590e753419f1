import type { GridItem } from '@contract/index';

export { formatBytes } from '@contract/format';

export function formatDuration(sec: number | null): string {
  if (sec === null) return '';
  const m = Math.floor(sec / 60);
  const s = Math.floor(sec % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function displayName(item: Pick<GridItem, 'title' | 'filename'>): string {
  return item.title || item.filename;
}

export function dimensions(item: Pick<GridItem, 'width' | 'height'>): string {
  return item.width && item.height ? `${item.width}×${item.height}` : '';
}
