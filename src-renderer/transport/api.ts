import { buildApi, contract, type RvmApi } from '../../src-preload/contract';
import { createWsTransport, wsUrlFor, type LinkState } from './ws-transport';

declare global {
  interface Window {
    /** Present inside Electron (exposed by the preload); absent in a browser (headless mode). */
    readonly rvm?: RvmApi;
  }
}

export interface Connection {
  readonly api: RvmApi;
  readonly transport: 'ipc' | 'ws';
  /** The link to main; IPC is always open while the window lives. */
  onLinkState(listener: (state: LinkState) => void): () => void;
}

/** Picks the transport at start-up: Electron's preload API when present, else the WebSocket. */
export function connect(win: Window = window): Connection {
  if (win.rvm) {
    return { api: win.rvm, transport: 'ipc', onLinkState: (l) => (l('open'), () => undefined) };
  }
  const ws = createWsTransport(wsUrlFor(win.location));
  return {
    api: buildApi(contract, ws),
    transport: 'ws',
    onLinkState: (l) => {
      l(ws.state);
      return ws.onState(l);
    },
  };
}
