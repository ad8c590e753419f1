import { StrokeIcon } from '../components/Icon';
/** Icons of the Training page, drawn like the app's own (24-unit grid, 1.7 stroke). */
const paths = {
  // Training: a loss curve settling, over an axis.
  train: 'M4 4v16h16M7 8c2 0 2.5 7 5 7s3-4 5-4 2 1 2.5 1',
  dataset: 'M4 6h7v6H4zM13 6h7v6h-7zM4 14h7v4H4zM13 14h7v4h-7z',
  play: 'M8 5l11 7-11 7z',
  pause: 'M8 5v14M16 5v14',
  stop: 'M6 6h12v12H6z',
  up: 'M12 19V5M6 11l6-6 6 6',
  down: 'M12 5v14M6 13l6 6 6-6',
  back: 'M15 6l-6 6 6 6',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  eye: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 9a3 3 0 100 6 3 3 0 000-6z',
  eyeOff:
    'M3 3l18 18M10.6 5.1A10 10 0 0112 5c6.4 0 10 7 10 7a17 17 0 01-3.2 4.1M6.6 6.6C3.9 8.4 2 12 2 12s3.6 7 10 7c1.6 0 3-.4 4.2-1M9.9 9.9a3 3 0 004.2 4.2',
  star: 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z',
  replace: 'M4 7h12l-3-3M20 17H8l3 3',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zm5-2l4 4',
  check: 'M5 12.5l4.5 4.5L19 7',
  warning: 'M12 3l10 18H2zM12 10v4M12 17h.01',
  error: 'M12 21a9 9 0 100-18 9 9 0 000 18zM12 8v5M12 16h.01',
  plus: 'M12 5v14M5 12h14',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  sparkle:
    'M11 3l1.9 5.1L18 10l-5.1 1.9L11 17l-1.9-5.1L4 10l5.1-1.9zM18.5 14.5l.9 2.1 2.1.9-2.1.9-.9 2.1-.9-2.1-2.1-.9 2.1-.9z',
  refresh: 'M20 11a8 8 0 10-2.3 5.7M20 5v6h-6',
  image: 'M4 5h16v14H4zM4 15l4-4 4 4 3-3 5 5M15 9.5a1.5 1.5 0 100-.01',
  tag: 'M3 12V4h8l9 9-8 8zM7.5 8.5h.01',
  x: 'M6 6l12 12M18 6L6 18',
  layers: 'M12 4l9 5-9 5-9-5zM3 14l9 5 9-5',
  settings:
    'M12 9a3 3 0 100 6 3 3 0 000-6zm7.4 3a7.4 7.4 0 00-.1-1.2l2-1.6-2-3.4-2.4 1a7 7 0 00-2-1.2L14.5 3h-4l-.4 2.6a7 7 0 00-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 000 2.4l-2 1.6 2 3.4 2.4-1a7 7 0 002 1.2l.4 2.6h4l.4-2.6a7 7 0 002-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z',
} as const;

export type TrainIconName = keyof typeof paths;

export function TrainIcon({ name, size = 16 }: { name: TrainIconName; size?: number }) {
  return <StrokeIcon d={paths[name]} size={size} />;
}
