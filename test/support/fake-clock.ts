import type { Clock } from '../../src-main/kernel/clock';

/** A clock tests move by hand; timers fire in time order as it passes them. */
export class FakeClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; fn: () => void; every?: number; id: number }> = [];
  #nextId = 0;

  constructor(start = Date.UTC(2026, 10, 22, 3, 0, 0)) {
    this.#now = start;
  }

  now = (): number => this.#now;

  after = (ms: number, fn: () => void): (() => void) => this.#add(ms, fn);

  every = (ms: number, fn: () => void): (() => void) => this.#add(ms, fn, ms);

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.#now = next.at;
      if (next.every) next.at += next.every;
      else this.#timers = this.#timers.filter((t) => t !== next);
      next.fn();
    }
    this.#now = end;
  }

  #add(ms: number, fn: () => void, every?: number): () => void {
    const timer = { at: this.#now + ms, fn, every, id: this.#nextId++ };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }
}
