import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { buildApi, contract, type RvmApi } from './contract';

/** The API the preload exposes as window.rvm, on top of ipcRenderer; no raw channel access leaks. */
export function createIpcApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): RvmApi {
  return buildApi(contract, {
    invoke: (channel, request) => ipc.invoke(channel, request),
    subscribe: (channel, listener) => {
      // The same function object is removed that was added, so unsubscribe really unsubscribes.
      const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipc.on(channel, handler);
      return () => {
        ipc.removeListener(channel, handler);
      };
    },
  });
}
