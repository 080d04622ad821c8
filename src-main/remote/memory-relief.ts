import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock } from '../kernel/clock';

/**
 * After a burst of abuse (malformed frames, refused calls) or a crowd of clients leaving, V8 holds
 * on to the garbage they left and the buffers behind it until its heap next fills, so the process's
 * memory stays at its peak. Once things have been quiet for a while, one full collection gives it
 * back (large buffers are mmap'd and unmapped as they are freed). Measured: npm run bench:hostile.
 */
export class MemoryRelief {
  #events = 0;
  #cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    /** Events (refusals, disconnects) since the last collection worth a collection. */
    private readonly threshold = 100,
    private readonly quietMs = 5_000,
    private readonly collect: () => void = fullGc(),
  ) {}

  /** One more sign of a burst; the collection runs quietMs after the last one. */
  note(): void {
    this.#events++;
    if (this.#events < this.threshold) return;
    this.#cancel?.();
    this.#cancel = this.clock.after(this.quietMs, () => {
      this.#cancel = undefined;
      this.#events = 0;
      this.collect();
    });
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}

/** V8's full collection (the documented --expose-gc function, fetched without a command-line flag). */
function fullGc(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return () => (gc as () => void)();
  } catch {
    // A runtime that refuses the flag keeps V8's own schedule.
  }
  return () => {};
}
