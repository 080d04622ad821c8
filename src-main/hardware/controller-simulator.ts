import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { ptyPair } from './pty-pair';
import { ERROR_CODES, KioskLine, PROTOCOL_VERSION, type ErrorCode } from './controller-protocol';

/**
 * The reference controller: protocol 1 (resources/controller-protocol.md) as a firmware developer
 * would implement it, over any byte stream. Its faults are switches, so the kiosk's recovery can be
 * tried for real: refuse, stay silent, boot slowly, report a fault and clear it.
 */
export class ControllerSimulator {
  /** Every command received, in order. */
  readonly received: string[] = [];
  binPercent = 0;
  weightG: number | null = null;
  door: 'open' | 'closed' | 'jammed' = 'closed';
  /** The fault the board reports in status (null when healthy). */
  fault: string | null = null;
  /** Refuse accept and return with this code, and report it as a fault until `clear()`. */
  refuse: ErrorCode | null = null;
  /** Answer nothing at all (a hung board). */
  silent = false;
  protocol = PROTOCOL_VERSION;
  firmware = 'rvm-reference-controller 1.0.0';
  /** Each accepted item fills the bin by this many percent. */
  binStep = 0.25;
  #stream: Duplex | undefined;
  #bootedAt = 0;
  #bootMs = 0;

  /** Starts talking on `stream`; like a board that just reset, it ignores input for `bootMs`, then says ready. */
  attach(stream: Duplex, bootMs = 0): void {
    this.#stream = stream;
    this.#bootMs = bootMs;
    this.#bootedAt = Date.now();
    createInterface({ input: stream }).on('line', (line) => {
      if (this.#stream === stream) this.#onLine(line);
    });
    stream.on('error', () => undefined); // a vanished line: the simulator just stops
    if (bootMs > 0) setTimeout(() => this.reboot(), bootMs).unref();
    else this.reboot();
  }

  /** Sends the status line unasked (as a board does whenever something changes). */
  report(): void {
    this.#send({
      event: 'status',
      binPercent: this.binPercent,
      weightG: this.weightG,
      door: this.door,
      fault: this.fault,
    });
  }

  /** The board restarts by itself (brown-out, watchdog): it says ready again. */
  reboot(): void {
    this.#send({ event: 'ready', protocol: this.protocol, firmware: this.firmware });
  }

  /** A technician cleared the jam: healthy again, and says so. */
  clear(): void {
    this.refuse = null;
    this.fault = null;
    this.door = 'closed';
    this.report();
  }

  #onLine(text: string): void {
    if (this.silent || Date.now() - this.#bootedAt < this.#bootMs) return;
    let parsed;
    try {
      parsed = KioskLine.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) return this.#send({ id: 0, ok: false, error: 'bad_request' });
    const { id, cmd } = parsed.data;
    this.received.push(cmd);
    const ok = () => this.#send({ id, ok: true });
    const refuse = (code: ErrorCode) => this.#send({ id, ok: false, error: code });
    switch (cmd) {
      case 'hello':
        return this.#send({ id, ok: true, protocol: this.protocol, firmware: this.firmware });
      case 'status':
        this.report();
        return ok();
      case 'accept':
      case 'return':
        if (this.refuse) {
          this.fault = this.refuse;
          if (this.refuse === 'door_jammed') this.door = 'jammed';
          this.report();
          return refuse(this.refuse);
        }
        if (this.fault) return refuse(this.fault in ERROR_CODES ? (this.fault as ErrorCode) : 'sensor_fault');
        if (cmd === 'accept') this.binPercent = Math.min(100, this.binPercent + this.binStep);
        this.report();
        return ok();
      case 'reset_bin':
        this.binPercent = 0;
        this.report();
        return ok();
      case 'test_door':
      case 'test_conveyor':
      case 'test_led':
      case 'test_sensors':
        return this.fault ? refuse(this.fault as ErrorCode) : ok();
      default:
        return refuse('unknown_command');
    }
  }

  #send(message: object): void {
    if (this.#stream && !this.#stream.destroyed) this.#stream.write(`${JSON.stringify(message)}\n`);
  }
}

export interface PtyController {
  readonly simulator: ControllerSimulator;
  /** The device path the kiosk opens (hardware.serialPath). */
  readonly path: string;
  /** Unplugs the controller: the PTY pair goes away. */
  unplug(): Promise<void>;
  /** Plugs it back in: a new PTY pair at the same path, and the board boots (bootMs). */
  plug(bootMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The simulator behind a real pseudo-terminal made by socat: the kiosk opens `path` exactly as it
 * opens /dev/ttyUSB0. `path.sim` is the simulator's end.
 */
export async function startPtyController(path: string, bootMs = 0): Promise<PtyController> {
  const simulator = new ControllerSimulator();
  const pair = ptyPair(path, 115200);
  const plug = async (boot = bootMs) => simulator.attach(await pair.plug(), boot);
  await plug();
  return { simulator, path, unplug: pair.unplug, plug, stop: pair.unplug };
}
