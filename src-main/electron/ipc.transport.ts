import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CALL_CHANNELS, err, EVENT_CHANNELS, type Unsubscribe } from '../../src-preload/contract';
import type { EventHub } from '../kernel/event-hub';
import type { Router } from '../kernel/router';
import type { Logger } from '../log/logger';
import { isTrustedSender } from './hardening';

export interface IpcWindow {
  readonly webContents: WebContents;
  isDestroyed(): boolean;
}

/**
 * The Electron transport of the contract: one ipcMain.handle per call channel, every event sent to
 * the kiosk window. Calls from any other frame are refused.
 */
export function serveContractOverIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  router: Router,
  hub: EventHub,
  getWindow: () => IpcWindow | undefined,
  logger: Logger,
): Unsubscribe {
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const window = getWindow();
      if (!isTrustedSender(event.senderFrame, window && !window.isDestroyed() ? window : undefined)) {
        logger.warn(`refused ${channel} from an untrusted frame (${event.senderFrame?.url ?? 'gone'})`);
        return err('FORBIDDEN', `${channel} is only answered for the kiosk window.`);
      }
      return router.dispatch(channel, payload, { transport: 'ipc', client: 'ipc' });
    });
  }
  const unsubscribers = EVENT_CHANNELS.map((channel) =>
    hub.subscribe(channel, (payload) => {
      const window = getWindow();
      if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
    }),
  );
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
