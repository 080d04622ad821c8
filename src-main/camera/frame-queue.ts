/**
 * The bounded queue between the camera and the detector (size 2, as Frigate does): when it is full
 * the oldest frame is dropped and counted, so the detector always works on a recent frame instead
 * of falling behind.
 */
export class FrameQueue<T> {
  readonly #items: T[] = [];
  #waiter: ((item: T | undefined) => void) | undefined;
  #dropped = 0;
  #closed = false;

  constructor(private readonly capacity = 2) {}

  get dropped(): number {
    return this.#dropped;
  }

  get depth(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#closed) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter(item);
      return;
    }
    if (this.#items.length >= this.capacity) {
      this.#items.shift();
      this.#dropped++;
    }
    this.#items.push(item);
  }

  /** The oldest waiting frame, or the next one to arrive; undefined once closed. */
  next(): Promise<T | undefined> {
    const item = this.#items.shift();
    if (item !== undefined || this.#closed) return Promise.resolve(item);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  close(): void {
    this.#closed = true;
    this.#items.length = 0;
    this.#waiter?.(undefined);
    this.#waiter = undefined;
  }
}
