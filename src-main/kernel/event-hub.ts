import { findDef, type EventChannel, type Unsubscribe } from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import type { EventPayload } from './contract-types';

type Listener = (payload: unknown) => void;

/** Fan-out of typed events to the transports; payloads are checked once, here, before they leave. */
export class EventHub {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #log: Logger;

  constructor(logger: Logger) {
    this.#log = logger.scope('events');
  }

  publish<Ch extends EventChannel>(channel: Ch, payload: EventPayload<Ch>): void {
    const def = findDef(channel);
    if (!def || def.kind !== 'event') throw new Error(`${channel} is not an event in the contract`);
    const parsed = def.payload.safeParse(payload);
    if (!parsed.success) {
      this.#log.error(`dropped an invalid ${channel} event`, parsed.error.message);
      return;
    }
    for (const listener of this.#listeners.get(channel) ?? []) {
      try {
        listener(parsed.data);
      } catch (error) {
        this.#log.error(`a ${channel} listener failed`, error);
      }
    }
  }

  /** Listens to one event channel; the returned function stops it (safe to call twice). */
  subscribe(channel: string, listener: Listener): Unsubscribe {
    const def = findDef(channel);
    if (!def || def.kind !== 'event') throw new Error(`${channel} is not an event in the contract`);
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }
}
