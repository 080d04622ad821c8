import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { FrameSlots, type FrameSlot } from './frame-slots';
import type { WorkerHandle, WorkerLauncher } from './worker-host';
import type { FrameResult, FromWorker, LoadOptions, WorkerFrame } from './worker-protocol';
import type { ModelInfo } from './model-info';

export interface SupervisorOptions {
  readonly launch: WorkerLauncher;
  readonly load: LoadOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A detection in flight longer than this restarts the worker. */
  readonly hangMs?: number;
  /** More restarts than this within `windowMs` → back off and raise vision.worker_unstable. */
  readonly maxRestarts?: number;
  readonly windowMs?: number;
  readonly backoffMs?: number;
  /** A condition (e.g. vision.worker_unstable) turned on or off, for alerts and health. */
  readonly onCondition?: (name: string, active: boolean, detail: string) => void;
}

export type SupervisorState = 'starting' | 'ready' | 'model_refused' | 'backoff' | 'stopped';

export interface VisionMetrics {
  readonly state: SupervisorState;
  /** Per frame as the main thread waits for it (sending, the worker's queue, inference, the answer). */
  readonly inferenceMsEma: number | null;
  readonly inferenceMsP95: number | null;
  /** The worker's own time per frame (decode + model + post-processing), as it measured it. */
  readonly workerMsEma: number | null;
  readonly detectionsPerSecond: number;
  readonly restarts: number;
  /** Detections that failed since start (hung, an error in the worker, lost in a restart). */
  readonly errors: number;
  readonly inFlight: number;
}

interface Pending {
  resolve(result: FrameResult): void;
  reject(e: Error): void;
  cancelTimer(): void;
  readonly slot: FrameSlot | undefined;
}

const inSlot = (slot: FrameSlot, frame: Extract<WorkerFrame, { kind: 'rgb' }>): WorkerFrame => ({
  kind: 'slot',
  file: slot.file,
  offset: slot.offset,
  length: slot.length,
  letterbox: frame.letterbox,
});

/**
 * Keeps one inference worker alive: restarts it when it dies or a detection hangs, backs off when it
 * keeps dying, and never lets a worker failure reject anything the caller did not ask for.
 */
export class InferenceSupervisor {
  readonly #o: Required<Omit<SupervisorOptions, 'onCondition'>> & Pick<SupervisorOptions, 'onCondition'>;
  #worker: WorkerHandle | undefined;
  #state: SupervisorState = 'stopped';
  #info: ModelInfo | undefined;
  #refusal: string | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #restartTimes: number[] = [];
  #restarts = 0;
  #errors = 0;
  #unstable = false;
  #ema: number | null = null;
  #workerEma: number | null = null;
  readonly #recent: number[] = [];
  readonly #completions: number[] = [];
  #cancelBackoff: (() => void) | undefined;
  #ready: Promise<void> = Promise.resolve();
  /** Camera frames travel to the worker through RAM, not inside the message (see FrameSlots). */
  readonly #slots = new FrameSlots();

