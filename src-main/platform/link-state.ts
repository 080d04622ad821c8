import type { LinkStatus } from '../../src-preload/contract';
import type { Clock } from '../kernel/clock';
import type { PlatformError } from './platform-error';

/** A link that has not answered for this long counts as offline even between failures. */
const STALE_MS = 120_000;

/** The link's health from the exchanges so far: online, degraded (answers but refuses) or offline. */
export class LinkState {
  #lastSuccessAt: number | null = null;
  #failures = 0;
  #lastFailure: PlatformError | null = null;
  #authRefused = false;

  constructor(
    private readonly o: {
      readonly profile: LinkStatus['profile'];
      /** Why the link could not be set up (unreadable credentials), or null. */
      readonly setupError: () => string | null;
      readonly clock: Clock;
    },
  ) {}

  get lastSuccessAt(): number | null {
    return this.#lastSuccessAt;
  }

  /** Failed exchanges since start. */
  get failures(): number {
    return this.#failures;
  }

  /** One exchange ended (null: it worked); true when the link is back from an outage. */
  outcome(error: PlatformError | null): boolean {
    const wasOnline = this.#lastFailure === null && this.#lastSuccessAt !== null;
    if (error) {
      this.#lastFailure = error;
      this.#failures++;
      return false;
    }
    this.#lastFailure = null;
    this.#lastSuccessAt = this.o.clock.now();
    return !wasOnline;
  }

  /** The machine's credentials were refused (a delivery's 401/403) until the next connect. */
  set authRefused(refused: boolean) {
    this.#authRefused = refused;
  }

  state(): Pick<LinkStatus, 'state' | 'lastError'> {
    if (this.o.profile === 'none') return { state: 'disabled', lastError: null };
    const setupError = this.o.setupError();
    if (setupError) return { state: 'degraded', lastError: setupError };
    const now = this.o.clock.now();
    const fresh = this.#lastSuccessAt !== null && now - this.#lastSuccessAt < STALE_MS;
    const failure = this.#lastFailure;
    if (!failure && fresh && !this.#authRefused) return { state: 'online', lastError: null };
    const answered = failure && !(failure.kind === 'network' || failure.kind === 'timeout');
    return {
      state: answered || (fresh && !failure) ? 'degraded' : 'offline',
      lastError:
        failure?.message ?? (this.#authRefused ? 'the platform refused the machine credentials' : 'not connected yet'),
    };
  }
}
