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
import type { Clock } from '../kernel/clock';
import type { EventHub } from '../kernel/event-hub';
import type { Router } from '../kernel/router';
import { TokenBucket } from '../kernel/token-bucket';
import type { RefusalLog } from '../kernel/refusal-log';

export interface WsClientLimits {
  /** Contract calls a second (a burst of twice that); more are answered RATE_LIMITED. */
  readonly callsPerSecond: number;
  /** Events are held back for a client whose socket has this much unsent data (a stalled browser). */
  readonly maxBufferedBytes: number;
  /** A client that stays over maxBufferedBytes this long is disconnected (its memory comes back). */
  readonly slowClientMs: number;
}

export const DEFAULT_WS_LIMITS: WsClientLimits = {
  callsPerSecond: 50,
  maxBufferedBytes: 4 * 1024 * 1024,
  slowClientMs: 10_000,
};

/** Close codes (RFC 6455 §7.4.1). */
export const WS_CLOSE = { policy: 1008, tryAgainLater: 1013 } as const;

/**
 * Refused calls a client may pile up (refilled at its call rate) before it is taken to be a flood, not a
 * busy screen, and closed with 1008.
 */
const REFUSED_BEFORE_CLOSE = 1_000;

export interface WsClient {
  /** Called by the server's keepalive timer: disconnects a client stalled over the buffer limit. */
  checkSlow(): void;
}

let clients = 0;

/** One serialisation per published event, shared by every subscribed client (the hub calls each in turn). */
let lastEvent: { channel: string; payload: unknown; text: string } | undefined;
function eventText(channel: string, payload: unknown): string {
  if (lastEvent?.channel !== channel || lastEvent.payload !== payload) {
    const message: ServerMessage = { type: 'event', channel, payload };
    lastEvent = { channel, payload, text: JSON.stringify(message) };
  }
  return lastEvent.text;
}

export interface WsTransportDeps {
  readonly router: Router;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly refusals: RefusalLog;
  readonly limits?: WsClientLimits;
}

/**
 * Serves the contract on one WebSocket: calls answered with Results, events pushed while subscribed.
 * Nothing a client sends can end the process: protocol errors close that socket (ws picks the code:
 * 1009 too big, 1007 invalid UTF-8, 1002 bad frame) and are counted in the log.
 */
export function serveContractOverWs(socket: WebSocket, deps: WsTransportDeps): WsClient {
  const { router, hub, clock, refusals } = deps;
  const limits = deps.limits ?? DEFAULT_WS_LIMITS;
  const client = `ws:${++clients}`;
  const subscriptions = new Map<string, Unsubscribe>();
  const calls = new TokenBucket(clock, limits.callsPerSecond, limits.callsPerSecond * 2);
  const refusable = new TokenBucket(clock, limits.callsPerSecond, REFUSED_BEFORE_CLOSE);
  let droppedEvents = 0;
  let overBufferSince: number | undefined;
  const send = (text: string) => {
    if (socket.readyState === socket.OPEN) socket.send(text);
  };
  const reply = (id: number | null, result: Result<unknown>) =>
    send(JSON.stringify({ type: 'result', id, result } satisfies ServerMessage));

  const checkSlow = () => {
    if (socket.bufferedAmount <= limits.maxBufferedBytes) {
      overBufferSince = undefined;
      return;
    }
    const now = clock.now();
    overBufferSince ??= now;
    if (now - overBufferSince >= limits.slowClientMs) {
      refusals.note(
        'disconnected a WebSocket client that stopped reading',
        `${client}, ${socket.bufferedAmount} bytes unsent`,
      );
      socket.terminate();
    }
  };

  // Without this listener a protocol error would be an uncaught exception; ws closes the socket itself.
  socket.on('error', (error: Error & { code?: string }) =>
    refusals.note('closed a WebSocket client for a bad frame', `${client}: ${error.code ?? ''} ${error.message}`),
  );
  socket.on('message', (data, isBinary) => {
    if (!calls.take()) {
      if (!refusable.take()) {
        refusals.note('closed a WebSocket client over the call rate', client);
        socket.close(WS_CLOSE.policy, 'call rate limit exceeded');
        return;
      }
      refusals.note('refused WebSocket calls over the rate limit', client);
      reply(
        messageId(data, isBinary),
        err(
          'RATE_LIMITED',
          `more than ${limits.callsPerSecond} calls a second; try again in ${calls.retryAfterMs()} ms`,
        ),
      );
      return;
    }
    void handle(isBinary ? null : data.toString()).catch((error: unknown) =>
      refusals.note('a WebSocket message failed', `${client}: ${(error as Error).message}`),
    );
  });
  socket.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
    router.clientGone(client);
    if (droppedEvents > 0) refusals.note('closed a client that had events dropped', `${client}: ${droppedEvents}`);
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
          checkSlow();
          if (socket.bufferedAmount > limits.maxBufferedBytes) droppedEvents++;
          else send(eventText(channel, payload));
        }),
      );
    } else if (message.type === 'unsubscribe') {
      subscriptions.get(message.channel)?.();
      subscriptions.delete(message.channel);
    }
    return reply(message.id, ok(null));
  }

  return { checkSlow };
}

/** The id of a refused message, when it is small enough to look at cheaply; null otherwise. */
function messageId(data: unknown, isBinary: boolean): number | null {
  if (isBinary || !Buffer.isBuffer(data) || data.length > 4096) return null;
  const match = /"id"\s*:\s*(\d{1,15})\b/.exec(data.toString());
  return match ? Number(match[1]) : null;
}
