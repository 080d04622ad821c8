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
import type { Hardware, HardwarePart } from './hardware';
import { LineController, LinkLost, type LineControllerOptions } from './line-controller';

export interface SerialHardwareOptions extends Omit<LineControllerOptions, 'probeMs'> {
  /** Per-command answer timeouts (ms); the protocol's by default. */
  readonly timeouts?: Partial<Record<Command, number>>;
  /** How long a board that resets on open may take to answer hello (ms). */
  readonly bootMs?: number;
  /** Status query period while healthy, and while a fault is waiting to clear (ms). */
  readonly pollMs?: readonly [healthy: number, faulted: number];
}

/** The controller's answer to one command (hello's carries the protocol and firmware). */
type Reply = Extract<ControllerLine, { id: number }>;
type Pending = { cmd: Command; resolve(reply: Reply): void; reject(e: Error): void; cancelTimer(): void };

/**
 * The machine's controller on a serial line (protocol: controller-protocol.ts and
 * resources/controller-protocol.md): JSON lines with ids, a hello with the protocol version, status
 * reports with the board's own faults. The link itself (reopen, one command at a time, probing, health)
 * is LineController's.
 */
export class SerialHardware extends LineController implements Hardware {
  readonly #timeouts: Record<Command, number>;
  readonly #bootMs: number;
  readonly #pending = new Map<number, Pending>();
  #status: StatusEvent | undefined;
  #firmware: string | undefined;
  #nextId = 1;

  constructor(open: () => Promise<Duplex>, logger: Logger, options: SerialHardwareOptions = {}) {
    super(open, logger, { ...options, probeMs: options.pollMs ?? [2_000, 1_000] });
    this.#timeouts = { ...COMMAND_TIMEOUT_MS, ...options.timeouts };
    this.#bootMs = options.bootMs ?? BOOT_MS;
    this.start();
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

  /** The firmware the controller named in its hello (the sensors test reports it too); undefined before. */
  firmware(): string | undefined {
    return this.#firmware;
  }

  /** A refusal or silence is a fault until a status report clears it (asked for at once). */
  async #command(cmd: Command): Promise<void> {
    await this.command(() => this.#send(cmd), 0);
  }

  /** Queues one command (one at a time on the line) and waits for its answer. */
  #send(cmd: Command): Promise<Reply> {
    return this.enqueue(
      (stream) =>
        new Promise<Reply>((resolve, reject) => {
          const id = this.#nextId++;
          const timeout = this.#timeouts[cmd];
          const cancelTimer = this.clock.after(timeout, () => {
            this.#pending.delete(id);
            reject(new Error(`controller did not answer "${cmd}" within ${timeout} ms`));
          });
          this.#pending.set(id, { cmd, resolve, reject, cancelTimer });
          stream.write(`${JSON.stringify({ id, cmd })}\n`);
        }),
    );
  }

  /** hello (repeated while a resetting board boots), a protocol check, then status. */
  protected async handshake(stream: Duplex): Promise<void> {
    const deadline = this.clock.now() + this.#bootMs;
    let hello: Reply | undefined;
    while (!hello && this.stream === stream) {
      try {
        hello = await this.#send('hello');
      } catch (error) {
        if (error instanceof LinkLost || this.stream !== stream) return;
        if (this.clock.now() >= deadline)
          return this.lost(
            `the controller did not answer hello within ${this.#bootMs} ms: ${(error as Error).message}`,
          );
      }
    }
    if (!hello || this.stream !== stream) return;
    if (hello.protocol !== PROTOCOL_VERSION) {
      return this.lost(
        `the controller speaks protocol ${hello.protocol ?? 'unknown'}; this kiosk speaks ${PROTOCOL_VERSION}: update the controller firmware`,
      );
    }
    try {
      await this.#send('status');
    } catch (error) {
      if (this.stream === stream) this.lost(`the controller did not report its status: ${(error as Error).message}`);
      return;
    }
    this.#firmware = hello.firmware;
    this.connected(`controller connected: ${hello.firmware ?? 'firmware unnamed'}, protocol ${hello.protocol}`);
  }

  /** Status: a fault reported clear ends the out-of-service. */
  protected async probe(): Promise<void> {
    await this.#send('status');
    if (this.commandFault && !this.#status?.fault && this.#status?.door !== 'jammed') this.healed('reports healthy');
  }

  protected override boardFault(): string | null {
    const fault = this.#status?.fault ?? (this.#status?.door === 'jammed' ? 'door_jammed' : null);
    return fault ? describeCode(fault) : null;
  }

  protected onLine(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.log.warn(`ignored a line from the controller that is not JSON: ${text.slice(0, 120)}`);
    }
    const parsed = ControllerLine.safeParse(raw);
    if (!parsed.success) return this.log.warn(`ignored an unknown controller message: ${text.slice(0, 120)}`);
    const message = parsed.data;
    if ('event' in message) {
      if (message.event === 'status') {
        this.#status = message;
        // A board that reports faults and now reports none is healthy again.
        if (message.fault === null && message.door !== 'jammed') this.commandFault = undefined;
        this.update();
      } else {
        // The board rebooted under us (brown-out, watchdog).
        this.restarted('the controller restarted');
      }
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    pending.cancelTimer();
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message);
    else
      pending.reject(
        new Error(`controller refused "${pending.cmd}": ${describeCode(message.error ?? 'no reason given')}`),
      );
  }

  protected failPending(error: Error): void {
    for (const [id, p] of this.#pending) {
      p.cancelTimer();
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
