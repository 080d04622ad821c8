/**
 * The ASCII command/ACK lines of the ecosystem's ESP32 controller firmware, vnot01/rvm_app_esp32
 * ("ESP32 Actuator Controller v0.5", ESP-IDF 5.3, src/main.c), as that firmware speaks them. Shared by
 * the driver (esp32.hardware.ts) and the simulator (esp32-simulator.ts), so both say exactly this.
 *
 * What the firmware does, read from its source:
 * - UART0 at 115200 baud, 8N1, no flow control; the same UART carries ESP-IDF's own log output
 *   ("I (1234) ESP32_RVM_ACTUATOR: RX from RPi: [SLOT_OPEN]", lines ending in CRLF, no colours).
 * - One uart_read_bytes (up to 255 bytes, 100 ms) is one command: only trailing CR/LF are stripped, so two
 *   commands that arrive together are one unknown command. Hence one command in flight, one per write.
 * - A command may carry ":payload" (ignored); the part before the colon is matched exactly.
 * - Each known command answers one line ("ACK_SORTED\n"); anything else answers UNKNOWN_CMD_ESP.
 * - There is no status, bin level, weight, fault or version report: the kiosk learns only whether a
 *   command was acknowledged.
 */

/** The firmware's UART speed (uart_config_t.baud_rate). */
export const ESP32_BAUD_RATE = 115_200;

/** Every command the firmware knows, with the one line it answers. */
export const ESP32_REPLIES = {
  PING_RPI: 'PONG_ESP32',
  SLOT_OPEN: 'ACK_SLOT_OPEN',
  SLOT_CLOSE: 'ACK_SLOT_CLOSED',
  INTERNAL_LIGHT_ON: 'ACK_LIGHT_ON',
  INTERNAL_LIGHT_OFF: 'ACK_LIGHT_OFF',
  SORT_VALID_ITEM: 'ACK_SORTED',
  RETURN_REJECTED_ITEM: 'ACK_ITEM_RETURNED',
  INDICATE_STATUS_IDLE: 'ACK_STATUS_INDICATED',
  INDICATE_STATUS_PROCESSING: 'ACK_STATUS_INDICATED',
  INDICATE_STATUS_SUCCESS: 'ACK_STATUS_INDICATED',
  INDICATE_STATUS_REJECTED: 'ACK_STATUS_INDICATED',
  INDICATE_STATUS_ERROR: 'ACK_STATUS_INDICATED',
} as const satisfies Record<string, string>;
export type Esp32Command = keyof typeof ESP32_REPLIES;

/**
 * "I do not know that command": UNKNOWN_CMD_ESP from v0.5; UNKNOWN_CMD and UNKNOWN_CMD_RPI from the
 * repository's earlier builds (which know neither PING_RPI nor the sorting commands).
 */
export const ESP32_UNKNOWN_REPLIES: readonly string[] = ['UNKNOWN_CMD_ESP', 'UNKNOWN_CMD', 'UNKNOWN_CMD_RPI'];

/** What the firmware takes per command: it answers after ~100 ms (its read window) plus the work. */
export const ESP32_TIMEOUT_MS: Readonly<Record<Esp32Command, number>> = {
  PING_RPI: 1_000,
  SLOT_OPEN: 2_000,
  SLOT_CLOSE: 2_000,
  INTERNAL_LIGHT_ON: 2_000,
  INTERNAL_LIGHT_OFF: 2_000,
  // 500 ms of mechanism in v0.5; a real sorter takes longer, so the kiosk's usual accept time.
  SORT_VALID_ITEM: 6_000,
  RETURN_REJECTED_ITEM: 6_000,
  INDICATE_STATUS_IDLE: 3_000,
  INDICATE_STATUS_PROCESSING: 3_000,
  INDICATE_STATUS_SUCCESS: 3_000,
  INDICATE_STATUS_REJECTED: 3_000,
  INDICATE_STATUS_ERROR: 3_000,
};

/** A board that resets when its port opens takes about a second to boot; PING_RPI is repeated this long. */
export const ESP32_BOOT_MS = 5_000;

/** The firmware's log tag (its own lines; other ESP-IDF components log under their own tags). */
export const ESP32_LOG_TAG = 'ESP32_RVM_ACTUATOR';

/** One line from the board, sorted by what it means to the kiosk. */
export type Esp32Line =
  | { readonly kind: 'reply'; readonly text: string }
  | { readonly kind: 'unknown-command'; readonly text: string }
  | { readonly kind: 'log'; readonly level: 'E' | 'W' | 'I' | 'D' | 'V'; readonly text: string }
  /** The ROM's reset banner ("rst:0x1 (POWERON_RESET),boot:0x13 …"): the board has just restarted. */
  | { readonly kind: 'reset'; readonly text: string }
  | { readonly kind: 'noise'; readonly text: string };

const REPLIES: ReadonlySet<string> = new Set(Object.values(ESP32_REPLIES));
/** ESP-IDF's log format, "<level> (<ms since boot>) <tag>: <message>". */
const LOG_LINE = /^([EWIDV]) \(\d+\) [^:]*: /;
// Colour codes appear only in builds with CONFIG_LOG_COLORS (off in the repository's sdkconfig).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Sorts one received line; whitespace and colour codes around it do not count ("exact" is the bare line). */
export function classifyEsp32Line(raw: string): Esp32Line {
  const text = raw.replace(ANSI, '').trim();
  if (REPLIES.has(text)) return { kind: 'reply', text };
  if (ESP32_UNKNOWN_REPLIES.includes(text)) return { kind: 'unknown-command', text };
  const log = LOG_LINE.exec(text);
  if (log) return { kind: 'log', level: log[1] as 'E' | 'W' | 'I' | 'D' | 'V', text };
  if (text.startsWith('rst:0x')) return { kind: 'reset', text };
  return { kind: 'noise', text };
}

/** What the firmware does with one read: strips trailing CR/LF, matches the part before ':' (31 chars). */
export function esp32CommandOf(read: string): string {
  const full = read.replace(/[\r\n]+$/, '');
  const colon = full.indexOf(':');
  return (colon >= 0 ? full.slice(0, colon) : full).slice(0, 31);
}
