import { create } from 'zustand';

export const pages = [
  'library',
  'generate',
  'workspace',
  'models',
  'training',
  'lookups',
  'localize',
  'packs',
  'projects',
  'jobs',
  'usage',
  'settings',
] as const;
export type Page = (typeof pages)[number];

function fromHash(): Page {
  const h = location.hash.replace(/^#\/?/, '');
  return (pages as readonly string[]).includes(h) ? (h as Page) : 'library';
}

interface NavState {
  page: Page;
  go(page: Page): void;
}

/** The page lives in the URL hash so reloads and the browser's back button keep their place. */
export const useNav = create<NavState>((set) => ({
  page: fromHash(),
  go(page) {
    if (location.hash !== `#/${page}`) location.hash = `#/${page}`;
    set({ page });
  },
}));

window.addEventListener('hashchange', () => useNav.setState({ page: fromHash() }));
