import { StrokeIcon } from '../components/Icon';
/** Icons of the Generate and Models pages, drawn like the app's own (24-unit grid, 1.7 stroke). */
const paths = {
  sparkle:
    'M11 3l1.9 5.1L18 10l-5.1 1.9L11 17l-1.9-5.1L4 10l5.1-1.9zM18.5 14.5l.9 2.1 2.1.9-2.1.9-.9 2.1-.9-2.1-2.1-.9 2.1-.9z',
  cube: 'M12 3l8 4.5v9L12 21l-8-4.5v-9zM4 7.5l8 4.5 8-4.5M12 12v9',
  layers: 'M12 4l9 5-9 5-9-5zM3 14l9 5 9-5',
  vae: 'M12 3a9 9 0 100 18 9 9 0 000-18zM3 12h18M12 3c2.5 2.4 3.8 5.4 3.8 9s-1.3 6.6-3.8 9',
  upscale: 'M4 20L20 4M13 4h7v7M4 14v6h6',
  file: 'M6 3h8l5 5v13H6zM14 3v5h5',
  // Pips as small rings: a zero-length dot of this stroke is a pixel wide at 15 px.
  dice: 'M5 4h14a1 1 0 011 1v14a1 1 0 01-1 1H5a1 1 0 01-1-1V5a1 1 0 011-1zM8.5 7.7a.8.8 0 100 1.6.8.8 0 100-1.6zM15.5 7.7a.8.8 0 100 1.6.8.8 0 100-1.6zM12 11.2a.8.8 0 100 1.6.8.8 0 100-1.6zM8.5 14.7a.8.8 0 100 1.6.8.8 0 100-1.6zM15.5 14.7a.8.8 0 100 1.6.8.8 0 100-1.6z',
  swap: 'M7 20V4M4 7l3-3 3 3M17 4v16M14 17l3 3 3-3',
  plus: 'M12 5v14M5 12h14',
  x: 'M6 6l12 12M18 6L6 18',
  warning: 'M12 3l10 18H2zM12 10v4M12 17h.01',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zm5-2l4 4',
  image: 'M4 5h16v14H4zM4 15l4-4 4 4 3-3 5 5M15 9.5a1.5 1.5 0 100-.01',
  open: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 01-1 1H5a1 1 0 01-1-1V7a1 1 0 011-1h5',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  refresh: 'M20 11a8 8 0 10-2.3 5.7M20 5v6h-6',
  remix: 'M4 7h11l-3-3M20 17H9l3 3M4 7v4M20 17v-4',
  // The Workspace: a tray where images wait to be kept or discarded.
  tray: 'M4 13l2.5-7h11l2.5 7v6H4zM4 13h4.5l1 2h5l1-2H20',
  // Lookups: a list between the brackets a prompt names it with.
  lookups: 'M8 4H5v16h3M16 4h3v16h-3M9.5 9h5M9.5 12h5M9.5 15h3',
  bookmark: 'M7 4h10v16l-5-3.5L7 20z',
  check: 'M5 12.5l4.5 4.5L19 7',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  tag: 'M3 12V4h8l9 9-8 8zM7.5 8.5h.01',
  clock: 'M12 21a9 9 0 100-18 9 9 0 000 18zM12 7v5l3 2',
  folderIn:
    'M3 7a2 2 0 012-2h4l2 2h8a2 2 0 012 2v8a2 2 0 01-2 2H5a2 2 0 01-2-2zM12 10v6M9 13l3 3 3-3',
} as const;

export type GenIconName = keyof typeof paths;

export function GenIcon({ name, size = 16 }: { name: GenIconName; size?: number }) {
  return <StrokeIcon d={paths[name]} size={size} />;
}
