import Pusher from 'pusher-js';
import type { Logger } from '../log/logger';
import type { LiveChannel } from './profile';

/** The server's live events the kiosk reacts to (PLATFORM-API.md, "Live events"). */
export const LIVE_EVENTS = ['session.authorized', 'session.guest-activated', 'item.processed'] as const;
export type LiveEventName = (typeof LIVE_EVENTS)[number];

export interface LiveEventsOptions {
  readonly channel: LiveChannel;
  /** The Pusher app key (`/app/{key}`). */
  readonly key: string;
  readonly logger: Logger;
  readonly onEvent: (name: LiveEventName, data: unknown) => void;
  /** Subscribed (true) or not (false); called on every change. */
  readonly onState: (subscribed: boolean) => void;
}

/**
 * Live events over the Pusher protocol (the server's Reverb): an accelerator only — everything they
 * tell also arrives by polling, so a missing, broken or lying socket costs speed, never correctness.
 * pusher-js reconnects on its own with back-off.
 */
export class LiveEvents {
  readonly #o: LiveEventsOptions;
  readonly #log: Logger;
  #pusher: Pusher | undefined;
  #subscribed = false;

  constructor(options: LiveEventsOptions) {
    this.#o = options;
    this.#log = options.logger.scope('live');
  }

  get subscribed(): boolean {
    return this.#subscribed;
  }

  start(): void {
    if (this.#pusher) return;
    const target = parseSocketUrl(this.#o.channel.url);
    const pusher = new Pusher(this.#o.key, {
      cluster: 'mt1', // required by the type; ignored when wsHost is set
      wsHost: target.host,
      wsPort: target.port,
      wssPort: target.port,
      ...(target.path ? { wsPath: target.path } : {}),
      forceTLS: target.tls,
      enabledTransports: target.tls ? ['wss'] : ['ws'],
      disableStats: true,
    });
    this.#pusher = pusher;
    pusher.connection.bind('state_change', (change: { previous: string; current: string }) => {
      if (change.current !== 'connected') this.#setSubscribed(false);
      if (change.current === 'unavailable' || change.current === 'failed') {
        this.#log.warn(`live events ${change.current} at ${this.#o.channel.url}; polling covers it`);
      }
    });
    pusher.connection.bind('error', (error: unknown) => {
      this.#log.warn(`live events error: ${describe(error)}`);
    });
    const channel = pusher.subscribe(this.#o.channel.channel);
    channel.bind('pusher:subscription_succeeded', () => {
      this.#log.info(`live events on ${this.#o.channel.channel}`);
      this.#setSubscribed(true);
    });
    channel.bind('pusher:subscription_error', (error: unknown) => {
      this.#log.warn(`live channel ${this.#o.channel.channel} refused: ${describe(error)}`);
      this.#setSubscribed(false);
    });
    for (const name of LIVE_EVENTS) {
      // Laravel broadcasts `broadcastAs` names as they are; Echo-style clients prefix them with a dot.
      const handler = (data: unknown) => this.#o.onEvent(name, data);
      channel.bind(name, handler);
      channel.bind(`.${name}`, handler);
    }
  }

  stop(): void {
    this.#pusher?.disconnect();
    this.#pusher = undefined;
    this.#setSubscribed(false);
  }

  #setSubscribed(value: boolean): void {
    if (this.#subscribed === value) return;
    this.#subscribed = value;
    this.#o.onState(value);
  }
}

/** ws://host:port/path or wss:// (http/https accepted as the same). */
export function parseSocketUrl(url: string): { host: string; port: number; tls: boolean; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`live events address "${url}" is not a URL: use ws://host:port or wss://host:port`);
  }
  const tls = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
  if (!tls && parsed.protocol !== 'ws:' && parsed.protocol !== 'http:') {
    throw new Error(`live events address "${url}" must start with ws:// or wss://`);
  }
  const port = parsed.port ? Number(parsed.port) : tls ? 443 : 80;
  const path = parsed.pathname.replace(/\/+$/, '');
  return { host: parsed.hostname, port, tls, path };
}

function describe(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { type?: string; error?: { data?: { message?: string; code?: number } }; status?: number };
    const inner = e.error?.data;
    if (inner?.message) return `${inner.message}${inner.code ? ` (${inner.code})` : ''}`;
    if (e.status) return `HTTP ${e.status}`;
    if (e.type) return e.type;
  }
  return String(error);
}
