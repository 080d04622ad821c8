import type { Duplex } from 'node:stream';
import { ptyPair } from './pty-pair';
import { ESP32_BAUD_RATE, ESP32_LOG_TAG, ESP32_REPLIES, esp32CommandOf, type Esp32Command } from './esp32-dialect';

/** The firmware's log line for each command's action (ESP_LOGI in src/main.c), before it answers. */
const ACTION_LOG: Partial<Record<Esp32Command, string>> = {
  SLOT_OPEN: 'AKSI: Membuka Slot',
  SLOT_CLOSE: 'AKSI: Menutup Slot',
  INTERNAL_LIGHT_ON: 'AKSI: Lampu Internal ON',
  INTERNAL_LIGHT_OFF: 'AKSI: Lampu Internal OFF',
  SORT_VALID_ITEM: 'AKSI: Sortir Item Valid',
  RETURN_REJECTED_ITEM: 'AKSI: Kembalikan Item Ditolak',
  INDICATE_STATUS_IDLE: 'STATUS: IDLE',
  INDICATE_STATUS_PROCESSING: 'STATUS: PROCESSING',
  INDICATE_STATUS_SUCCESS: 'STATUS: SUCCESS',
  INDICATE_STATUS_REJECTED: 'STATUS: REJECTED',
  INDICATE_STATUS_ERROR: 'STATUS: ERROR',
};

/**
 * What the board prints when it resets: the ROM's banner (representative of an ESP32 rev 3), the
 * second-stage bootloader and start-up (abridged), then the firmware's own start-up lines (exact).
 */
const BOOT_LINES: readonly string[] = [
  'ets Jul 29 2019 12:21:46',
  '',
  'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  'configsip: 0, SPIWP:0xee',
  'mode:DIO, clock div:2',
  'load:0x3fff0030,len:7176',
  'entry 0x40080640',
  'I (31) boot: ESP-IDF v5.3.1 2nd stage bootloader',
  'I (31) boot: chip revision: v3.1',
  'I (254) cpu_start: Pro cpu start user code',
  'I (298) main_task: Started on CPU0',
  'I (308) main_task: Calling app_main()',
  `I (308) ${ESP32_LOG_TAG}: ESP32 Actuator Controller v0.5 (ESP-IDF).`,
  'I (308) gpio: GPIO[2]| InputEn: 0| OutputEn: 1| OpenDrain: 0| Pullup: 0| Pulldown: 0| Intr:0 ',
  `I (318) ${ESP32_LOG_TAG}: GPIOs LEDs initialized (OFF).`,
  `I (318) ${ESP32_LOG_TAG}: app_main finished. UART Actuator Task is running.`,
  `I (318) ${ESP32_LOG_TAG}: UART Actuator Task dimulai. Menunggu perintah dari RPi...`,
  'I (328) main_task: Returned from app_main()',
];

/**
 * The rvm_app_esp32 v0.5 firmware (esp32-dialect.ts) over any byte stream, saying exactly its lines:
 * ESP-IDF log lines (CRLF) around every answer, answers (LF) written in pieces, UNKNOWN_CMD_ESP for
 * whatever it does not know — including two commands that arrive in one read, as the real one does.
 * Its faults are switches: commands missing from the build, a hung board, replies held back.
 */
export class Esp32Simulator {
  /** Every read the board made (one command each, trailing CR/LF stripped), also while silent. */
  readonly received: string[] = [];
  /** Commands this build lacks: answered UNKNOWN_CMD_ESP, like anything else it does not know. */
  readonly missing = new Set<string>();
  /** Hung: reads, but logs and answers nothing. */
  silent = false;
  /** Hold each answer until release() (to watch the kiosk wait for it). */
  hold = false;
  /** Reads that held more than one line: a kiosk that did not wait for an ACK. */
  overlapped = 0;
  #stream: Duplex | undefined;
  #bootedAt = Date.now();
  #inbox = '';
  #reading = false;
  #held: Array<() => void> = [];
  #writes: Promise<void> = Promise.resolve();

