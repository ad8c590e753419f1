import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { ipcChannels } from '../contract';
import type { Api } from '../core/api/dispatch';
import type { Atelier } from '../core/app/atelier';
import { subscribeAs } from '../core/app/audience';
import { isAppUrl } from './appOrigin';

/**
 * One invoke channel for every method: the contract, not the channel name, carries the types,
 * and `api.invoke` validates the input. Each message's sender frame must be our own page.
 */
export function bindIpc(core: Atelier, api: Api, devServerUrl: string | undefined): () => void {
  ipcMain.handle(
    ipcChannels.invoke,
    async (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
      // The app's own page, its main frame, at its exact origin: never a subframe, never file://.
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isAppUrl(frame.url, devServerUrl)) {
        return {
          ok: false,
          error: { code: 'unauthorized', message: 'IPC from an unexpected frame was refused' },
        };
      }
      if (typeof method !== 'string') {
        return {
          ok: false,
          error: { code: 'invalid_input', message: 'Method name must be a string' },
        };
      }
      return api.invoke(method, input, { host: 'electron', caller: core.localOwner });
    },
  );
  return () => ipcMain.removeHandler(ipcChannels.invoke);
}

/** Core events go to every window that is still alive, as the local owner may see them. */
export function forwardEvents(core: Atelier, targets: () => WebContents[]): () => void {
  return subscribeAs(
    core.events,
    () => core.localOwner,
    (event, payload) => {
      for (const wc of targets()) if (!wc.isDestroyed()) wc.send(ipcChannels.event, event, payload);
    },
  );
}
