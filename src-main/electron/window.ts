import path from 'node:path';
import { BrowserWindow } from 'electron';
import { appEntry } from './appOrigin';
import { hardenContents } from './security';

export function createMainWindow(outDir: string, devServerUrl: string | undefined): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    title: 'Atelier',
    show: false,
    backgroundColor: '#141416',
    webPreferences: {
      preload: path.join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenContents(win.webContents, devServerUrl);
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadURL(appEntry);
  return win;
}