  /** Starts talking on `stream`; `boot` prints the reset banner first (a board reset by the port opening). */
  attach(stream: Duplex, boot = true): void {
    this.#stream = stream;
    this.#inbox = '';
    stream.setEncoding('latin1');
    stream.on('data', (chunk: string) => {
      if (this.#stream !== stream) return;
      this.#inbox += chunk;
      this.#scheduleRead();
    });
    stream.on('error', () => undefined); // a vanished line: the board just stops
    if (boot) this.reboot();
  }

  /** The board restarts (brown-out, reset button): its banner and start-up log. */
  reboot(): void {
    this.#bootedAt = Date.now();
    for (const line of BOOT_LINES) this.#out(`${line}\r\n`);
  }

  /** What has arrived and not been read yet (bytes sent while an answer was held back). */
  get waiting(): string {
    return this.#inbox;
  }

  /** Sends the answers held back while `hold` was on, in order. */
  release(): void {
    this.hold = false;
    for (const send of this.#held.splice(0)) send();
  }

  /** Raw bytes on the board's UART (a test's log noise, a stray line). */
  write(text: string): void {
    this.#out(text);
  }

  /** The firmware's read loop: whatever arrived together is one read, handled when the last one is done. */
  #scheduleRead(): void {
    if (this.#reading || this.#held.length) return;
    this.#reading = true;
    setImmediate(() => {
      this.#reading = false;
      const read = this.#inbox;
      this.#inbox = '';
      if (read) this.#handle(read);
    });
  }

  #handle(read: string): void {
    const full = read.replace(/[\r\n]+$/, '');
    this.received.push(full);
    if (this.silent) return;
    if (full.includes('\n')) this.overlapped++;
    this.#log('I', `RX from RPi: [${full}]`);
    const command = esp32CommandOf(read);
    const known = command in ESP32_REPLIES && !this.missing.has(command);
    const answer = () => {
      if (!known) {
        this.#log('W', `Perintah tidak dikenal dari RPi: [${full}]`);
        this.#reply('UNKNOWN_CMD_ESP');
      } else {
        const action = ACTION_LOG[command as Esp32Command];
        if (action) this.#log('I', action);
        this.#reply(ESP32_REPLIES[command as Esp32Command]);
      }
      if (this.#inbox) this.#scheduleRead();
    };
    if (this.hold) this.#held.push(answer);
    else answer();
  }

  /** send_response_to_rpi: the line with LF, then its own log line saying so. */
  #reply(message: string): void {
    const cut = Math.ceil(message.length / 2);
    this.#out(message.slice(0, cut));
    this.#out(`${message.slice(cut)}\n`);
    this.#log('I', `TX to RPi: [${message}]`);
  }

  #log(level: 'I' | 'W' | 'E', message: string): void {
    this.#out(`${level} (${Date.now() - this.#bootedAt}) ${ESP32_LOG_TAG}: ${message}\r\n`);
  }

  /** Writes in order, each piece on its own turn, so a line can reach the kiosk in parts. */
  #out(text: string): void {
    const stream = this.#stream;
    this.#writes = this.#writes.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            if (stream && this.#stream === stream && !stream.destroyed) stream.write(text, 'latin1');
            resolve();
          }),
        ),
    );
  }
}

export interface PtyEsp32 {
  readonly simulator: Esp32Simulator;
  /** The device path the kiosk opens (hardware.serialPath). */
  readonly path: string;
  /** Unplugs the board: the PTY pair goes away. */
  unplug(): Promise<void>;
  /** Plugs it back in: a new PTY pair at the same path; the board boots (prints its banner). */
  plug(): Promise<void>;
  stop(): Promise<void>;
}

/** The simulator behind a socat pseudo-terminal: the kiosk opens `path` as it opens /dev/ttyUSB0. */
export async function startPtyEsp32(path: string): Promise<PtyEsp32> {
  const simulator = new Esp32Simulator();
  const pair = ptyPair(path, ESP32_BAUD_RATE);
  const plug = async () => simulator.attach(await pair.plug());
  await plug();
  return { simulator, path, unplug: pair.unplug, plug, stop: pair.unplug };
}
