import { StrokeIcon } from '../components/Icon';
/** Icons of the Localise page, drawn like the app's own (24-unit grid, 1.7 stroke). */
const paths = {
  // Localise: a speech bubble with a translation mark.
  localize: 'M4 5h11v8H9l-4 3v-3H4zM13 15v2h4l3 3v-3h1V9h-3M7.5 9h6M10.5 7.5v1.5',
  play: 'M8 5l11 7-11 7z',
  pause: 'M8 5v14M16 5v14',
  split: 'M12 3v18M5 8l-3 4 3 4M19 8l3 4-3 4',
  merge: 'M4 12h16M8 8l4 4-4 4M16 8l-4 4 4 4',
  back: 'M15 6l-6 6 6 6',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  refresh: 'M20 11a8 8 0 10-2.3 5.7M20 5v6h-6',
  stop: 'M6 6h12v12H6z',
  check: 'M5 12.5l4.5 4.5L19 7',
  warning: 'M12 3l10 18H2zM12 10v4M12 17h.01',
  error: 'M12 21a9 9 0 100-18 9 9 0 000 18zM12 8v5M12 16h.01',
  film: 'M4 5h16v14H4zM8 5v14M16 5v14M4 9h4M4 15h4M16 9h4M16 15h4',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4',
  open: 'M14 4h6v6M20 4l-9 9M18 14v6H4V6h6',
  copy: 'M8 8h12v12H8zM4 16V4h12',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zm5-2l4 4',
  shorter: 'M4 12h16M8 8l-4 4 4 4M16 8l4 4-4 4',
  keyboard: 'M3 6h18v12H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10',
} as const;

export type LocIconName = keyof typeof paths;

export function LocIcon({ name, size = 16 }: { name: LocIconName; size?: number }) {
  return <StrokeIcon d={paths[name]} size={size} />;
}
