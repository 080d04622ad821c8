import type { PrinterConfig } from '../config/printer.schema';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { openPrinterPort, type OpenPrinterPort, type PrinterPort } from './printer-port';
import { readPrinterStatus, type PrinterStatus } from './printer-status';

export type PrinterFault = 'not_configured' | 'offline' | 'paper_out' | 'cover_open' | 'error' | 'no_answer';

export type PrintResult =
  { readonly ok: true } | { readonly ok: false; readonly fault: PrinterFault; readonly detail: string };

export interface PrinterState {
  readonly configured: boolean;
  readonly kind: PrinterConfig['kind'];
  /** The link to the printer (socket, serial port, device file) is open. */
  readonly connected: boolean;
  /** The printer's last answer; null before the first and while it cannot be asked. */
  readonly status: PrinterStatus | null;
  readonly fault: PrinterFault | null;
  /** What the fault means and what to do (a technician reads it). */
  readonly detail: string | null;
  /** The roll is nearly (or quite) used up: a new one is due. */
  readonly paperLow: boolean;
  readonly lastPrintAt: number | null;
  readonly checkedAt: number | null;
}

export interface PrinterServiceDeps {
  readonly config: PrinterConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  /** How the printer is reached; the real transports by default. */
  readonly openPort?: OpenPrinterPort;
}

/** Status is asked this often while all is well, and this often while a fault waits to clear. */
const POLL_OK_MS = 30_000;
const POLL_FAULT_MS = 5_000;

/**
 * The receipt printer: prints one job at a time, and asks the printer's status before each job
 * (nothing is sent to a printer that cannot print) and after it (paper that ran out mid-receipt makes
 * the job fail, so the caller keeps the voucher on screen and for reprint). While started, it polls the
 * status so a fault clears itself when paper is put in or the cover closed. Never throws.
 */
export class PrinterService {
  readonly #config: PrinterConfig;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #openPort: OpenPrinterPort;
  readonly #listeners = new Set<(state: PrinterState) => void>();
  #port: PrinterPort | undefined;
  #state: PrinterState;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = false;
  #stopPolling: (() => void) | undefined;

