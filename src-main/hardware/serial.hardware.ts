import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import type { Logger } from '../log/logger';
import type { Hardware, HardwarePart } from './hardware';

/** Replies carry the id of the command; status lines come unasked (and answer "status"). */
const ControllerLine = z.union([
  z.object({ id: z.number().int(), ok: z.boolean(), error: z.string().optional() }),
  z.object({
    event: z.literal('status'),
    binPercent: z.number().min(0).max(100),
    weightG: z.number().nonnegative().nullable().optional(),
    door: z.enum(['open', 'closed', 'jammed']).optional(),
  }),
]);

export type Command = 'accept' | 'return' | 'status' | 'reset_bin' | `test_${HardwarePart}`;
const COMMAND_TIMEOUT_MS = 5000;

/**
 * A microcontroller on a serial line speaking newline-delimited JSON (message set in README.md).
 * Works over any byte stream, so the protocol is the same for a USB serial port and a test pipe.
 */
export class SerialHardware implements Hardware {
  readonly #stream: Duplex;
  readonly #log: Logger;
  readonly #pending = new Map<number, { resolve(): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  #nextId = 1;
  #bin = 0;
  #weight: number | null = null;

  constructor(
    stream: Duplex,
    logger: Logger,
    private readonly timeoutMs = COMMAND_TIMEOUT_MS,
  ) {
    this.#stream = stream;
    this.#log = logger.scope('hardware');
    createInterface({ input: stream }).on('line', (line) => this.#onLine(line));
    stream.on('error', (error) => this.#failAll(new Error(`serial line error: ${error.message}`)));
    stream.on('close', () => this.#failAll(new Error('serial line closed')));
  }

  acceptItem = (): Promise<void> => this.send('accept');
  returnItem = (): Promise<void> => this.send('return');
  resetBin = (): Promise<void> => this.send('reset_bin');
  test = async (part: HardwarePart): Promise<string> => {
    await this.send(`test_${part}`);
    return part === 'sensors'
      ? `controller ok: bin ${this.#bin.toFixed(0)} %, scale ${this.#weight === null ? 'none' : `${this.#weight} g`}`
      : `controller ok: ${part} test done`;
  };
  binLevelPercent = (): number => this.#bin;
  weightG = (): number | null => this.#weight;

  /** Sends one command and waits for its reply; a silent or failing controller rejects. */
  send(cmd: Command): Promise<void> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`controller did not answer "${cmd}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#stream.write(`${JSON.stringify({ id, cmd })}\n`);
    });
  }

  close(): void {
    this.#failAll(new Error('hardware closed'));
    this.#stream.destroy();
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
      this.#bin = message.binPercent;
      this.#weight = message.weightG ?? null;
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve();
    else pending.reject(new Error(`controller refused: ${message.error ?? 'no reason given'}`));
  }

  #failAll(error: Error): void {
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.#pending.delete(id);
    }
  }
}

const openError = (path: string, error: Error) =>
  new Error(
    `cannot open the hardware controller at ${path}: ${error.message}; check hardware.serialPath and the cable`,
  );

/**
 * The real serial port, opened in the background: commands before it is open wait in the port's
 * queue; a port that cannot be opened is reported through `onFault` (the kiosk goes out of service).
 */
export function connectSerialHardware(
  path: string,
  baudRate: number,
  logger: Logger,
  onFault: (reason: string) => void,
): SerialHardware {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  port.open((error) => {
    if (error) onFault(openError(path, error).message);
  });
  return new SerialHardware(port, logger);
}

/** Opens the real serial port; resolves once it is open and answers, or rejects naming the path. */
export async function openSerialHardware(path: string, baudRate: number, logger: Logger): Promise<SerialHardware> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(openError(path, error)) : resolve())),
  );
  const hardware = new SerialHardware(port, logger);
  await hardware.send('status');
  return hardware;
}
