import { join } from 'node:path';
import { machineTimeZone, type Config } from '../config/config.schema';
import { writeFileAtomic } from '../fs/atomic-file';
import { checkTarget } from '../fs/removable-drives';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import type { EventHub } from '../kernel/event-hub';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import { encodeTestPage } from '../printer/receipt-layout';
import { describePrinter } from '../printer/printer-port';
import { PrinterService } from '../printer/printer.service';
import { loadMachineSecret } from '../store/machine-secret';
import type { Repos } from '../store/store.module';
import type { NewVoucher } from '../store/voucher.repo';
import { ReceiptPrinting } from './receipt-printing';
import { vouchersCsv } from './voucher-csv';
import { VoucherDesk, view } from './voucher-desk';
import { createVoucherIssuer } from './voucher-issuer';
import { exportPublicKey, voucherKeys, type PublicKeyExport, type VoucherKeys } from './voucher-keys';

export interface PayoutDeps {
  readonly dataDir: string;
  readonly config: Config;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly repos: Repos | undefined;
  readonly moneyOf: (points: number) => { amount: number; currency: string } | null;
  /** Tests give the printer a virtual one. */
  readonly printer?: PrinterService;
}

/**
 * How the machine pays out: signed vouchers (issued at a session's close, checked and redeemed once
 * at the till), and receipts on the thermal printer.
 */
export class PayoutModule {
  readonly printer: PrinterService;
  /** Undefined without a store, or when the machine secret (the voucher key's source) is unreadable. */
  readonly desk: VoucherDesk | undefined;
  readonly issueVoucher: ((points: number, at: number) => NewVoucher | null) | undefined;
  readonly #keys: VoucherKeys | undefined;
  readonly #printing: ReceiptPrinting | undefined;
  readonly #d: PayoutDeps;
  readonly #stops: Array<() => void> = [];

  constructor(deps: PayoutDeps) {
    this.#d = deps;
    const { config, repos } = deps;
    const log = deps.logger.scope('payout');
    this.printer =
      deps.printer ?? new PrinterService({ config: config.printer, logger: deps.logger, clock: deps.clock });
    try {
      this.#keys = voucherKeys(loadMachineSecret(deps.dataDir));
    } catch (error) {
      log.error(`no vouchers: the machine secret cannot be read (${(error as Error).message})`);
    }
    if (repos && this.#keys) {
      const keys = this.#keys;
      this.issueVoucher = createVoucherIssuer({
        keys,
        machineId: config.machine.id,
        expiryDays: config.vouchers.expiryDays,
        moneyOf: deps.moneyOf,
        numberTaken: (number) => repos.vouchers.numberTaken(number),
      });
      this.desk = new VoucherDesk({
        vouchers: repos.vouchers,
        audit: repos.audit,
        publicKey: keys.publicKey,
        machineId: config.machine.id,
        expiryDays: config.vouchers.expiryDays,
        now: () => deps.clock.now(),
      });
    }
    if (repos) {
      this.#printing = new ReceiptPrinting({
        printer: this.printer,
        sessions: repos.sessions,
        vouchers: repos.vouchers,
        hub: deps.hub,
        clock: deps.clock,
        logger: deps.logger,
        machine: config.machine,
        timeZone: machineTimeZone(config),
        widthMm: config.printer.widthMm,
        footer: config.printer.footer,
        voucherAutoPrint: config.printer.voucherAutoPrint,
        moneyOf: deps.moneyOf,
      });
    }
  }

  start(): void {
    this.printer.start();
    this.#stops.push(this.printer.onChange((state) => this.#d.hub.publish('payout.printerChanged', state)));
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
    this.#printing?.stop();
    // Waits for a print in progress, then closes the port; nothing to wait for here.
    void this.printer.stop();
  }

  publicKey(): PublicKeyExport & { machineId: string } {
    if (!this.#keys)
      throw new AppFailure('UNAVAILABLE', 'no voucher key: the machine secret cannot be read (see the log)');
    return {
      ...exportPublicKey(this.#keys.publicKey, this.#d.config.machine.id),
      machineId: this.#d.config.machine.id,
    };
  }

  handlers(): Handlers['payout'] {
    const { config, repos } = this.#d;
    const printing = (): ReceiptPrinting => {
      if (!this.#printing) throw new AppFailure('OUT_OF_SERVICE', 'the local store is unavailable');
      return this.#printing;
    };
    const vouchers = () => {
      if (!repos) throw new AppFailure('OUT_OF_SERVICE', 'the local store is unavailable');
      return repos.vouchers;
    };
    return {
      printReceipt: ({ sessionId, locale }) => printing().printShown(sessionId, locale),
      printer: () => this.printer.state(),
      testPage: async () => {
        const at = this.#d.clock.now();
        const bytes = encodeTestPage({
          machineName: config.machine.name,
          machineId: config.machine.id,
          at,
          timeZone: machineTimeZone(config),
          locale: config.machine.defaultLocale,
          widthMm: config.printer.widthMm,
          config: describePrinter(config.printer),
        });
        const result = await this.printer.print(bytes, 'test page');
        return result.ok
          ? { sessionId: 'test-page', state: 'printed', fault: null, detail: null }
          : { sessionId: 'test-page', state: 'failed', fault: result.fault, detail: result.detail };
      },
      reprint: ({ sessionId }) => printing().print(sessionId, { reprint: true }),
      vouchers: ({ filter, limit, offset }) => ({
        rows: vouchers()
          .list(filter, limit, offset)
          .map((row) => ({
            ...view(row, config.vouchers.expiryDays),
            sessionId: row.sessionId,
            createdAt: row.createdAt,
          })),
        ...vouchers().counts(),
      }),
      exportVouchers: ({ target, from, to }) => {
        let folder: string;
        try {
          folder = checkTarget(target, config.maintenance.exportRoots);
        } catch (error) {
          throw new AppFailure('BAD_REQUEST', (error as Error).message);
        }
        const until = to ?? this.#d.clock.now() + 1;
        const csv = vouchersCsv(vouchers().between(from, until), machineTimeZone(config), config.vouchers.expiryDays);
        const path = join(folder, `vouchers-${config.machine.id}-${stamp(this.#d.clock.now())}.csv`);
        writeFileAtomic(path, csv.text);
        return { path, rows: csv.rows };
      },
      publicKey: () => {
        const key = this.publicKey();
        return { machineId: key.machineId, pem: key.pem, line: key.line, fingerprint: key.fingerprint };
      },
    };
  }
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
