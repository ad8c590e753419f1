import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AtelierBridge, Result } from '../src-main/contract';

// Channel names duplicated from the contract on purpose: a sandboxed preload should import
// nothing at runtime but electron. The contract test asserts they match.
const channels = { invoke: 'atelier:invoke', event: 'atelier:event' } as const;

const bridge: AtelierBridge = {
  invoke: (method: string, input: unknown) =>
    ipcRenderer.invoke(channels.invoke, method, input) as Promise<Result<unknown>>,
  on(event: string, listener: (payload: unknown) => void) {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(channels.event, wrapped);
    return () => ipcRenderer.removeListener(channels.event, wrapped);
  },
  // File.path is gone since Electron 32; webUtils is the supported way to a dropped file's path.
  pathForFile: (file: Blob) => webUtils.getPathForFile(file as File),
};

contextBridge.exposeInMainWorld('atelier', bridge);
