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
} as const;

export type GenIconName = keyof typeof paths;

export function GenIcon({ name, size = 16 }: { name: GenIconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.7}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={paths[name]} />
    </svg>
  );
}
