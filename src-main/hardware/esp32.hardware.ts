import type { Duplex } from 'node:stream';
import type { Logger } from '../log/logger';
import { classifyEsp32Line, ESP32_BOOT_MS, ESP32_REPLIES, ESP32_TIMEOUT_MS, type Esp32Command } from './esp32-dialect';
import type { Hardware, HardwarePart } from './hardware';
import { LineController, LinkLost, type LineControllerOptions } from './line-controller';

export interface Esp32HardwareOptions extends LineControllerOptions {
  /** Per-command ACK timeouts (ms); the dialect's by default. */
  readonly timeouts?: Partial<Record<Esp32Command, number>>;
  /** How long PING_RPI is repeated after the port opens, for a board that resets on open (ms). */
  readonly bootMs?: number;
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

/** What each maintenance test runs: the firmware's own pairs of actions. */
const PART_TESTS: Record<HardwarePart, readonly Esp32Command[]> = {
  door: ['SLOT_OPEN', 'SLOT_CLOSE'],
  led: ['INTERNAL_LIGHT_ON', 'INTERNAL_LIGHT_OFF'],
  conveyor: ['SORT_VALID_ITEM', 'RETURN_REJECTED_ITEM'],
  sensors: ['PING_RPI'],
};

/**
 * The ecosystem's ESP32 controller (vnot01/rvm_app_esp32, esp32-dialect.ts) on a serial line, in that
 * firmware's words: PING_RPI until PONG_ESP32, one command in flight, each answered by its exact ACK
 * line; log lines and anything else on the UART are ignored. The firmware reports no status, so health
 * is the link plus the last command: a timeout or an unknown-command answer is a fault until the next
 * acknowledged command or PING_RPI clears it. The link itself is LineController's.
 */
export class Esp32Hardware extends LineController implements Hardware {
  readonly #timeouts: Record<Esp32Command, number>;
  readonly #bootMs: number;
  readonly #faultedProbeMs: number;
  #pending: Pending | undefined;

  constructor(open: () => Promise<Duplex>, logger: Logger, options: Esp32HardwareOptions = {}) {
    super(open, logger, options);
    this.#timeouts = { ...ESP32_TIMEOUT_MS, ...options.timeouts };
    this.#bootMs = options.bootMs ?? ESP32_BOOT_MS;
    this.#faultedProbeMs = options.probeMs?.[1] ?? 1_000;
    this.start();
  }

  acceptItem = (): Promise<void> => this.#command('SORT_VALID_ITEM');
  returnItem = (): Promise<void> => this.#command('RETURN_REJECTED_ITEM');
  /** The firmware has no bin sensor: nothing to reset (the level stays unknown, reported as 0). */
  resetBin = async (): Promise<void> => undefined;
  /** Unknown: rvm_app_esp32 reports no bin level, so bin_full never comes from this board. */
  binLevelPercent = (): number => 0;
  /** The firmware has no scale. */
  weightG = (): number | null => null;

  test = async (part: HardwarePart): Promise<string> => {
    const steps = PART_TESTS[part];
    for (const step of steps) await this.#command(step);
    const done = steps.map((step) => `${step} → ${ESP32_REPLIES[step]}`).join(', ');
    return part === 'sensors'
      ? `ESP32 controller answers (${done}); rvm_app_esp32 has no bin-level or weight sensor`
      : `ESP32 controller ok: ${done}`;
  };

  /** A failure is a fault until the next acknowledged command or probe. */
  async #command(command: Esp32Command): Promise<void> {
    await this.command(() => this.#send(command), this.#faultedProbeMs);
    this.healed(`acknowledged ${command}`);
  }

  /** Queues one command (the firmware reads one per 100 ms window) and waits for its exact ACK. */
  #send(command: Esp32Command): Promise<void> {
    return this.enqueue(
      (stream) =>
        new Promise<void>((resolve, reject) => {
          const ack = ESP32_REPLIES[command];
          const timeout = this.#timeouts[command];
          const pending: Pending = {
            command,
            ack,
            heard: [],
            resolve,
            reject,
            cancelTimer: this.clock.after(timeout, () => {
              if (this.#pending !== pending) return;
              this.#pending = undefined;
              const heard = pending.heard.length ? ` (heard ${pending.heard.join(', ')} instead)` : '';
              reject(
                new Error(`ESP32 controller did not answer "${command}" with ${ack} within ${timeout} ms${heard}`),
              );
            }),
          };
          this.#pending = pending;
          stream.write(`${command}\n`);
        }),
    );
  }

  /** PING_RPI until PONG_ESP32 (a board reset by the port opening boots first), then ready. */
  protected async handshake(stream: Duplex): Promise<void> {
    const deadline = this.clock.now() + this.#bootMs;
    for (;;) {
      try {
        await this.#send('PING_RPI');
        break;
      } catch (error) {
        if (error instanceof LinkLost || this.stream !== stream) return;
        if (this.clock.now() >= deadline)
          return this.lost(
            `the ESP32 controller did not answer PING_RPI within ${this.#bootMs} ms: ${(error as Error).message}`,
          );
        // An early answer (UNKNOWN_CMD_ESP for bytes from before boot): try again shortly, not at once.
        await new Promise<void>((resolve) => this.clock.after(250, resolve));
        if (this.stream !== stream) return;
      }
    }
    if (this.stream !== stream) return;
    this.connected('ESP32 controller connected (rvm_app_esp32: PING_RPI answered PONG_ESP32)');
  }

  /** PING_RPI: an answer clears a failed command's fault. */
  protected async probe(): Promise<void> {
    await this.#send('PING_RPI');
    this.healed('acknowledged PING_RPI');
  }

  protected onLine(raw: string): void {
    const line = classifyEsp32Line(raw);
    const pending = this.#pending;
    switch (line.kind) {
      case 'reply':
        if (pending?.ack === line.text) return this.#settle(pending);
        this.log.warn(`ignored ${line.text} from the ESP32 controller (a late answer to an earlier command)`);
        pending?.heard.push(line.text);
        return;
      case 'unknown-command':
        if (!pending) return this.log.warn(`the ESP32 controller answered ${line.text} to no command`);
        return this.#settle(
          pending,
          new Error(
            `ESP32 controller does not know "${pending.command}": it answered ${line.text} (is rvm_app_esp32 v0.5 flashed?)`,
          ),
        );
      case 'reset':
        return this.log.warn(`the ESP32 controller restarted (${line.text})`);
      case 'log':
        // The firmware's own log output shares the UART; its errors are worth keeping.
        if (line.level === 'E') this.log.warn(`ESP32 controller log: ${line.text}`);
        else this.log.debug(`ESP32 controller log: ${line.text}`);
        return;
      case 'noise':
        if (line.text) this.log.debug(`ignored a line from the ESP32 controller: ${line.text.slice(0, 120)}`);
    }
  }

  #settle(pending: Pending, error?: Error): void {
    this.#pending = undefined;
    pending.cancelTimer();
    if (error) pending.reject(error);
    else pending.resolve();
  }

  protected failPending(error: Error): void {
    const pending = this.#pending;
    if (pending) this.#settle(pending, error);
  }
}
