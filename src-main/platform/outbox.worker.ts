import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import type { OutboxJob, OutboxRepo, StoredOutboxJob } from '../store/outbox.repo';
import { PlatformError } from './platform-error';

export interface OutboxWorkerOptions {
  readonly outbox: Pick<OutboxRepo, 'claim' | 'complete' | 'fail' | 'quarantine' | 'nextDueAt'>;
  readonly deliver: (job: OutboxJob) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /**
   * The longest sleep when nothing is due (a safety net: new jobs and a link that comes back wake
   * the worker at once); it otherwise sleeps until the next job falls due.
   */
  readonly idleMs?: number;
  /** 0 ≤ r < 1; injectable so tests can pin the jitter. */
  readonly random?: () => number;
  /** Credentials refused: the link is broken for every job, not this one. */
  readonly onAuthRefused?: (error: PlatformError) => void;
  /** A job was parked for a technician (refused by the platform, or unreadable). */
  readonly onQuarantined?: () => void;
}

/**
 * Drains the outbox: at most `concurrency` jobs at a time, in order within a session (the repo's
 * claim guarantees it), each job retried with its own idempotency key until the platform has it.
 *
 * - no answer, timeout, 408/409/429, 5xx → back off (base × 2^attempt, full jitter, capped), at
 *   least as long as the server's Retry-After;
 * - 401/403 → back off too (the machine's credentials, not the job, are wrong) and report it;
 * - any other 4xx, a request that fails its own schema, an unreadable success → quarantined with the
 *   answer, for a technician to retry or discard. Nothing is ever dropped;
 * - a job whose payload does not parse (the repo's claim) → quarantined with the reason; the rest go on.
 */
export class OutboxWorker {
  readonly #o: OutboxWorkerOptions;
  readonly #random: () => number;
  #inFlight = 0;
  #running = false;
  #paused = false;
  #cancelTimer: (() => void) | undefined;
  #draining: Promise<void> | undefined;

  constructor(options: OutboxWorkerOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  start(): void {
    this.#running = true;
    this.kick();
  }

  stop(): void {
    this.#running = false;
    this.#cancelTimer?.();
  }

  /** Maintenance mode: nothing new is sent until resume() (jobs in flight finish). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.kick();
  }

  /** Look for due jobs now (a new job, the link came back). */
  kick(): void {
    if (!this.#running || this.#paused) return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#fill();
  }

  /** Resolves when nothing is in flight (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#inFlight > 0) await this.#draining;
  }

  #fill(): void {
    if (!this.#running || this.#paused) return;
    const free = this.#o.concurrency - this.#inFlight;
    const jobs = free > 0 ? this.#o.outbox.claim(this.#o.clock.now(), free, (job) => this.#unreadable(job)) : [];
    for (const job of jobs) this.#run(job);
    if (this.#inFlight === 0) this.#schedule();
  }

  #unreadable(job: StoredOutboxJob): void {
    this.#o.logger.warn(`outbox job ${job.id} (${job.kind}, ${job.idempotencyKey}) quarantined: ${job.lastError}`);
    this.#o.onQuarantined?.();
  }

  #schedule(): void {
    this.#cancelTimer?.();
    const longest = this.#o.idleMs ?? 30_000;
    const next = this.#o.outbox.nextDueAt();
    const wait = next === null ? longest : Math.min(longest, Math.max(50, next - this.#o.clock.now()));
    this.#cancelTimer = this.#o.clock.after(wait, () => {
      this.#cancelTimer = undefined;
      this.#fill();
    });
  }

  #run(job: OutboxJob): void {
    this.#inFlight++;
    const done = this.#deliver(job).finally(() => {
      this.#inFlight--;
      this.#fill();
    });
    this.#draining = done;
  }

  async #deliver(job: OutboxJob): Promise<void> {
    const { outbox, clock, logger } = this.#o;
    try {
      await this.#o.deliver(job);
      // Stopped meanwhile (the store may be closed): the job stays in flight and is released at the
      // next start; delivery is idempotent, so sending it again is safe.
      if (this.#running) outbox.complete(job.id, clock.now());
      return;
    } catch (error) {
      if (!this.#running) return;
      const now = clock.now();
      if (!(error instanceof PlatformError)) {
        // A bug on our side: keep the job, try later, say so loudly.
        logger.error(`outbox job ${job.id} (${job.kind}) failed unexpectedly`, error);
        outbox.fail(job.id, now + this.#delay(job.attempts), String(error), now);
        return;
      }
      if (error.isTransient || error.isAuth) {
        if (error.isAuth) this.#o.onAuthRefused?.(error);
        const wait = Math.max(this.#delay(job.attempts), error.details.retryAfterMs ?? 0);
        outbox.fail(job.id, now + wait, error.message, now);
        logger.debug(`outbox job ${job.id} will be retried in ${Math.round(wait / 1000)} s: ${error.message}`);
        return;
      }
      const answer = error.details.body === undefined ? '' : ` — answer: ${JSON.stringify(error.details.body)}`;
      outbox.quarantine(job.id, `${error.message}${answer}`, now);
      logger.warn(`outbox job ${job.id} (${job.kind}, ${job.idempotencyKey}) quarantined: ${error.message}`);
      this.#o.onQuarantined?.();
    }
  }

  /** Exponential back-off with full jitter: a fleet coming back online does not arrive at once. */
  #delay(attempts: number): number {
    const { baseMs, maxMs } = this.#o.backoff;
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
    return Math.round(baseMs / 2 + this.#random() * (ceiling - baseMs / 2));
  }
}
