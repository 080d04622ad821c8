// Electron preload (sandboxed, bundled to one CommonJS file): exposes the typed API and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcApi } from './ipc-client';

contextBridge.exposeInMainWorld('rvm', createIpcApi(ipcRenderer));
