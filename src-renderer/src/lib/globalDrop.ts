import { importFiles } from '../stores/ingest';
import { useNav } from '../stores/navigation';
import { toastError, useToasts } from '../stores/toasts';

/**
 * Files dropped anywhere in the window. The browser's own behaviour is to open a dropped file
 * in place of the app (in the desktop app, a dropped .html would have loaded where the api
 * is); here a drop never navigates. The Library page imports what lands on it; a drop anywhere
 * else is imported the same way, and the Library shown.
 */
export function installGlobalDrop(): () => void {
  const over = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };
  const drop = (e: DragEvent) => {
    const handled = e.defaultPrevented;
    e.preventDefault();
    const files = [...(e.dataTransfer?.files ?? [])];
    if (handled || files.length === 0) return;
    useNav.getState().go('library');
    useToasts.getState().push({ kind: 'info', title: `Importing ${files.length} file(s)…` });
    importFiles(files).catch((err) => toastError('Could not import the dropped files', err));
  };
  window.addEventListener('dragover', over);
  window.addEventListener('drop', drop);
  return () => {
    window.removeEventListener('dragover', over);
    window.removeEventListener('drop', drop);
  };
}