  constructor(deps: PrinterServiceDeps) {
    this.#config = deps.config;
    this.#log = deps.logger.scope('printer');
    this.#clock = deps.clock;
    this.#openPort = deps.openPort ?? openPrinterPort;
    const configured = deps.config.kind !== 'none';
    this.#state = {
      configured,
      kind: deps.config.kind,
      connected: false,
      status: null,
      fault: configured ? null : 'not_configured',
      detail: configured ? null : NOT_CONFIGURED,
      paperLow: false,
      lastPrintAt: null,
      checkedAt: null,
    };
  }

  state(): PrinterState {
    return this.#state;
  }

  /** Prints `bytes` (an encoded receipt); `what` names the job in the log ("voucher 1234…"). */
  print(bytes: Uint8Array, what: string): Promise<PrintResult> {
    return this.#exclusive(() => this.#print(bytes, what));
  }

  /** Asks the printer now. */
  async refresh(): Promise<PrinterState> {
    if (this.#state.configured) await this.#exclusive(() => this.#check());
    return this.#state;
  }

  /** Checks now, then every 30 s (every 5 s while faulted). */
  start(): void {
    if (!this.#state.configured || this.#stopPolling) return;
    this.#stopPolling = this.#clock.every(POLL_FAULT_MS, () => this.#poll());
    void this.refresh();
  }

  async stop(): Promise<void> {
    this.#stopPolling?.();
    this.#stopPolling = undefined;
    await this.#queue;
    const port = this.#port;
    this.#port = undefined;
    await port?.close().catch(() => undefined);
  }

  /** Called when fault, paperLow or connected changes; returns the unsubscribe. */
  onChange(listener: (state: PrinterState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #poll(): void {
    if (this.#busy) return;
    const { fault, checkedAt } = this.#state;
    const due = fault !== null || checkedAt === null || this.#clock.now() - checkedAt >= POLL_OK_MS;
    if (due) void this.refresh();
  }

  async #print(bytes: Uint8Array, what: string): Promise<PrintResult> {
    if (!this.#state.configured) return { ok: false, fault: 'not_configured', detail: NOT_CONFIGURED };
    const before = await this.#check();
    if (!before.ok) {
      this.#log.warn(`not printing ${what}: ${before.detail}`);
      return before;
    }
    try {
      await this.#portFor().write(bytes);
    } catch (error) {
      const failed = this.#update({ connected: false, status: null, fault: 'offline', detail: message(error) });
      this.#log.warn(`printing ${what} failed: ${failed.ok ? '' : failed.detail}`);
      return failed;
    }
    const after = await this.#check();
    if (!after.ok) {
      const detail = `${what} may not have printed in full: ${after.detail}`;
      this.#log.warn(detail);
      return { ok: false, fault: after.fault, detail };
    }
    this.#state = { ...this.#state, lastPrintAt: this.#clock.now() };
    this.#log.info(`printed ${what} (${bytes.length} bytes)`);
    return { ok: true };
  }

  /** Reads the printer's status into the state; the result says whether it can print. */
  async #check(): Promise<PrintResult> {
    let port: PrinterPort;
    try {
      port = this.#portFor();
    } catch (error) {
      return this.#update({ connected: false, status: null, fault: 'error', detail: message(error) });
    }
    try {
      const read = await readPrinterStatus(port, this.#config.statusTimeoutMs);
      if (!read.ok) return this.#update({ connected: true, status: null, fault: read.fault, detail: read.detail });
      const fault = faultOf(read.status);
      return this.#update({
        connected: true,
        status: read.status,
        fault: fault?.[0] ?? null,
        detail: fault?.[1] ?? null,
        paperLow: read.status.paper !== 'ok',
      });
    } catch (error) {
      return this.#update({ connected: false, status: null, fault: 'offline', detail: message(error) });
    }
  }

  #portFor(): PrinterPort {
    this.#port ??= this.#openPort(this.#config);
    return this.#port;
  }

  #update(
    change: Pick<PrinterState, 'connected' | 'status' | 'fault' | 'detail'> & { paperLow?: boolean },
  ): PrintResult {
    const previous = this.#state;
    const next: PrinterState = { ...previous, ...change, checkedAt: this.#clock.now() };
    this.#state = next;
    if (next.fault !== previous.fault) {
      if (next.fault) this.#log.warn(`printer fault ${next.fault}: ${next.detail}`);
      else this.#log.info(`printer ready${previous.fault ? ` (was ${previous.fault})` : ''}`);
    }
    if (next.paperLow !== previous.paperLow && next.paperLow) this.#log.warn('printer paper is running low');
    const changed =
      next.fault !== previous.fault || next.paperLow !== previous.paperLow || next.connected !== previous.connected;
    if (changed) this.#emit(next);
    return next.fault ? { ok: false, fault: next.fault, detail: next.detail ?? next.fault } : { ok: true };
  }

  #emit(state: PrinterState): void {
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch (error) {
        this.#log.error('a printer state listener failed', error);
      }
    }
  }

  /** One job at a time; a failure inside becomes a result, never a rejection. */
  #exclusive(fn: () => Promise<PrintResult>): Promise<PrintResult> {
    const run = async (): Promise<PrintResult> => {
      this.#busy = true;
      try {
        return await fn();
      } catch (error) {
        this.#log.error('printer job failed unexpectedly', error);
        return { ok: false, fault: 'error', detail: message(error) };
      } finally {
        this.#busy = false;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next;
    return next;
  }
}

const NOT_CONFIGURED =
  'no receipt printer is configured (printer.kind is none): set printer.kind to usb, serial or tcp';

/** The fault that stops printing, most specific first (an open cover also reads as offline). */
function faultOf(status: PrinterStatus): readonly [PrinterFault, string] | null {
  if (status.coverOpen) return ['cover_open', 'the printer cover is open: close it'];
  if (status.paper === 'out') return ['paper_out', 'the printer is out of paper: put in a new roll'];
  if (status.error) {
    return [
      'error',
      'the printer reports an error (cutter jammed or head too hot?): clear it, or switch the printer off and on',
    ];
  }
  if (!status.online) return ['offline', 'the printer is offline: check its panel (feed button held? lid?)'];
  return null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
