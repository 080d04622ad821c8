import type { EventHub } from '../kernel/event-hub';
import type { Logger } from '../log/logger';

/**
 * When the kiosk may be disturbed: one policy for restarts, software updates and model swaps. A
 * customer's session is never cut short; a technician in maintenance holds updates and swaps (but may
 * ask for a restart themselves).
 */
export interface LifecycleDeps {
  /** The deposit flow's state; undefined when the store did not open. */
  readonly depositState: () => string | undefined;
  readonly maintenanceOpen: () => boolean;
  readonly hub: EventHub;
  readonly logger: Logger;
  /** Restarts the whole kiosk; undefined where the runtime cannot. */
  readonly restart: ((why: string) => void) | undefined;
}

export class Lifecycle {
  readonly #d: LifecycleDeps;
  readonly #unsubscribe: Array<() => void> = [];
  #restartPending = false;

  constructor(deps: LifecycleDeps) {
    this.#d = deps;
  }

  /** No customer is using the machine (no store counts as none). */
  customerIdle(): boolean {
    const state = this.#d.depositState();
    return state === undefined || state === 'idle' || state === 'out_of_service';
  }

  /** No customer session is open and no technician is in maintenance: updates and model swaps may go ahead. */
  idle(): boolean {
    return !this.#d.maintenanceOpen() && this.customerIdle();
  }

  /** A restart was asked for and waits for the customer to finish. */
  get restartPending(): boolean {
    return this.#restartPending;
  }

  /** Restarts once no customer is using the machine; asked twice, it restarts once. */
  restartWhenIdle(why: string): void {
    const restart = this.#d.restart;
    if (!restart) {
      this.#d.logger.warn('a restart was requested, but this runtime cannot restart itself');
      return;
    }
    if (this.#restartPending) return;
    this.#restartPending = true;
    const go = () => {
      this.#d.logger.warn(`restarting: ${why}`);
      restart(why);
    };
    if (this.customerIdle()) return go();
    this.#d.logger.warn('restart requested: waiting for the current customer to finish');
    const unsubscribe = this.#d.hub.subscribe('deposit.session', () => {
      if (!this.customerIdle()) return;
      unsubscribe();
      go();
    });
    this.#unsubscribe.push(unsubscribe);
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }
}
