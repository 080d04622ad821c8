import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { PrinterPort } from './printer-port';

/** How often a non-blocking device is asked again for an answer byte or for room to write. */
const POLL_MS = 10;

/**
 * A USB printer's device file (/dev/usb/lp0, the usblp driver), opened read/write and non-blocking:
 * a blocking read of a printer that never answers would hold one of libuv's few threads for ever,
 * so an empty read (EAGAIN) means "no byte yet" and is asked again until the timeout. The same
 * device (or a pseudo-terminal in tests) is opened again on the next call after an error.
 */
export class DevicePrinterPort implements PrinterPort {
  readonly #path: string;
  readonly #writeTimeoutMs: number;
  #file: FileHandle | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(path: string, writeTimeoutMs: number) {
    this.#path = path;
    this.#writeTimeoutMs = writeTimeoutMs;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#serial(() => this.#guard((file) => this.#writeAll(file, bytes)));
  }

  request(bytes: Uint8Array, timeoutMs: number): Promise<number | null> {
    const ask = () =>
      this.#guard(async (file) => {
        await this.#drain(file);
        await this.#writeAll(file, bytes);
        return this.#readByte(file, timeoutMs);
      });
    return this.#serial(async () => {
      const reused = this.#file !== undefined;
      try {
        return await ask();
      } catch (error) {
        // A printer switched off and on again is a new device: the old handle fails once, a new one works.
        if (!reused) throw error;
        return ask();
      }
    });
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close().catch(() => undefined);
  }

  /** Runs fn on the open device; any failure closes it (the next call opens it again) and says what to do. */
  async #guard<T>(fn: (file: FileHandle) => Promise<T>): Promise<T> {
    const file = await this.#open();
    try {
      return await fn(file);
    } catch (error) {
      await this.close();
      throw error instanceof DeviceError ? error : new Error(this.#explain(error), { cause: error });
    }
  }

  async #open(): Promise<FileHandle> {
    if (this.#file) return this.#file;
    try {
      this.#file = await open(this.#path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
      return this.#file;
    } catch (error) {
      throw new Error(this.#explain(error), { cause: error });
    }
  }

  async #writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
    const until = Date.now() + this.#writeTimeoutMs;
    let offset = 0;
    while (offset < bytes.length) {
      const written = await nonBlocking(() => file.write(bytes, offset, bytes.length - offset, null));
      if (written !== null) offset += written.bytesWritten;
      else if (Date.now() > until) {
        throw new DeviceError(
          `the printer on ${this.#path} took no data for ${this.#writeTimeoutMs / 1000} s: paper jammed or out? check the printer`,
        );
      } else await delay(POLL_MS);
    }
  }

  /** Drops bytes nobody asked for (a late answer to an earlier request). */
  async #drain(file: FileHandle): Promise<void> {
    const buffer = Buffer.alloc(64);
    for (let i = 0; i < 16; i++) {
      const read = await nonBlocking(() => file.read(buffer, 0, buffer.length, null));
      if (read === null || read.bytesRead === 0) return;
    }
  }

  async #readByte(file: FileHandle, timeoutMs: number): Promise<number | null> {
    const until = Date.now() + timeoutMs;
    const buffer = Buffer.alloc(1);
    for (;;) {
      const read = await nonBlocking(() => file.read(buffer, 0, 1, null));
      if (read !== null && read.bytesRead > 0) return buffer[0]!;
      if (Date.now() >= until) return null;
      await delay(POLL_MS);
    }
  }

  #explain(error: unknown): string {
    const code = (error as NodeJS.ErrnoException)?.code;
    const path = this.#path;
    switch (code) {
      case 'ENOENT':
      case 'ENODEV':
      case 'ENXIO':
        return `the printer ${path} is not there (${code}): check the USB cable and that the printer is on, and printer.device`;
      case 'EACCES':
      case 'EPERM':
        return `no permission to open the printer ${path} (${code}): add the kiosk's user to the lp group`;
      case 'EBUSY':
        return `the printer ${path} is in use by another program (${code}), e.g. CUPS: stop it or remove the printer there`;
      default:
        return `the printer ${path} failed (${code ?? (error instanceof Error ? error.message : String(error))}): check the USB cable and that the printer is on`;
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

/** A failure whose message is already complete. */
class DeviceError extends Error {}

/** The call's result, or null when the device has nothing to give or no room yet (EAGAIN). */
async function nonBlocking<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return null;
    throw error;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
