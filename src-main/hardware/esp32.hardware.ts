import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { systemClock, type Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { classifyEsp32Line, ESP32_BOOT_MS, ESP32_REPLIES, ESP32_TIMEOUT_MS, type Esp32Command } from './esp32-dialect';
import type { Hardware, HardwareHealth, HardwarePart } from './hardware';

export interface Esp32HardwareOptions {
  /** Per-command ACK timeouts (ms); the dialect's by default. */
  readonly timeouts?: Partial<Record<Esp32Command, number>>;
  /** How long PING_RPI is repeated after the port opens, for a board that resets on open (ms). */
  readonly bootMs?: number;
  /** Reopen back-off after the line is lost: first and longest wait (ms). */
  readonly reopenMs?: readonly [first: number, max: number];
  /** PING_RPI period while healthy, and while a failed command waits to be cleared (ms). */
  readonly probeMs?: readonly [healthy: number, faulted: number];
  /** Whether the device node is still there; checked twice a second (a hung-up PTY reports nothing). */
  readonly present?: () => boolean;
  readonly clock?: Clock;
}

type Pending = {
  readonly command: Esp32Command;
  readonly ack: string;
  /** Other known replies heard meanwhile (late answers to earlier commands), for the timeout message. */
  readonly heard: string[];
  resolve(): void;
  reject(error: Error): void;
  cancelTimer(): void;
};

/** The line is gone or useless: the link is torn down and reopened. */
class LinkLost extends Error {}

/** What each maintenance test runs: the firmware's own pairs of actions. */
const PART_TESTS: Record<HardwarePart, readonly Esp32Command[]> = {
  door: ['SLOT_OPEN', 'SLOT_CLOSE'],
  led: ['INTERNAL_LIGHT_ON', 'INTERNAL_LIGHT_OFF'],
  conveyor: ['SORT_VALID_ITEM', 'RETURN_REJECTED_ITEM'],
  sensors: ['PING_RPI'],
};

/**
 * The ecosystem's ESP32 controller (vnot01/rvm_app_esp32, esp32-dialect.ts) on a serial line. The same
 * duties as SerialHardware, in that firmware's words: open, PING_RPI until PONG_ESP32, one command in
 * flight, each answered by its exact ACK line; log lines and anything else on the UART are ignored.
 * The firmware reports no status, so health is the link plus the last command: a timeout or an unknown-
 * command answer is a fault until the next acknowledged command or PING_RPI clears it. Two unanswered
 * probes, a closed port or a vanished device reopen the line with back-off.
 */
export class Esp32Hardware implements Hardware {
  readonly #open: () => Promise<Duplex>;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #timeouts: Record<Esp32Command, number>;
  readonly #bootMs: number;
  readonly #reopenMs: readonly [number, number];
  readonly #probeMs: readonly [number, number];
  readonly #listeners = new Set<(health: HardwareHealth) => void>();
  #stream: Duplex | undefined;
  #link: 'connecting' | 'ready' | 'down' | 'closed' = 'connecting';
  #linkProblem = 'connecting';
  #commandFault: string | undefined;
  #health: HardwareHealth = { ok: false, reason: 'hardware controller not connected: connecting' };
  #pending: Pending | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #backoff: number;
  #cancelTimer: () => void = () => undefined;
  #silentProbes = 0;
  readonly #cancelPresence: () => void;

  constructor(open: () => Promise<Duplex>, logger: Logger, options: Esp32HardwareOptions = {}) {
    this.#open = open;
    this.#log = logger.scope('hardware');
    this.#clock = options.clock ?? systemClock;
    this.#timeouts = { ...ESP32_TIMEOUT_MS, ...options.timeouts };
    this.#bootMs = options.bootMs ?? ESP32_BOOT_MS;
    this.#reopenMs = options.reopenMs ?? [500, 5_000];
    this.#probeMs = options.probeMs ?? [2_000, 1_000];
    this.#backoff = this.#reopenMs[0];
    const present = options.present;
    this.#cancelPresence = present
      ? this.#clock.every(500, () => {
          if (this.#stream && !present()) this.#lost('the device disappeared (cable unplugged or controller off)');
        })
      : () => undefined;
    void this.#connect();
  }

  acceptItem = (): Promise<void> => this.#command('SORT_VALID_ITEM');
  returnItem = (): Promise<void> => this.#command('RETURN_REJECTED_ITEM');
  /** The firmware has no bin sensor: nothing to reset (the level stays unknown, reported as 0). */
  resetBin = async (): Promise<void> => undefined;
  /** Unknown: rvm_app_esp32 reports no bin level, so bin_full never comes from this board. */
  binLevelPercent = (): number => 0;
  /** The firmware has no scale. */
  weightG = (): number | null => null;
  health = (): HardwareHealth => this.#health;

  test = async (part: HardwarePart): Promise<string> => {
    const steps = PART_TESTS[part];
    for (const step of steps) await this.#command(step);
    const done = steps.map((step) => `${step} → ${ESP32_REPLIES[step]}`).join(', ');
    return part === 'sensors'
      ? `ESP32 controller answers (${done}); rvm_app_esp32 has no bin-level or weight sensor`
      : `ESP32 controller ok: ${done}`;
  };

  onHealth(listener: (health: HardwareHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#link = 'closed';
    this.#cancelTimer();
    this.#cancelPresence();
    this.#failPending(new Error('hardware closed'));
    this.#stream?.destroy();
  }

  /** A machine command: refused at once while the link is down; a failure is a fault until a success. */
  async #command(command: Esp32Command): Promise<void> {
    if (this.#link !== 'ready') throw new Error(`hardware controller not connected (${this.#linkProblem})`);
    try {
      await this.#send(command);
    } catch (error) {
      if (this.#link === 'ready' && !(error instanceof LinkLost)) {
        this.#commandFault = (error as Error).message;
        this.#update();
        this.#scheduleProbe(this.#probeMs[1]);
      }
      throw error;
    }
    this.#healed(command);
  }

  /** Queues one command (the firmware reads one per 100 ms window) and waits for its exact ACK. */
  #send(command: Esp32Command): Promise<void> {
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const stream = this.#stream;
        if (!stream || this.#link === 'down' || this.#link === 'closed')
          return reject(new LinkLost(`hardware controller not connected (${this.#linkProblem})`));
        const ack = ESP32_REPLIES[command];
        const timeout = this.#timeouts[command];
        const pending: Pending = {
          command,
          ack,
          heard: [],
          resolve,
          reject,
          cancelTimer: this.#clock.after(timeout, () => {
            if (this.#pending !== pending) return;
            this.#pending = undefined;
            const heard = pending.heard.length ? ` (heard ${pending.heard.join(', ')} instead)` : '';
            reject(new Error(`ESP32 controller did not answer "${command}" with ${ack} within ${timeout} ms${heard}`));
          }),
        };
        this.#pending = pending;
        stream.write(`${command}\n`);
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
    // readline ends a line at LF, CRLF or CR, and keeps a partial line until the rest arrives.
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

  /** PING_RPI until PONG_ESP32 (a board reset by the port opening boots first), then ready. */
  async #handshake(stream: Duplex): Promise<void> {
    const deadline = this.#clock.now() + this.#bootMs;
    for (;;) {
      try {
        await this.#send('PING_RPI');
        break;
      } catch (error) {
        if (error instanceof LinkLost || this.#stream !== stream) return;
        if (this.#clock.now() >= deadline)
          return this.#lost(
            `the ESP32 controller did not answer PING_RPI within ${this.#bootMs} ms: ${(error as Error).message}`,
          );
        // An early answer (UNKNOWN_CMD_ESP for bytes from before boot): try again shortly, not at once.
        await new Promise<void>((resolve) => this.#clock.after(250, resolve));
        if (this.#stream !== stream) return;
      }
    }
    if (this.#stream !== stream) return;
    this.#link = 'ready';
    this.#backoff = this.#reopenMs[0];
    this.#commandFault = undefined;
    this.#silentProbes = 0;
    this.#log.info('ESP32 controller connected (rvm_app_esp32: PING_RPI answered PONG_ESP32)');
    this.#update();
    this.#scheduleProbe();
  }

  /** The line is gone (or useless): fail what waits, report, and reopen after the back-off. */
  #lost(problem: string): void {
    if (this.#link === 'closed') return;
    const wasReady = this.#link === 'ready';
    this.#link = 'down';
    this.#linkProblem = problem;
    const stream = this.#stream;
    this.#stream = undefined;
    this.#failPending(new LinkLost(`hardware controller lost: ${problem}`));
    stream?.destroy();
    if (wasReady || this.#health.ok) this.#log.error(`hardware controller lost: ${problem}; reopening`);
    this.#update();
    this.#cancelTimer();
    this.#cancelTimer = this.#clock.after(this.#backoff, () => void this.#connect());
    this.#backoff = Math.min(this.#backoff * 2, this.#reopenMs[1]);
  }

  /** A method, so the check is made again after an await (close() may have run meanwhile). */
  #isClosed(): boolean {
    return this.#link === 'closed';
  }

  #scheduleProbe(delay = this.#health.ok ? this.#probeMs[0] : this.#probeMs[1]): void {
    this.#cancelTimer();
    this.#cancelTimer = this.#clock.after(delay, () => void this.#probe());
  }

  /** PING_RPI now and then: an answer clears a failed command's fault; two silent probes reopen the line. */
  async #probe(): Promise<void> {
    if (this.#link !== 'ready') return;
    if (this.#inFlight > 0) return this.#scheduleProbe(this.#probeMs[1]);
    try {
      await this.#send('PING_RPI');
      this.#healed('PING_RPI');
    } catch (error) {
      if (error instanceof LinkLost || this.#link !== 'ready') return;
      if (++this.#silentProbes >= 2)
        return this.#lost(`the ESP32 controller stopped answering: ${(error as Error).message}`);
    }
    if (this.#link === 'ready') this.#scheduleProbe();
  }

  /** An acknowledged command: the board is answering again, so a fault from a failed one is over. */
  #healed(command: Esp32Command): void {
    this.#silentProbes = 0;
    if (!this.#commandFault) return;
    this.#log.info(`the ESP32 controller acknowledged ${command} again (was: ${this.#commandFault})`);
    this.#commandFault = undefined;
    this.#update();
  }

  #onLine(raw: string): void {
    const line = classifyEsp32Line(raw);
    const pending = this.#pending;
    switch (line.kind) {
      case 'reply':
        if (pending?.ack === line.text) return this.#settle(pending);
        this.#log.warn(`ignored ${line.text} from the ESP32 controller (a late answer to an earlier command)`);
        pending?.heard.push(line.text);
        return;
      case 'unknown-command':
        if (!pending) return this.#log.warn(`the ESP32 controller answered ${line.text} to no command`);
        return this.#settle(
          pending,
          new Error(
            `ESP32 controller does not know "${pending.command}": it answered ${line.text} (is rvm_app_esp32 v0.5 flashed?)`,
          ),
        );
      case 'reset':
        return this.#log.warn(`the ESP32 controller restarted (${line.text})`);
      case 'log':
        // The firmware's own log output shares the UART; its errors are worth keeping.
        if (line.level === 'E') this.#log.warn(`ESP32 controller log: ${line.text}`);
        else this.#log.debug(`ESP32 controller log: ${line.text}`);
        return;
      case 'noise':
        if (line.text) this.#log.debug(`ignored a line from the ESP32 controller: ${line.text.slice(0, 120)}`);
    }
  }

  #settle(pending: Pending, error?: Error): void {
    this.#pending = undefined;
    pending.cancelTimer();
    if (error) pending.reject(error);
    else pending.resolve();
  }

  /** Recomputes health and tells listeners when it changed. */
  #update(): void {
    const next: HardwareHealth =
      this.#link !== 'ready'
        ? { ok: false, reason: `hardware controller not connected: ${this.#linkProblem}` }
        : this.#commandFault
          ? { ok: false, reason: `hardware fault: ${this.#commandFault}` }
          : { ok: true };
    const prev = this.#health;
    const same = next.ok ? prev.ok : !prev.ok && prev.reason === next.reason;
    this.#health = next;
    if (same) return;
    for (const listener of this.#listeners) listener(next);
  }

  #failPending(error: Error): void {
    const pending = this.#pending;
    if (pending) this.#settle(pending, error);
  }
}
