import { EventEmitter } from 'node:events';
import type { IpcMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { createIpcApi } from '../../src-preload/ipc-client';
import { describeContractTransport } from '../../test/support/transport-suite';
import { makeTestCore } from '../../test/support/test-core';
import { serveContractOverIpc, type IpcWindow } from './ipc.transport';

type Handler = (event: unknown, payload: unknown) => unknown;

/**
 * In-process stand-in for Electron's ipcMain/ipcRenderer pair (no Electron binary exists here).
 * Payloads are structured-cloned both ways, as Electron does.
 */
function fakeElectronIpc(frameUrl = 'app://rvm/index.html') {
  const handlers = new Map<string, Handler>();
  const rendererSide = new EventEmitter();
  const mainFrame = { url: frameUrl };
  const window = {
    webContents: {
      mainFrame,
      send: (channel: string, payload: unknown) => rendererSide.emit(channel, {}, structuredClone(payload)),
    },
    isDestroyed: () => false,
  } as unknown as IpcWindow;
  const ipcMain = {
    handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
    removeHandler: (channel: string) => void handlers.delete(channel),
  } as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>;
  const invokeFrom = async (frame: unknown, channel: string, payload: unknown) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler({ senderFrame: frame }, structuredClone(payload)));
  };
  const ipcRenderer = {
    invoke: (channel: string, payload: unknown) => invokeFrom(mainFrame, channel, payload),
    on: (channel: string, listener: (...args: unknown[]) => void) => rendererSide.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) =>
      rendererSide.removeListener(channel, listener),
  };
  return { ipcMain, ipcRenderer, window, handlers, rendererSide, invokeFrom };
}

describeContractTransport('Electron IPC (in-process fake of ipcMain/ipcRenderer)', async ({ core, logger }) => {
  const ipc = fakeElectronIpc();
  const stop = serveContractOverIpc(ipc.ipcMain, core.router, core.hub, () => ipc.window, logger);
  return { api: createIpcApi(ipc.ipcRenderer as never), close: stop };
});

describe('IPC sender checks', () => {
  it('refuses calls from any frame other than the kiosk main frame', async () => {
    const env = makeTestCore();
    const ipc = fakeElectronIpc();
    serveContractOverIpc(ipc.ipcMain, env.core.router, env.core.hub, () => ipc.window, env.logger);
    const iframe = { url: 'app://rvm/index.html' };
    await expect(ipc.invokeFrom(iframe, 'app.info', undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    env.dispose();
  });

  it('refuses the main frame once it shows a page that is not ours', async () => {
    const env = makeTestCore();
    const ipc = fakeElectronIpc('https://example.invalid/');
    serveContractOverIpc(ipc.ipcMain, env.core.router, env.core.hub, () => ipc.window, env.logger);
    await expect(ipc.ipcRenderer.invoke('app.info', undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    env.dispose();
  });

  it('unsubscribing removes the very listener that was added', () => {
    const ipc = fakeElectronIpc();
    const api = createIpcApi(ipc.ipcRenderer as never);
    const off = api.app.onHeartbeat(() => undefined);
    expect(ipc.rendererSide.listenerCount('app.heartbeat')).toBe(1);
    off();
    expect(ipc.rendererSide.listenerCount('app.heartbeat')).toBe(0);
  });
});
