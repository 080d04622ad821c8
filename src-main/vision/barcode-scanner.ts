import type { GreyFrame } from '../camera/camera';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { FrameSlots } from './frame-slots';
import type { WorkerHandle, WorkerLauncher } from './worker-host';
import type { FromBarcodeWorker, ToBarcodeWorker } from './worker-protocol';

export type BarcodeLauncher = WorkerLauncher<ToBarcodeWorker, FromBarcodeWorker>;

export interface ScannerOptions {
  readonly launch: BarcodeLauncher;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A read taking longer than this restarts the worker (ms). */
  readonly timeoutMs?: number;
}

/** After a crash or hang, the worker is started again no sooner than this, doubling to a minute. */
const FIRST_BACKOFF_MS = 2000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Main's side of the barcode worker: one full-resolution picture at a time (a picture arriving while
 * one is read is skipped, the camera sends more), started on first use, restarted after a crash or a
 * hang with back-off. It never rejects: a failure is "no barcode in that picture".
 */
export class BarcodeScanner {
  readonly #o: ScannerOptions;
  readonly #slots = new FrameSlots(1);
  #worker: WorkerHandle<ToBarcodeWorker, FromBarcodeWorker> | undefined;
  #inFlight: { id: number; done(code: string | null): void } | undefined;
  #nextId = 1;
  #notBefore = 0;
  #backoffMs = FIRST_BACKOFF_MS;
  #stopped = false;
  /** Reads answered, codes found, failures (crash, hang, error). */
  readonly counts = { reads: 0, found: 0, failures: 0 };

  constructor(options: ScannerOptions) {
    this.#o = options;
  }

  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Reads the picture unless one is being read or the worker is backing off (then undefined). */
  scan(frame: GreyFrame): Promise<string | null> | undefined {
    if (this.#stopped || this.#inFlight || this.#o.clock.now() < this.#notBefore) return undefined;
    const worker = (this.#worker ??= this.#launch());
    const id = this.#nextId++;
    const slot = this.#slots.put(frame.grey);
    const size = { width: frame.width, height: frame.height };
    return new Promise<string | null>((resolve) => {
      const cancel = this.#o.clock.after(this.#o.timeoutMs ?? 5000, () =>
        this.#fail(worker, `a barcode read took more than ${(this.#o.timeoutMs ?? 5000) / 1000} s`),
      );
      this.#inFlight = {
        id,
        done: (code) => {
          cancel();
          this.#slots.release(slot);
          this.#inFlight = undefined;
          resolve(code);
        },
      };
      worker.send({
        type: 'read',
        id,
        frame: slot
          ? { kind: 'slot', file: slot.file, offset: slot.offset, length: slot.length, ...size }
          : { kind: 'grey', data: frame.grey, ...size },
      });
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#inFlight?.done(null);
    this.#worker?.kill();
    this.#worker = undefined;
    this.#slots.close();
  }

  #launch(): WorkerHandle<ToBarcodeWorker, FromBarcodeWorker> {
    const worker = this.#o.launch();
    worker.onMessage((message) => {
      if (message.id !== this.#inFlight?.id) return;
      if (message.type === 'barcode') {
        this.counts.reads++;
        if (message.code) this.counts.found++;
        this.#backoffMs = FIRST_BACKOFF_MS;
        this.#inFlight.done(message.code);
      } else {
        this.counts.failures++;
        this.#o.logger.warn(`barcode read failed: ${message.message}`);
        this.#inFlight.done(null);
      }
    });
    worker.onExit((reason) => {
      if (this.#worker === worker) this.#fail(worker, `the barcode worker ${reason}`);
    });
    return worker;
  }

  /** A crash or a hang: that picture had no code, the worker starts again after a pause. */
  #fail(worker: WorkerHandle<ToBarcodeWorker, FromBarcodeWorker>, reason: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    worker.kill();
    this.counts.failures++;
    this.#notBefore = this.#o.clock.now() + this.#backoffMs;
    this.#o.logger.warn(`${reason}; barcodes are read again in ${this.#backoffMs / 1000} s`);
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    this.#inFlight?.done(null);
  }
}
