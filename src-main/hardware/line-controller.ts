import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { systemClock, type Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import type { HardwareHealth } from './hardware';

export interface LineControllerOptions {
  /** Reopen back-off after the line is lost: first and longest wait (ms). */
  readonly reopenMs?: readonly [first: number, max: number];
  /** Probe period while healthy, and while a fault is waiting to clear (ms). */
  readonly probeMs?: readonly [healthy: number, faulted: number];
  /**
   * Whether the device is still there (its /dev node): checked twice a second, so an unplugged cable
   * is noticed even when the driver reports nothing (a hung-up pseudo-terminal, some USB adapters).
   */
  readonly present?: () => boolean;
  readonly clock?: Clock;
}

/** A line lost or a board that stopped answering: the link is torn down and reopened. */
export class LinkLost extends Error {}

/**
 * What every serial controller driver shares, whatever its dialect: it owns the link (opens it,
 * reopens with back-off whenever it goes away, notices a vanished device), sends one command at a time,
 * probes the board now and then (two silent probes reopen the line), and derives health from the link,
 * the last failed command and the dialect's own fault report, so an out-of-service reason clears itself.
 * A dialect supplies the handshake, its lines, the probe, and how commands are written and answered.
 */
export abstract class LineController {
  protected readonly log: Logger;
  protected readonly clock: Clock;
  protected stream: Duplex | undefined;
  protected link: 'connecting' | 'ready' | 'down' | 'closed' = 'connecting';
  protected linkProblem = 'connecting';
  protected commandFault: string | undefined;
  readonly #open: () => Promise<Duplex>;
  readonly #reopenMs: readonly [number, number];
  readonly #probeMs: readonly [number, number];
  readonly #listeners = new Set<(health: HardwareHealth) => void>();
  readonly #cancelPresence: () => void;
  #health: HardwareHealth = { ok: false, reason: 'hardware controller not connected: connecting' };
  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #backoff: number;
  #cancelTimer: () => void = () => undefined;
  #silentProbes = 0;

  constructor(open: () => Promise<Duplex>, logger: Logger, options: LineControllerOptions) {
    this.#open = open;
    this.log = logger.scope('hardware');
    this.clock = options.clock ?? systemClock;
    this.#reopenMs = options.reopenMs ?? [500, 5_000];
    this.#probeMs = options.probeMs ?? [2_000, 1_000];
    this.#backoff = this.#reopenMs[0];
    const present = options.present;
    this.#cancelPresence = present
      ? this.clock.every(500, () => {
          if (this.stream && !present()) this.lost('the device disappeared (cable unplugged or controller off)');
        })
      : () => undefined;
  }

  /** Says hello in the dialect's words on a new line; ends with connected() or lost(). */
  protected abstract handshake(stream: Duplex): Promise<void>;
  /** One line from the board. */
  protected abstract onLine(line: string): void;
  /** One probe (status query, ping); rejects when the board does not answer. */
  protected abstract probe(): Promise<void>;
  /** Rejects whatever waits for an answer (the line is gone or closed). */
  protected abstract failPending(error: Error): void;
  /** A fault the board itself reports (e.g. a jammed door), or null. */
  protected boardFault(): string | null {
    return null;
  }

  health = (): HardwareHealth => this.#health;

  onHealth(listener: (health: HardwareHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.link = 'closed';
    this.#cancelTimer();
    this.#cancelPresence();
    this.failPending(new Error('hardware closed'));
    this.stream?.destroy();
  }

  /** Starts the first connection (subclasses call it at the end of their constructor). */
  protected start(): void {
    void this.#connect();
  }

  /**
   * A machine command: refused at once while the link is down; a failure (refusal, silence) is a fault
   * until the board is seen healthy again, probed `probeAfterFaultMs` later.
   */
  protected async command<T>(send: () => Promise<T>, probeAfterFaultMs: number): Promise<T> {
    if (this.link !== 'ready') throw new Error(`hardware controller not connected (${this.linkProblem})`);
    try {
      return await send();
    } catch (error) {
      if (this.link === 'ready' && !(error instanceof LinkLost)) {
        this.commandFault = (error as Error).message;
        this.update();
        this.#scheduleProbe(probeAfterFaultMs);
      }
      throw error;
    }
  }

  /** Runs `write` for one command when the line is free (one at a time); rejects LinkLost when it is down. */
  protected enqueue<T>(write: (stream: Duplex) => Promise<T>): Promise<T> {
    const run = () => {
      const stream = this.stream;
      if (!stream || this.link === 'down' || this.link === 'closed')
        return Promise.reject(new LinkLost(`hardware controller not connected (${this.linkProblem})`));
      return write(stream);
    };
    this.#inFlight++;
    const result = this.#queue.then(run, run).finally(() => this.#inFlight--);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** The handshake succeeded: ready, faults forgotten, probing. */
  protected connected(message: string): void {
    this.link = 'ready';
    this.#backoff = this.#reopenMs[0];
    this.commandFault = undefined;
    this.#silentProbes = 0;
    this.log.info(message);
    this.update();
    this.#scheduleProbe();
  }

  /** The board rebooted under us: what was in flight is lost; say hello again on the same line. */
  protected restarted(why: string): void {
    if (this.link !== 'ready' || !this.stream) return;
    this.log.warn(`${why}; connecting again`);
    this.link = 'connecting';
    this.failPending(new LinkLost(why));
    this.update();
    void this.handshake(this.stream);
  }

  /** The board answered: a fault from a failed command is over (`what` names the answer, for the log). */
  protected healed(what: string): void {
    this.#silentProbes = 0;
    if (!this.commandFault) return;
    this.log.info(`the controller ${what} again (was: ${this.commandFault})`);
    this.commandFault = undefined;
    this.update();
  }

  /** The line is gone (or useless): fail what waits, report, and reopen after the back-off. */
  protected lost(problem: string): void {
    if (this.link === 'closed') return;
    const wasReady = this.link === 'ready';
    this.link = 'down';
    this.linkProblem = problem;
    const stream = this.stream;
    this.stream = undefined;
    this.failPending(new LinkLost(`hardware controller lost: ${problem}`));
    stream?.destroy();
    if (wasReady || this.#health.ok) this.log.error(`hardware controller lost: ${problem}; reopening`);
    this.update();
    this.#cancelTimer();
    this.#cancelTimer = this.clock.after(this.#backoff, () => void this.#connect());
    this.#backoff = Math.min(this.#backoff * 2, this.#reopenMs[1]);
  }

  /** Recomputes health and tells listeners when it changed. */
  protected update(): void {
    const fault = this.boardFault();
    const next: HardwareHealth =
      this.link !== 'ready'
        ? { ok: false, reason: `hardware controller not connected: ${this.linkProblem}` }
        : fault
          ? { ok: false, reason: `hardware fault: ${fault}` }
          : this.commandFault
            ? { ok: false, reason: `hardware fault: ${this.commandFault}` }
            : { ok: true };
    const prev = this.#health;
    const same = next.ok ? prev.ok : !prev.ok && prev.reason === next.reason;
    this.#health = next;
    if (same) return;
    for (const listener of this.#listeners) listener(next);
  }

  /** A method, so the check is made again after an await (close() may have run meanwhile). */
  protected isClosed(): boolean {
    return this.link === 'closed';
  }

  async #connect(): Promise<void> {
    if (this.isClosed()) return;
    this.link = 'connecting';
    let stream: Duplex;
    try {
      stream = await this.#open();
    } catch (error) {
      return this.lost((error as Error).message);
    }
    if (this.isClosed()) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    // readline ends a line at LF, CRLF or CR, and keeps a partial line until the rest arrives.
    createInterface({ input: stream }).on('line', (line) => {
      if (this.stream === stream) this.onLine(line);
    });
    stream.on('error', (error) => {
      if (this.stream === stream) this.lost(`serial line error: ${error.message}`);
    });
    stream.on('close', () => {
      if (this.stream === stream) this.lost('serial line closed (cable or controller gone)');
    });
    await this.handshake(stream);
  }

  #scheduleProbe(delay = this.#health.ok ? this.#probeMs[0] : this.#probeMs[1]): void {
    this.#cancelTimer();
    this.#cancelTimer = this.clock.after(delay, () => void this.#probeNow());
  }

  /** Probes now and then: an answer may clear a fault; two silent probes reopen the line. */
  async #probeNow(): Promise<void> {
    if (this.link !== 'ready') return;
    if (this.#inFlight > 0) return this.#scheduleProbe(this.#probeMs[1]);
    try {
      await this.probe();
      this.#silentProbes = 0;
    } catch (error) {
      if (error instanceof LinkLost || this.link !== 'ready') return;
      if (++this.#silentProbes >= 2) return this.lost(`the controller stopped answering: ${(error as Error).message}`);
    }
    if (this.link === 'ready') this.#scheduleProbe();
  }
}
