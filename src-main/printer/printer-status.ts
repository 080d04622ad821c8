import type { PrinterPort } from './printer-port';

/** What the printer says about itself (ESC/POS real-time status, DLE EOT 1, 2 and 4). */
export interface PrinterStatus {
  readonly online: boolean;
  /** low: the near-end sensor sees the end of the roll coming; out: no paper at the print head. */
  readonly paper: 'ok' | 'low' | 'out';
  readonly coverOpen: boolean;
  /** The printer reports an error (cutter jam, head overheated, …): it prints nothing until it clears. */
  readonly error: boolean;
}

export type StatusRead =
  | { readonly ok: true; readonly status: PrinterStatus }
  | { readonly ok: false; readonly fault: 'no_answer'; readonly detail: string };

/** DLE EOT n: the printer answers one byte at once, even while offline or with a full buffer. */
export function realTimeStatusRequest(n: 1 | 2 | 4): Uint8Array {
  return Uint8Array.of(0x10, 0x04, n);
}

// Every answer byte has bit 1 and bit 4 set and bits 0 and 7 clear (Epson's and Citizen's tables agree);
// anything else is not a status byte (a wrong baud rate, another device on the port).
const FIXED_MASK = 0x93;
const FIXED_BITS = 0x12;
/** n=1: bit 3 offline. */
const OFFLINE = 0x08;
/** n=2: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 error. */
const COVER_OPEN = 0x04;
const PAPER_END_STOP = 0x20;
const ERROR = 0x40;
/** n=4: bits 2+3 roll near end, bits 5+6 no paper (a printer sets both bits of a pair). */
const NEAR_END = 0x0c;
const PAPER_END = 0x60;

export function isStatusByte(byte: number): boolean {
  return (byte & FIXED_MASK) === FIXED_BITS;
}

/** The three answers, read together. */
export function decodeStatus(printer: number, offlineCause: number, rollSensor: number): PrinterStatus {
  const out = (rollSensor & PAPER_END) !== 0 || (offlineCause & PAPER_END_STOP) !== 0;
  return {
    online: (printer & OFFLINE) === 0,
    paper: out ? 'out' : (rollSensor & NEAR_END) !== 0 ? 'low' : 'ok',
    coverOpen: (offlineCause & COVER_OPEN) !== 0,
    error: (offlineCause & ERROR) !== 0,
  };
}

const WHAT: Record<1 | 2 | 4, string> = { 1: 'printer status', 2: 'offline cause', 4: 'paper sensor' };

/**
 * Asks DLE EOT 1, 2 and 4 in turn. Silence or a byte that is not a status answer is 'no_answer';
 * a broken connection rejects (the caller counts that as offline).
 */
export async function readPrinterStatus(port: PrinterPort, timeoutMs: number): Promise<StatusRead> {
  const answers: number[] = [];
  for (const n of [1, 2, 4] as const) {
    const byte = await port.request(realTimeStatusRequest(n), timeoutMs);
    if (byte === null) {
      return {
        ok: false,
        fault: 'no_answer',
        detail: `the printer did not answer a status request (${WHAT[n]}) within ${timeoutMs} ms: check that it is switched on, and for a serial printer printer.baudRate`,
      };
    }
    if (!isStatusByte(byte)) {
      const hex = `0x${byte.toString(16).padStart(2, '0')}`;
      return {
        ok: false,
        fault: 'no_answer',
        detail: `the printer answered ${hex} to a status request (${WHAT[n]}), which is not an ESC/POS status byte: check printer.baudRate, or that printer.device is the printer`,
      };
    }
    answers.push(byte);
  }
  const [printer = 0, offlineCause = 0, rollSensor = 0] = answers;
  return { ok: true, status: decodeStatus(printer, offlineCause, rollSensor) };
}
