import type { Clock } from './clock';

/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. take() spends one when there is
 * one; retryAfterMs() says when the next one comes. Time comes from the clock, so tests drive it.
 * (Small enough that a library would cost more than it saves; the arithmetic is the whole of it.)
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
    this.#at = clock.now();
  }

  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  retryAfterMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond);
  }

  #refill(): void {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
  }
}
