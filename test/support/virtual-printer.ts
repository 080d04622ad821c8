// A virtual ESC/POS receipt printer for tests: it keeps every byte it is sent and answers the real-time
// status requests (DLE EOT 1, 2, 3, 4) from a state the test changes. Two front ends: a TCP listener
// (a network printer) and a pseudo-terminal pair made by socat (a serial printer, or a device file).
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ptyPair } from '../../src-main/hardware/pty-pair';
import { decodeEscPos, type DecodedEscPos } from './escpos-decode';

export interface VirtualPrinterState {
  paper: 'ok' | 'low' | 'out';
  coverOpen: boolean;
  offline: boolean;
  /** The printer reports an error (DLE EOT 2 bit 6). */
  error: boolean;
  /** Answers no status request (switched off, wrong baud rate). */
  silent: boolean;
  /** The roll runs out once this many print bytes have arrived (status says paper out from then on). */
  paperOutAfterBytes?: number;
}

type Reply = (bytes: Uint8Array) => void;

export class VirtualPrinter {
  readonly state: VirtualPrinterState;
  #printed: number[] = [];
  readonly #requests: number[] = [];
  #carry: number[] = [];
  #waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  constructor(state: Partial<VirtualPrinterState> = {}) {
    this.state = { paper: 'ok', coverOpen: false, offline: false, error: false, silent: false, ...state };
  }

  /** Print data received so far (status requests left out). */
  get printed(): Uint8Array {
    return Uint8Array.from(this.#printed);
  }

  /** The n of each DLE EOT n received, in order. */
  get statusRequests(): readonly number[] {
    return this.#requests;
  }

  decode(): DecodedEscPos {
    return decodeEscPos(this.printed);
  }

  /** Forgets what was printed (the status requests too). */
  clear(): void {
    this.#printed = [];
    this.#requests.length = 0;
  }

  /** Resolves once at least `bytes` print bytes have arrived in all. */
  received(bytes: number): Promise<void> {
    return this.#until(() => this.#printed.length >= bytes);
  }

  /** Resolves once the paper has been cut `count` times in all. */
  waitForCut(count = 1): Promise<void> {
    return this.#until(() => this.decode().cuts >= count);
  }

  waitForStatusRequests(count: number): Promise<void> {
    return this.#until(() => this.#requests.length >= count);
  }

  /** One chunk from the host; `reply` sends bytes back the same way. */
  receive(chunk: Uint8Array, reply: Reply): void {
    const bytes = [...this.#carry, ...chunk];
    this.#carry = [];
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x10 && (i + 1 >= bytes.length || bytes[i + 1] === 0x04)) {
        if (i + 2 >= bytes.length) {
          this.#carry = bytes.slice(i); // the rest of DLE EOT n comes in the next chunk
          break;
        }
        this.#answer(bytes[i + 2]!, reply);
        i += 2;
      } else {
        this.#printed.push(bytes[i]!);
      }
    }
    const limit = this.state.paperOutAfterBytes;
    if (limit !== undefined && this.#printed.length >= limit) {
      this.state.paper = 'out';
      this.state.paperOutAfterBytes = undefined;
    }
    this.#wake();
  }

  /** The answer byte to DLE EOT n in the current state (fixed bits 1 and 4 set). */
  statusByte(n: number): number {
    const s = this.state;
    const out = s.paper === 'out';
    switch (n) {
      case 1:
        return 0x12 | (s.offline || s.coverOpen || out || s.error ? 0x08 : 0);
      case 2:
        return 0x12 | (s.coverOpen ? 0x04 : 0) | (out ? 0x20 : 0) | (s.error ? 0x40 : 0);
      case 4:
        return 0x12 | (s.paper !== 'ok' ? 0x0c : 0) | (out ? 0x60 : 0);
      default:
        return 0x12;
    }
  }

  #answer(n: number, reply: Reply): void {
    this.#requests.push(n);
    if (!this.state.silent) reply(Uint8Array.of(this.statusByte(n)));
  }

  #until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ check, resolve }));
  }

  #wake(): void {
    const ready = this.#waiters.filter((w) => w.check());
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

export interface TcpPrinter {
  readonly printer: VirtualPrinter;
  readonly port: number;
  /** Closes the listener and drops its connections: the port refuses connections. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A network printer on 127.0.0.1 (a port the system picks). */
export async function startTcpPrinter(state: Partial<VirtualPrinterState> = {}): Promise<TcpPrinter> {
  const printer = new VirtualPrinter(state);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = async (port: number): Promise<number> => {
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => printer.receive(chunk, (bytes) => socket.write(bytes)));
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    server = s;
    return (s.address() as { port: number }).port;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise((resolve) => s.close(resolve));
  };
  const port = await listen(0);
  const restart = async () => {
    await listen(port);
  };
  return { printer, port, stop, restart, close: stop };
}

export interface PtyPrinter {
  readonly printer: VirtualPrinter;
  /** The host's end: what the kiosk opens (printer.device). */
  readonly path: string;
  close(): Promise<void>;
}

/**
 * A printer behind a pseudo-terminal pair made by socat: `<dir>/host` is the kiosk's end (opened as a
 * serial port, or as a device file like /dev/usb/lp0), `<dir>/host.sim` is the virtual printer's.
 */
export async function startPtyPrinter(dir: string, state: Partial<VirtualPrinterState> = {}): Promise<PtyPrinter> {
  const printer = new VirtualPrinter(state);
  const pair = ptyPair(join(dir, 'host'), 19200);
  const port = await pair.plug();
  port.on('data', (chunk: Buffer) => printer.receive(chunk, (bytes) => port.write(bytes)));
  port.on('error', () => undefined);
  return { printer, path: pair.path, close: pair.unplug };
}