  constructor(options: SupervisorOptions) {
    this.#o = { hangMs: 10_000, maxRestarts: 5, windowMs: 60_000, backoffMs: 30_000, ...options };
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** Why the model cannot run (missing, corrupt, unsupported): the out-of-service reason. */
  get refusal(): string | undefined {
    return this.#refusal;
  }

  get info(): ModelInfo | undefined {
    return this.#info;
  }

  /** The running worker's process id (diagnostics, fault tests). */
  get workerPid(): number | undefined {
    return this.#worker?.pid;
  }

  /** Settles when the current (re)start has finished, whatever its outcome. */
  whenSettled(): Promise<void> {
    return this.#ready.catch(() => undefined);
  }

  /** Starts a worker and loads the model; resolves when ready, rejects with the refusal reason. */
  start(): Promise<void> {
    this.#ready = this.#launch();
    return this.#ready;
  }

  async detect(frame: WorkerFrame): Promise<FrameResult> {
    if (this.#state !== 'ready' || !this.#worker) throw new Error(`the detector is not ready (${this.#state})`);
    const id = this.#nextId++;
    const worker = this.#worker;
    const started = this.#o.clock.now();
    const slot = frame.kind === 'rgb' ? this.#slots.put(frame.data) : undefined;
    return new Promise<FrameResult>((resolve, reject) => {
      const cancelTimer = this.#o.clock.after(this.#o.hangMs, () => {
        this.#pending.delete(id);
        this.#slots.release(slot);
        this.#errors++;
        reject(new Error(`detection hung for more than ${this.#o.hangMs} ms; restarting the worker`));
        this.#restart(worker, 'a detection hung');
      });
      this.#pending.set(id, {
        resolve: (d) => {
          this.#record(this.#o.clock.now() - started);
          resolve(d);
        },
        reject,
        cancelTimer,
        slot,
      });
      worker.send({ type: 'detect', id, frame: slot && frame.kind === 'rgb' ? inSlot(slot, frame) : frame });
    });
  }

  metrics(): VisionMetrics {
    const now = this.#o.clock.now();
    while (this.#completions.length && now - this.#completions[0]! > 10_000) this.#completions.shift();
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return {
      state: this.#state,
      inferenceMsEma: this.#ema,
      workerMsEma: this.#workerEma,
      inferenceMsP95: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : null,
      detectionsPerSecond: this.#completions.length / 10,
      restarts: this.#restarts,
      errors: this.#errors,
      inFlight: this.#pending.size,
    };
  }

  /** A technician's "restart worker": the same path as a crash, counted as a restart. */
  restartWorker(reason: string): boolean {
    const worker = this.#worker;
    if (!worker || (this.#state !== 'ready' && this.#state !== 'starting')) return false;
    this.#restart(worker, reason);
    return true;
  }

  stop(): void {
    this.#state = 'stopped';
    this.#cancelBackoff?.();
    this.#failPending(new Error('the detector stopped'));
    this.#worker?.kill();
    this.#worker = undefined;
    this.#slots.close();
  }

  #launch(): Promise<void> {
    this.#state = 'starting';
    const worker = this.#o.launch();
    this.#worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.onMessage((message) => {
        if (message.type === 'loaded') {
          this.#info = message.info;
          this.#o.logger.info(
            `model ${this.#o.load.model} ready: ${message.graph.graph} graph (${message.graph.detail})`,
          );
          this.#refusal = undefined;
          this.#state = 'ready';
          resolve();
        } else if (message.type === 'load-failed') {
          // A bad model does not heal by restarting: stay out of service with the reason.
          this.#refusal = message.message;
          this.#state = 'model_refused';
          worker.kill();
          reject(new Error(message.message));
        } else this.#settle(message);
      });
      worker.onExit((reason) => {
        if (this.#worker !== worker) return;
        if (this.#state === 'starting') reject(new Error(`the inference worker ${reason} while loading the model`));
        if (this.#state === 'ready' || this.#state === 'starting') this.#restart(worker, `the worker ${reason}`);
      });
      worker.send({ type: 'load', options: this.#o.load });
    });
  }

  #settle(message: Exclude<FromWorker, { type: 'loaded' | 'load-failed' }>): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    pending.cancelTimer();
    this.#slots.release(pending.slot);
    if (message.type === 'detections') {
      this.#workerEma = this.#workerEma === null ? message.ms.total : this.#workerEma * 0.9 + message.ms.total * 0.1;
      pending.resolve({ ...message.result, workerMs: message.ms });
    } else {
      this.#errors++;
      pending.reject(new Error(`detection failed: ${message.message}`));
    }
  }

  #restart(worker: WorkerHandle, reason: string): void {
    if (this.#worker !== worker || this.#state === 'stopped') return;
    this.#worker = undefined;
    worker.kill();
    this.#failPending(new Error(`the inference worker was restarted: ${reason}`));
    this.#restarts++;
    const now = this.#o.clock.now();
    this.#restartTimes.push(now);
    while (this.#restartTimes.length && now - this.#restartTimes[0]! > this.#o.windowMs) this.#restartTimes.shift();
    this.#o.logger.warn(`restarting the inference worker: ${reason} (${this.#restartTimes.length} in the last minute)`);
    const relaunch = () => {
      this.#ready = this.#launch().then(
        () => this.#setUnstable(false, 'worker stable again'),
        (error: Error) => this.#o.logger.error(`inference worker failed to come back: ${error.message}`),
      );
    };
    if (this.#restartTimes.length > this.#o.maxRestarts) {
      this.#state = 'backoff';
      this.#setUnstable(
        true,
        `${this.#restartTimes.length} restarts within ${this.#o.windowMs / 1000} s; next try in ${this.#o.backoffMs / 1000} s`,
      );
      this.#cancelBackoff = this.#o.clock.after(this.#o.backoffMs, relaunch);
    } else relaunch();
  }

  #setUnstable(active: boolean, detail: string): void {
    if (this.#unstable === active) return;
    this.#unstable = active;
    this.#o.onCondition?.('vision.worker_unstable', active, detail);
  }

  #failPending(error: Error): void {
    for (const [id, p] of this.#pending) {
      this.#errors++;
      p.cancelTimer();
      this.#slots.release(p.slot);
      p.reject(error);
      this.#pending.delete(id);
    }
  }

  #record(ms: number): void {
    this.#ema = this.#ema === null ? ms : this.#ema * 0.9 + ms * 0.1;
    this.#recent.push(ms);
    if (this.#recent.length > 200) this.#recent.shift();
    this.#completions.push(this.#o.clock.now());
  }
}
