import type { GridItem } from '../../contract/browse';

/** The columns a grid item needs; kept narrow so a page reads little. */
export const gridColumns = `a.rid, a.id, a.type, a.filename, a.title, a.size_bytes, a.width, a.height, a.duration_sec,
  a.thumb_key, a.status, a.rating, a.liked, a.theme, a.source, a.provenance, a.model, a.missing,
  a.added_at, a.created_at, a.deleted_at, a.color_label`;

export interface GridRow {
  rid: number;
  id: string;
  type: GridItem['type'];
  filename: string;
  title: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  duration_sec: number | null;
  thumb_key: string | null;
  status: GridItem['status'];
  rating: number;
  liked: number;
  theme: string | null;
  source: string | null;
  provenance: GridItem['provenance'];
  model: string | null;
  missing: number;
  added_at: string;
  created_at: string;
  deleted_at: string | null;
  color_label: GridItem['colorLabel'];
}

export function toGridItem(r: GridRow): GridItem {
  return {
    id: r.id,
    type: r.type,
    filename: r.filename,
    title: r.title,
    sizeBytes: r.size_bytes,
    width: r.width,
    height: r.height,
    durationSec: r.duration_sec,
    hasThumb: r.thumb_key !== null,
    status: r.status,
    rating: r.rating,
    liked: r.liked === 1,
    theme: r.theme,
    source: r.source,
    provenance: r.provenance,
    model: r.model,
    missing: r.missing === 1,
    colorLabel: r.color_label ?? null,
    addedAt: r.added_at,
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
  };
}
