import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a frame waits for the worker: a byte range of a file in RAM. */
export interface FrameSlot {
  readonly slot: number;
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

const PREFIX = 'rvm-frames-';

/**
 * Camera frames on their way to the inference worker, through a file in RAM (/dev/shm, a tmpfs)
 * instead of the IPC message: a 320×320 RGB frame (307 KB) costs about 4 ms as a structured-cloned
 * message between processes and about 0.2 ms as a write here plus a read there. Node has no shared
 * memory between processes; this is the nearest thing that works for a forked child and for
 * Electron's utilityProcess alike. A slot is reused only after the worker has answered for it.
 */
export class FrameSlots {
  readonly #count: number;
  readonly #base: string;
  #dir: string | undefined;
  #fd: number | undefined;
  #stride = 0;
  #free: number[] = [];
  #broken = false;

  constructor(count = 4, base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()) {
    this.#count = count;
    this.#base = base;
  }

  /** Writes the frame into a free slot; undefined when none is free or RAM is full (it then travels in the message). */
  put(data: Uint8Array): FrameSlot | undefined {
    if (this.#broken) return undefined;
    try {
      this.#open(data.length);
    } catch {
      this.#broken = true; // no tmpfs to write to: every frame goes in its message, as before
      return undefined;
    }
    if (data.length > this.#stride) return undefined;
    const slot = this.#free.pop();
    if (slot === undefined) return undefined;
    try {
      writeSync(this.#fd!, data, 0, data.length, slot * this.#stride);
    } catch {
      this.#free.push(slot); // ENOSPC on a full /dev/shm: this frame goes in its message
      return undefined;
    }
    return { slot, file: join(this.#dir!, 'frames'), offset: slot * this.#stride, length: data.length };
  }

  /** The worker has answered (or was restarted): the slot may be written again. */
  release(slot: FrameSlot | undefined): void {
    if (slot && !this.#free.includes(slot.slot)) this.#free.push(slot.slot);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#fd = undefined;
    this.#dir = undefined;
    this.#stride = 0;
    this.#free = [];
  }

  #open(length: number): void {
    if (this.#fd !== undefined) return;
    removeOrphans(this.#base);
    this.#dir = mkdtempSync(join(this.#base, `${PREFIX}${process.pid}-`));
    this.#fd = openSync(join(this.#dir, 'frames'), 'w+', 0o600);
    this.#stride = length;
    this.#free = Array.from({ length: this.#count }, (_, i) => this.#count - 1 - i);
  }
}

/**
 * The worker's side: reads a frame out of its slot (the file opened once, reopened when main makes a
 * new one) into one buffer reused frame after frame: the bytes are valid until the next read, so use
 * them before the first await.
 */
export class SlotReader {
  #open: { file: string; fd: number } | undefined;
  #buffer = Buffer.alloc(0);

  read(slot: Omit<FrameSlot, 'slot'>): Uint8Array {
    if (this.#open?.file !== slot.file) {
      if (this.#open) closeSync(this.#open.fd);
      this.#open = undefined;
      this.#open = { file: slot.file, fd: openSync(slot.file, 'r') };
    }
    if (this.#buffer.length !== slot.length) this.#buffer = Buffer.allocUnsafeSlow(slot.length);
    const bytes = this.#buffer;
    const read = readSync(this.#open.fd, bytes, 0, slot.length, slot.offset);
    if (read !== slot.length) {
      throw new Error(`frame slot at ${slot.offset} of ${slot.file}: ${read} of ${slot.length} bytes`);
    }
    return bytes;
  }
}

/** Slot files of kiosk processes that died without closing them (a crash, a power cut is a fresh tmpfs). */
function removeOrphans(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^rvm-frames-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    try {
      rmSync(join(base, name), { recursive: true, force: true });
    } catch {
      // Another user's leftover in the shared tmpfs: not ours to remove, and no reason not to run.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
