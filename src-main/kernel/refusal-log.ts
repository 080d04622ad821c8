import type { Clock } from './clock';
import type { Logger } from '../log/logger';

/**
 * Logs repeated refusals as counts: the first of each kind as a line, then one summary line per
 * interval while more arrive. A flood of bad input can then neither fill the disk nor push the lines
 * that matter (a setup code, an alert) out of the rotated log.
 */
export class RefusalLog {
  readonly #counts = new Map<string, number>();
  #cancel: (() => void) | undefined;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
    /** Told of every refusal, counted or logged (e.g. to give memory back after a burst). */
    private readonly onNote: () => void = () => {},
  ) {}

  /** `kind` groups the counts ("wrong setup code"); `detail` is logged for the first of a burst only. */
  note(kind: string, detail: string): void {
    this.onNote();
    const count = this.#counts.get(kind);
    if (count === undefined) {
      this.log.warn(`${kind}: ${detail}`);
      this.#counts.set(kind, 0);
    } else {
      this.#counts.set(kind, count + 1);
    }
    this.#cancel ??= this.clock.after(this.intervalMs, () => this.flush());
  }

  /** Writes the summary now (called by the timer, and on stop). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    const seconds = Math.round(this.intervalMs / 1000);
    for (const [kind, count] of [...this.#counts]) {
      if (count > 0) {
        this.log.warn(`${kind}: ${count} more in the last ${seconds} s`);
        // Still going on: the next ones are counted, not logged one by one.
        this.#counts.set(kind, 0);
      } else {
        // A quiet interval: the next one is logged in full again.
        this.#counts.delete(kind);
      }
    }
    if (this.#counts.size > 0) this.#cancel = this.clock.after(this.intervalMs, () => this.flush());
  }

  stop(): void {
    this.flush();
    this.#cancel?.();
    this.#cancel = undefined;
    this.#counts.clear();
  }
}
