import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import type { Logger } from '../log/logger';
import {
  BOOT_MS,
  COMMAND_TIMEOUT_MS,
  ControllerLine,
  describeCode,
  PROTOCOL_VERSION,
  type Command,
  type StatusEvent,
} from './controller-protocol';
import type { Hardware, HardwareHealth, HardwarePart } from './hardware';

export interface SerialHardwareOptions {
  /** Per-command answer timeouts (ms); the protocol's by default. */
  readonly timeouts?: Partial<Record<Command, number>>;
  /** How long a board that resets on open may take to answer hello (ms). */
  readonly bootMs?: number;
  /** Reopen back-off after the line is lost: first and longest wait (ms). */
  readonly reopenMs?: readonly [first: number, max: number];
  /** Status query period while healthy, and while a fault is waiting to clear (ms). */
  readonly pollMs?: readonly [healthy: number, faulted: number];
  /**
   * Whether the device is still there (its /dev node): checked twice a second, so an unplugged cable
   * is noticed even when the driver reports nothing (a hung-up pseudo-terminal, some USB adapters).
   */
  readonly present?: () => boolean;
}

/** The controller's answer to one command (hello's carries the protocol and firmware). */
type Reply = Extract<ControllerLine, { id: number }>;
type Pending = { cmd: Command; resolve(reply: Reply): void; reject(e: Error): void; timer: NodeJS.Timeout };

/** A line lost or a board that stopped answering: the link is torn down and reopened. */
class LinkLost extends Error {}

/**
 * The machine's controller on a serial line (protocol: controller-protocol.ts and
 * resources/controller-protocol.md). It owns the link: opens it, says hello (waiting out a board that
 * resets on open), queries status, and reopens with back-off whenever the line goes away. Commands go
 * one at a time. Health is derived from the link, the last refused command and the controller's own
 * fault report, so an out-of-service reason clears itself when the controller reports healthy again.
 */
export class SerialHardware implements Hardware {
  readonly #open: () => Promise<Duplex>;
  readonly #log: Logger;
  readonly #timeouts: Record<Command, number>;
  readonly #bootMs: number;
  readonly #reopenMs: readonly [number, number];
  readonly #pollMs: readonly [number, number];
  readonly #listeners = new Set<(health: HardwareHealth) => void>();
  readonly #pending = new Map<number, Pending>();
  #stream: Duplex | undefined;
  #link: 'connecting' | 'ready' | 'down' | 'closed' = 'connecting';
  #linkProblem = 'connecting';
  #commandFault: string | undefined;
  #status: StatusEvent | undefined;
  #firmware: string | undefined;
  #health: HardwareHealth = { ok: false, reason: 'hardware controller not connected: connecting' };
  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #nextId = 1;
  #backoff: number;
  #timer: NodeJS.Timeout | undefined;
  #silentPolls = 0;
  readonly #presence: NodeJS.Timeout | undefined;

