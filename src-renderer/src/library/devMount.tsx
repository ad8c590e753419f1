import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppFrame } from '../components/AppFrame';
import { Toasts } from '../components/Toasts';
import { LibraryView } from './LibraryView';

/**
 * Development mount: `#/library-dev` shows LibraryView inside the app frame before it is wired
 * into the Library page. Imported once from main.tsx while testing; harmless on any other hash.
 */
if (location.hash.startsWith('#/library-dev')) {
  const host = document.createElement('div');
  host.id = 'library-dev';
  host.style.cssText = 'position:fixed;inset:0;z-index:40;background:var(--bg)';
  document.body.appendChild(host);
  createRoot(host).render(
    <StrictMode>
      <AppFrame>
        <LibraryView />
      </AppFrame>
      <Toasts />
    </StrictMode>,
  );
}
