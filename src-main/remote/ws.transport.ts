import type { WebSocket } from 'ws';
import {
  ClientMessageSchema,
  err,
  findDef,
  ok,
  type Result,
  type ServerMessage,
  type Unsubscribe,
} from '../../src-preload/contract';
import type { EventHub } from '../core/event-hub';
import type { Router } from '../core/router';
import type { Logger } from '../log/logger';

/** Events are dropped for a client whose socket has this much unsent data (a stalled browser). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

let clients = 0;

/** Serves the contract on one WebSocket: calls answered with Results, events pushed while subscribed. */
export function serveContractOverWs(socket: WebSocket, router: Router, hub: EventHub, logger: Logger): void {
  const client = `ws:${++clients}`;
  const subscriptions = new Map<string, Unsubscribe>();
  let droppedEvents = 0;
  const send = (message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const reply = (id: number | null, result: Result<unknown>) => send({ type: 'result', id, result });

  socket.on('message', (data, isBinary) => {
    void handle(isBinary ? null : data.toString()).catch((error: unknown) => logger.error('ws message failed', error));
  });
  socket.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
    router.clientGone(client);
    if (droppedEvents > 0) logger.warn(`closed a client that had ${droppedEvents} events dropped`);
  });

  async function handle(text: string | null): Promise<void> {
    let raw: unknown;
    try {
      raw = text === null ? undefined : JSON.parse(text);
    } catch {
      return reply(null, err('BAD_REQUEST', 'The message is not JSON.'));
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
      return reply(id, err('BAD_REQUEST', 'The message is not a call, subscribe or unsubscribe with a numeric id.'));
    }
    const message = parsed.data;
    if (message.type === 'call') {
      return reply(message.id, await router.dispatch(message.channel, message.payload, { transport: 'ws', client }));
    }
    const def = findDef(message.channel);
    if (!def || def.kind !== 'event') {
      return reply(message.id, err('UNKNOWN_CHANNEL', `"${message.channel}" is not an event in the contract.`));
    }
    if (message.type === 'subscribe' && !subscriptions.has(message.channel)) {
      const channel = message.channel;
      subscriptions.set(
        channel,
        hub.subscribe(channel, (payload) => {
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) droppedEvents++;
          else send({ type: 'event', channel, payload });
        }),
      );
    } else if (message.type === 'unsubscribe') {
      subscriptions.get(message.channel)?.();
      subscriptions.delete(message.channel);
    }
    return reply(message.id, ok(null));
  }
}
