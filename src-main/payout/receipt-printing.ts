import type { DepositState, PrintJob } from '../../src-preload/contract';
import type { Clock } from '../kernel/clock';
import type { EventHub } from '../kernel/event-hub';
import type { Logger } from '../log/logger';
import { encodeReceipt, type ReceiptInput } from '../printer/receipt-layout';
import type { PrinterService } from '../printer/printer.service';
import type { SessionRepo } from '../store/session.repo';
import type { VoucherRepo } from '../store/voucher.repo';

type Locale = ReceiptInput['locale'];

export interface ReceiptPrintingDeps {
  readonly printer: PrinterService;
  readonly sessions: SessionRepo;
  readonly vouchers: VoucherRepo;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly machine: { readonly name: string; readonly id: string; readonly defaultLocale: Locale };
  readonly timeZone: string;
  readonly widthMm: 58 | 80;
  readonly footer: readonly string[];
  /** Print a voucher when its session ends, unasked. */
  readonly voucherAutoPrint: boolean;
  readonly moneyOf: (points: number) => { amount: number; currency: string } | null;
}

/** Names of the usual materials on paper; any other prints as its configured name. */
const MATERIAL_WORDS: Record<string, Record<Locale, string>> = {
  pet: { id: 'Botol PET', en: 'PET bottles' },
  aluminium: { id: 'Kaleng aluminium', en: 'Aluminium cans' },
  glass: { id: 'Botol kaca', en: 'Glass bottles' },
  hdpe: { id: 'Botol HDPE', en: 'HDPE bottles' },
};

/**
 * Receipts on paper: a voucher prints when its session ends (printer.voucherAutoPrint), any customer
 * can ask for a receipt on the receipt screen, technicians reprint. A print that fails changes nothing
 * about the credit: the voucher stays on screen and in the list, and can be reprinted.
 */
export class ReceiptPrinting {
  readonly #d: ReceiptPrintingDeps;
  readonly #log: Logger;
  /** The session on the receipt screen now: the only one a customer may print. */
  #shown: string | null = null;
  readonly #jobs = new Map<string, PrintJob>();
  readonly #unsubscribe: () => void;

  constructor(deps: ReceiptPrintingDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('receipt');
    this.#unsubscribe = deps.hub.subscribe('deposit.session', (state) => this.#onSession(state as DepositState));
  }

  stop(): void {
    this.#unsubscribe();
  }

  /** The customer's button: only the receipt on screen, once at a time (a second press gets the running job). */
  printShown(sessionId: string, locale?: Locale): Promise<PrintJob> | PrintJob {
    if (sessionId !== this.#shown) {
      return { sessionId, state: 'failed', fault: null, detail: 'this receipt is no longer on the screen' };
    }
    return this.print(sessionId, { reprint: false, locale });
  }

  /** Prints a session's receipt; never throws (a failure is the job's state). */
  async print(sessionId: string, opts: { reprint: boolean; locale?: Locale | undefined }): Promise<PrintJob> {
    const running = this.#jobs.get(sessionId);
    if (running?.state === 'printing') return running;
    const input = this.#input(sessionId, opts.reprint, opts.locale ?? this.#d.machine.defaultLocale);
    if (!input) return { sessionId, state: 'failed', fault: null, detail: `no closed session ${sessionId}` };
    this.#publish({ sessionId, state: 'printing', fault: null, detail: null });
    const result = await this.#d.printer.print(
      encodeReceipt(input, { widthMm: this.#d.widthMm }),
      `receipt ${sessionId}`,
    );
    if (result.ok) {
      const voucher = this.#d.vouchers.bySession(sessionId);
      if (voucher) this.#d.vouchers.markPrinted(voucher.id, this.#d.clock.now());
      return this.#publish({ sessionId, state: 'printed', fault: null, detail: null });
    }
    this.#log.warn(
      `receipt ${sessionId} not printed: ${result.detail}; the voucher stays on screen and can be reprinted`,
    );
    return this.#publish({ sessionId, state: 'failed', fault: result.fault, detail: result.detail });
  }

  #onSession(state: DepositState): void {
    const receipt = state.state === 'receipt' ? state.receipt : null;
    if (!receipt) {
      this.#shown = null;
      this.#jobs.clear();
      return;
    }
    if (this.#shown === receipt.sessionId) return;
    this.#shown = receipt.sessionId;
    if (receipt.voucher && this.#d.voucherAutoPrint && this.#d.printer.state().configured) {
      void this.print(receipt.sessionId, { reprint: false });
    }
  }

  #publish(job: PrintJob): PrintJob {
    this.#jobs.set(job.sessionId, job);
    this.#d.hub.publish('payout.print', job);
    return job;
  }

  #input(sessionId: string, reprint: boolean, locale: Locale): ReceiptInput | undefined {
    const session = this.#d.sessions.get(sessionId);
    if (!session || session.status !== 'closed') return undefined;
    const byMaterial = new Map<string, { count: number; points: number }>();
    for (const item of this.#d.sessions.acceptedItems(sessionId)) {
      const key = item.material ?? item.className;
      const line = byMaterial.get(key) ?? { count: 0, points: 0 };
      byMaterial.set(key, { count: line.count + 1, points: line.points + item.points });
    }
    const voucher = this.#d.vouchers.bySession(sessionId);
    return {
      machineName: this.#d.machine.name,
      machineId: this.#d.machine.id,
      sessionId,
      at: session.closedAt ?? session.openedAt,
      timeZone: this.#d.timeZone,
      locale,
      identity: session.identity ?? 'guest',
      memberName: session.memberName,
      lines: [...byMaterial].map(([material, line]) => ({
        material: MATERIAL_WORDS[material]?.[locale] ?? material,
        ...line,
      })),
      totalPoints: session.totalPoints,
      money: this.#d.moneyOf(session.totalPoints),
      voucher:
        voucher?.number && voucher.expiresAt !== null
          ? { qr: voucher.payload, barcode: voucher.number, expiresAt: voucher.expiresAt }
          : null,
      footer: this.#d.footer,
      reprint,
    };
  }
}
