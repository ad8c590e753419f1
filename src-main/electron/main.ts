import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, shell } from 'electron';
import { createApi } from '../core/api/dispatch';
import { openAtelier, type Atelier } from '../core/app/atelier';
import { setFileRemover, setOsShell } from '../core/api/host';
import '../core/api/services';
import { bindIpc, forwardEvents } from './ipc';
import { devServerFor } from './appOrigin';
import { handleAppProtocol } from './appProtocol';
import { handleMediaProtocol, registerMediaScheme } from './mediaProtocol';
import { hardenSessions } from './security';
import { createMainWindow } from './window';

// The Electron layer only wires core to windows; everything a user can do lives in core.
const outDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// A packaged app never loads its renderer from a URL the environment names.
const devServerUrl = devServerFor(app.isPackaged);

registerMediaScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Atelier | undefined;
  const cleanups: Array<() => void> = [];

  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(async () => {
    hardenSessions();
    const dataDir = process.env.ATELIER_DATA_DIR ?? app.getPath('userData');
    try {
      core = await openAtelier({ dataDir, host: 'electron' });
    } catch (err) {
      dialog.showErrorBox('Atelier cannot open its library', (err as Error).message);
      app.exit(1);
      return;
    }
    // Desktop behaviour core cannot reach without electron: the OS trash and the file manager.
    setFileRemover(core, (p) => shell.trashItem(p));
    setOsShell(core, {
      reveal: async (file) => (shell.showItemInFolder(file), true),
      open: async (file) => (await shell.openPath(file)) === '',
    });
    const api = createApi(core);
    handleMediaProtocol(core);
    handleAppProtocol(path.join(outDir, 'renderer'));
    cleanups.push(bindIpc(core, api, devServerUrl));
    cleanups.push(
      forwardEvents(core, () => BrowserWindow.getAllWindows().map((w) => w.webContents)),
    );
    createMainWindow(outDir, devServerUrl);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow(outDir, devServerUrl);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting || !core) return;
    event.preventDefault();
    quitting = true;
    for (const c of cleanups.splice(0)) c();
    void core.dispose().finally(() => app.quit());
  });
}