  constructor(open: () => Promise<Duplex>, logger: Logger, options: SerialHardwareOptions = {}) {
    this.#open = open;
    this.#log = logger.scope('hardware');
    this.#timeouts = { ...COMMAND_TIMEOUT_MS, ...options.timeouts };
    this.#bootMs = options.bootMs ?? BOOT_MS;
    this.#reopenMs = options.reopenMs ?? [500, 5_000];
    this.#pollMs = options.pollMs ?? [2_000, 1_000];
    this.#backoff = this.#reopenMs[0];
    const present = options.present;
    if (present) {
      this.#presence = setInterval(() => {
        if (this.#stream && !present()) this.#lost('the device disappeared (cable unplugged or controller off)');
      }, 500);
      this.#presence.unref();
    }
    void this.#connect();
  }

  acceptItem = (): Promise<void> => this.#command('accept');
  returnItem = (): Promise<void> => this.#command('return');
  resetBin = (): Promise<void> => this.#command('reset_bin');
  test = async (part: HardwarePart): Promise<string> => {
    await this.#command(`test_${part}`);
    return part === 'sensors'
      ? `controller ok (${this.#firmware ?? 'firmware unknown'}): bin ${this.binLevelPercent().toFixed(0)} %, scale ${this.weightG() === null ? 'none' : `${this.weightG()} g`}`
      : `controller ok: ${part} test done`;
  };
  binLevelPercent = (): number => this.#status?.binPercent ?? 0;
  weightG = (): number | null => this.#status?.weightG ?? null;
  health = (): HardwareHealth => this.#health;

  onHealth(listener: (health: HardwareHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The firmware the controller named in its hello (the sensors test reports it too); undefined before. */
  firmware(): string | undefined {
    return this.#firmware;
  }

  close(): void {
    this.#link = 'closed';
    clearTimeout(this.#timer);
    clearInterval(this.#presence);
    this.#failAll(new Error('hardware closed'));
    this.#stream?.destroy();
  }

  /** A machine command: refused at once while the link is down; a refusal or silence is a fault until status clears it. */
  async #command(cmd: Command): Promise<void> {
    if (this.#link !== 'ready') throw new Error(`hardware controller not connected (${this.#linkProblem})`);
    try {
      await this.#send(cmd);
    } catch (error) {
      if (this.#link === 'ready' && !(error instanceof LinkLost)) {
        this.#commandFault = (error as Error).message;
        this.#update();
        this.#schedulePoll(0);
      }
      throw error;
    }
  }

  /** Queues one command (one at a time on the line) and waits for its answer. */
  #send(cmd: Command): Promise<Reply> {
    const run = () =>
      new Promise<Reply>((resolve, reject) => {
        const stream = this.#stream;
        if (!stream || this.#link === 'down' || this.#link === 'closed')
          return reject(new LinkLost(`hardware controller not connected (${this.#linkProblem})`));
        const id = this.#nextId++;
        const timeout = this.#timeouts[cmd];
        const timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new Error(`controller did not answer "${cmd}" within ${timeout} ms`));
        }, timeout);
        this.#pending.set(id, { cmd, resolve, reject, timer });
        stream.write(`${JSON.stringify({ id, cmd })}\n`);
      });
    this.#inFlight++;
    const result = this.#queue.then(run, run).finally(() => this.#inFlight--);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #connect(): Promise<void> {
    if (this.#link === 'closed') return;
    this.#link = 'connecting';
    let stream: Duplex;
    try {
      stream = await this.#open();
    } catch (error) {
      return this.#lost((error as Error).message);
    }
    if (this.#isClosed()) {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    createInterface({ input: stream }).on('line', (line) => {
      if (this.#stream === stream) this.#onLine(line);
    });
    stream.on('error', (error) => {
      if (this.#stream === stream) this.#lost(`serial line error: ${error.message}`);
    });
    stream.on('close', () => {
      if (this.#stream === stream) this.#lost('serial line closed (cable or controller gone)');
    });
    await this.#handshake(stream);
  }

  /** hello (repeated while a resetting board boots), a protocol check, then status. */
  async #handshake(stream: Duplex): Promise<void> {
    const deadline = Date.now() + this.#bootMs;
    let hello: Reply | undefined;
    while (!hello && this.#stream === stream) {
      try {
        hello = await this.#send('hello');
      } catch (error) {
        if (error instanceof LinkLost || this.#stream !== stream) return;
        if (Date.now() >= deadline)
          return this.#lost(
            `the controller did not answer hello within ${this.#bootMs} ms: ${(error as Error).message}`,
          );
      }
    }
    if (!hello || this.#stream !== stream) return;
    if (hello.protocol !== PROTOCOL_VERSION) {
      return this.#lost(
        `the controller speaks protocol ${hello.protocol ?? 'unknown'}; this kiosk speaks ${PROTOCOL_VERSION}: update the controller firmware`,
      );
    }
    try {
      await this.#send('status');
    } catch (error) {
      if (this.#stream === stream) this.#lost(`the controller did not report its status: ${(error as Error).message}`);
      return;
    }
    this.#firmware = hello.firmware;
    this.#link = 'ready';
    this.#backoff = this.#reopenMs[0];
    this.#commandFault = undefined;
    this.#silentPolls = 0;
    this.#log.info(`controller connected: ${hello.firmware ?? 'firmware unnamed'}, protocol ${hello.protocol}`);
    this.#update();
    this.#schedulePoll();
  }

  /** The line is gone (or useless): fail what waits, report, and reopen after the back-off. */
  #lost(problem: string): void {
    if (this.#link === 'closed') return;
    const wasReady = this.#link === 'ready';
    this.#link = 'down';
    this.#linkProblem = problem;
    const stream = this.#stream;
    this.#stream = undefined;
    this.#failAll(new LinkLost(`hardware controller lost: ${problem}`));
    stream?.destroy();
    if (wasReady || this.#health.ok) this.#log.error(`hardware controller lost: ${problem}; reopening`);
    this.#update();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, this.#reopenMs[1]);
  }

  #isClosed(): boolean {
    return this.#link === 'closed';
  }

  #schedulePoll(delay = this.#health.ok ? this.#pollMs[0] : this.#pollMs[1]): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#poll(), delay);
  }

  /** Status now and then: a fault reported clear ends the out-of-service; two silent polls reopen the line. */
  async #poll(): Promise<void> {
    if (this.#link !== 'ready') return;
    if (this.#inFlight > 0) return this.#schedulePoll(this.#pollMs[1]);
    try {
      await this.#send('status');
      this.#silentPolls = 0;
      if (this.#commandFault && !this.#status?.fault && this.#status?.door !== 'jammed') {
        this.#log.info(`the controller reports healthy again (was: ${this.#commandFault})`);
        this.#commandFault = undefined;
        this.#update();
      }
    } catch (error) {
      if (error instanceof LinkLost || this.#link !== 'ready') return;
      if (++this.#silentPolls >= 2) return this.#lost(`the controller stopped answering: ${(error as Error).message}`);
    }
    if (this.#link === 'ready') this.#schedulePoll();
  }

  #onLine(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.#log.warn(`ignored a line from the controller that is not JSON: ${text.slice(0, 120)}`);
    }
    const parsed = ControllerLine.safeParse(raw);
    if (!parsed.success) return this.#log.warn(`ignored an unknown controller message: ${text.slice(0, 120)}`);
    const message = parsed.data;
    if ('event' in message) {
      if (message.event === 'status') {
        this.#status = message;
        // A board that reports faults and now reports none is healthy again.
        if (message.fault === null && message.door !== 'jammed') this.#commandFault = undefined;
        this.#update();
      } else if (this.#link === 'ready' && this.#stream) {
        // The board rebooted under us (brown-out, watchdog): what was in flight is lost; say hello again.
        this.#log.warn('the controller restarted; connecting again');
        this.#link = 'connecting';
        this.#failAll(new LinkLost('the controller restarted'));
        this.#update();
        void this.#handshake(this.#stream);
      }
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message);
    else
      pending.reject(
        new Error(`controller refused "${pending.cmd}": ${describeCode(message.error ?? 'no reason given')}`),
      );
  }

  /** Recomputes health and tells listeners when it changed. */
  #update(): void {
    const fault = this.#status?.fault ?? (this.#status?.door === 'jammed' ? 'door_jammed' : null);
    const next: HardwareHealth =
      this.#link !== 'ready'
        ? { ok: false, reason: `hardware controller not connected: ${this.#linkProblem}` }
        : fault
          ? { ok: false, reason: `hardware fault: ${describeCode(fault)}` }
          : this.#commandFault
            ? { ok: false, reason: `hardware fault: ${this.#commandFault}` }
            : { ok: true };
    const prev = this.#health;
    const same = next.ok ? prev.ok : !prev.ok && prev.reason === next.reason;
    this.#health = next;
    if (same) return;
    for (const listener of this.#listeners) listener(next);
  }

  #failAll(error: Error): void {
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.#pending.delete(id);
    }
  }
}

/** Opens the real serial port; rejects naming the path and what to check. */
export function serialPortOpener(path: string, baudRate: number): () => Promise<Duplex> {
  return () =>
    new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      port.open((error) =>
        error
          ? reject(new Error(`cannot open ${path}: ${error.message}; check hardware.serialPath and the cable`))
          : resolve(port),
      );
    });
}
