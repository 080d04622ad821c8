import { connect as connectTcp } from 'node:net';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import type { PrinterConfig } from '../config/printer.schema';
import { DevicePrinterPort } from './device-printer-port';

/**
 * A byte pipe to the printer. Calls run one at a time in the order made. A call after a failure opens
 * the connection again, so a printer switched off and on needs nothing from the caller. Failures
 * reject with an Error whose message says which printer, what happened and what to check.
 */
export interface PrinterPort {
  write(bytes: Uint8Array): Promise<void>;
  /** Sends `bytes` and resolves with the first byte answered, or null when none came within timeoutMs. */
  request(bytes: Uint8Array, timeoutMs: number): Promise<number | null>;
  close(): Promise<void>;
}

export interface PrinterPortOptions {
  /** tcp: how long a connection may take. */
  readonly connectTimeoutMs?: number;
  /** How long the printer may refuse data (buffer full, paper jammed) before a write fails. */
  readonly writeTimeoutMs?: number;
}

export type OpenPrinterPort = (config: PrinterConfig, options?: PrinterPortOptions) => PrinterPort;

const CONNECT_TIMEOUT_MS = 5_000;
const WRITE_TIMEOUT_MS = 30_000;

/** The printer as a technician reads it: "tcp printer 10.0.0.5:9100, 80 mm". */
export function describePrinter(config: PrinterConfig): string {
  const where =
    config.kind === 'tcp'
      ? `${config.host}:${config.port}`
      : config.kind === 'serial'
        ? `${config.device} at ${config.baudRate} baud`
        : config.kind === 'usb'
          ? config.device
          : '';
  return config.kind === 'none' ? 'no printer' : `${config.kind} printer ${where}, ${config.widthMm} mm`;
}

/** Opens nothing yet: the first call connects. Throws only for kind none (there is nothing to open). */
export const openPrinterPort: OpenPrinterPort = (config, options = {}) => {
  const writeTimeoutMs = options.writeTimeoutMs ?? WRITE_TIMEOUT_MS;
  switch (config.kind) {
    case 'tcp': {
      const host = config.host ?? '';
      const name = `the printer at ${host}:${config.port}`;
      const hint = 'check that it is on and on the network, and printer.host / printer.port';
      const connect = () => tcpConnection(host, config.port, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, hint);
      return new StreamPrinterPort(connect, name, hint, writeTimeoutMs);
    }
    case 'serial': {
      const device = config.device ?? '';
      const name = `the printer on ${device}`;
      const hint = 'check the cable, that the printer is on, and printer.device / printer.baudRate';
      return new StreamPrinterPort(() => serialConnection(device, config.baudRate, hint), name, hint, writeTimeoutMs);
    }
    case 'usb':
      return new DevicePrinterPort(config.device ?? '', writeTimeoutMs);
    case 'none':
      throw new Error('no printer configured (printer.kind is none)');
  }
};

function tcpConnection(host: string, port: number, timeoutMs: number, hint: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const failed = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the printer at ${host}:${port} (${reason(error)}): ${hint}`));
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      resolve(socket);
    });
  });
}

function serialConnection(device: string, baudRate: number, hint: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: device, baudRate, autoOpen: false });
    port.open((error) =>
      error ? reject(new Error(`cannot open the printer port ${device} (${reason(error)}): ${hint}`)) : resolve(port),
    );
  });
}

/** An error's code where it has one (ECONNREFUSED says more than its sentence), else its message. */
function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(error));
}

/** tcp and serial: a Duplex stream, kept open between calls and opened again after it breaks. */
class StreamPrinterPort implements PrinterPort {
  readonly #connect: () => Promise<Duplex>;
  readonly #name: string;
  readonly #hint: string;
  readonly #writeTimeoutMs: number;
  #stream: Duplex | undefined;
  /** The call in progress: its answer byte, and how it fails when the connection breaks. */
  #onByte: ((byte: number) => void) | undefined;
  #onLost: ((error: Error) => void) | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(connect: () => Promise<Duplex>, name: string, hint: string, writeTimeoutMs: number) {
    this.#connect = connect;
    this.#name = name;
    this.#hint = hint;
    this.#writeTimeoutMs = writeTimeoutMs;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#serial(async () => this.#send(await this.#open(), bytes));
  }

  request(bytes: Uint8Array, timeoutMs: number): Promise<number | null> {
    return this.#serial(async () => {
      const reused = this.#stream !== undefined;
      try {
        return await this.#ask(await this.#open(), bytes, timeoutMs);
      } catch (error) {
        // Network printers close a connection left idle: a request on a stale one is asked again on a new one.
        if (!reused) throw error;
        return this.#ask(await this.#open(), bytes, timeoutMs);
      }
    });
  }

  async close(): Promise<void> {
    if (this.#stream) this.#lost(this.#stream, 'closed');
  }

  #send(stream: Duplex, bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const end = () => {
        clearTimeout(timer);
        this.#onLost = undefined;
      };
      const timer = setTimeout(() => {
        end();
        this.#lost(stream, `it took no data for ${this.#writeTimeoutMs / 1000} s`);
        reject(new Error(`${this.#name} stopped taking data: paper jammed or out? ${this.#hint}`));
      }, this.#writeTimeoutMs);
      this.#onLost = (error) => {
        end();
        reject(error);
      };
      stream.write(bytes, (error) => {
        if (stream !== this.#stream) return; // already failed (lost or timed out)
        if (error) return this.#lost(stream, reason(error));
        end();
        resolve();
      });
    });
  }

  #ask(stream: Duplex, bytes: Uint8Array, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const end = () => {
        clearTimeout(timer);
        this.#onByte = undefined;
        this.#onLost = undefined;
      };
      const timer = setTimeout(() => {
        end();
        resolve(null);
      }, timeoutMs);
      this.#onByte = (byte) => {
        end();
        resolve(byte);
      };
      this.#onLost = (error) => {
        end();
        reject(error);
      };
      stream.write(bytes, (error) => error && this.#lost(stream, reason(error)));
    });
  }

  async #open(): Promise<Duplex> {
    if (this.#stream) return this.#stream;
    const stream = await this.#connect();
    stream.on('data', (chunk: Buffer) => {
      // Bytes nobody asked for (a late answer after a timeout) are dropped.
      if (chunk.length > 0) this.#onByte?.(chunk[0]!);
    });
    stream.on('error', (error) => this.#lost(stream, reason(error)));
    stream.on('close', () => this.#lost(stream, 'the connection closed'));
    this.#stream = stream;
    return stream;
  }

  /** Drops `stream` (if it is still the current one) and fails the call waiting on it. */
  #lost(stream: Duplex, why: string): void {
    if (stream !== this.#stream) return;
    this.#stream = undefined;
    stream.destroy();
    const onLost = this.#onLost;
    this.#onLost = undefined;
    onLost?.(new Error(`lost ${this.#name} (${why}): ${this.#hint}`));
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
