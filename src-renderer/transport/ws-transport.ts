import { ServerMessageSchema, WS_PATH, type ClientMessage, type ClientTransport } from '../../src-preload/contract';

export type LinkState = 'connecting' | 'open' | 'closed';

export interface WsTransport extends ClientTransport {
  readonly state: LinkState;
  onState(listener: (state: LinkState) => void): () => void;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const CALL_TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 5_000;

/** The contract over a WebSocket (headless mode): reconnects by itself and re-subscribes. */
export function createWsTransport(url: string, WebSocketImpl: typeof WebSocket = WebSocket): WsTransport {
  let socket: WebSocket | undefined;
  let state: LinkState = 'connecting';
  let nextId = 1;
  let backoff = 250;
  let closedByUser = false;
  const pending = new Map<number, Pending>();
  const queue: ClientMessage[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(s: LinkState) => void>();

  const setState = (next: LinkState) => {
    state = next;
    for (const l of stateListeners) l(next);
  };
  const send = (message: ClientMessage) => {
    if (socket?.readyState === WebSocketImpl.OPEN) socket.send(JSON.stringify(message));
    else queue.push(message);
  };

  function connect(): void {
    setState('connecting');
    const ws = new WebSocketImpl(url);
    socket = ws;
    ws.onopen = () => {
      backoff = 250;
      setState('open');
      for (const channel of listeners.keys()) ws.send(JSON.stringify({ type: 'subscribe', id: nextId++, channel }));
      for (const message of queue.splice(0)) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => onMessage(String(event.data));
    ws.onclose = () => {
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new Error('the connection to the kiosk closed'));
        pending.delete(id);
      }
      setState('closed');
      if (closedByUser) return;
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  }

  function onMessage(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'event') {
      for (const l of listeners.get(message.channel) ?? []) l(message.payload);
      return;
    }
    const p = message.id === null ? undefined : pending.get(message.id);
    if (!p || message.id === null) return;
    clearTimeout(p.timer);
    pending.delete(message.id);
    p.resolve(message.result);
  }

  connect();
  return {
    get state() {
      return state;
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    invoke(channel, payload) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no answer within ${CALL_TIMEOUT_MS / 1000} s`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        send({ type: 'call', id, channel, payload });
      });
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        send({ type: 'subscribe', id: nextId++, channel });
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(channel) === set) {
          listeners.delete(channel);
          send({ type: 'unsubscribe', id: nextId++, channel });
        }
      };
    },
    close() {
      closedByUser = true;
      socket?.close();
    },
  };
}

/** ws://host/ws for the page's own origin (wss:// behind TLS). */
export function wsUrlFor(location: { readonly protocol: string; readonly host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${WS_PATH}`;
}
