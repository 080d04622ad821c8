import { useEffect } from 'react';
import { create } from 'zustand';
import type { PrintJob, Receipt, RvmApi, Unsubscribe } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { QrCode } from '../components/QrCode';
import type { MessageKey } from '../i18n/i18n';
import { formatTime, money } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

/** The session's result: totals and their money value, whose points they are (or the voucher), then back to attract. */
export function ReceiptScreen() {
  const t = useT();
  const api = useApi();
  const receipt = useKioskStore((s) => s.deposit?.receipt);
  const deadlineAt = useKioskStore((s) => s.deposit?.deadlineAt ?? null);
  const locale = useKioskStore((s) => s.locale);
  const timeZone = useKioskStore((s) => s.info?.timeZone);
  const recipient = useKioskStore((s) => s.catalogue?.donationRecipient ?? null);
  // The session ended because the machine could not take the last item in: say so, and that it earned nothing.
  const notTaken = useKioskStore((s) => s.deposit?.lastItem?.reason === 'not_taken');
  useEffect(() => watchPrintJobs(api), [api]);
  if (!receipt) return null;
  const { voucher } = receipt;
  return (
    <main className="screen receipt" data-screen="receipt">
      <header className="topbar">
        <h1>{t('receipt.title')}</h1>
      </header>
      <section className={voucher ? 'receipt__body receipt__body--voucher' : 'receipt__body'}>
        <div className="receipt__summary">
          <div className="receipt__totals">
            <strong data-testid="receipt-points" data-key-content="receipt-points">
              {t('receipt.points', { points: String(receipt.totalPoints) })}
            </strong>
            <span className="receipt__sub">
              {receipt.value && receipt.totalPoints > 0 && (
                <span className="receipt__value" data-testid="receipt-value">
                  {t('receipt.value', { value: money(receipt.value, locale) })}
                </span>
              )}
              <span data-testid="receipt-items">
                {receipt.acceptedCount === 1
                  ? t('receipt.item')
                  : t('receipt.items', { count: String(receipt.acceptedCount) })}
              </span>
            </span>
          </div>
          <p className="receipt__whose" data-testid="receipt-whose">
            {t(whoseKey(receipt, recipient), {
              name: receipt.identity.kind === 'member' ? (receipt.identity.name ?? '') : (recipient ?? ''),
            })}
          </p>
          {notTaken && (
            <p className="banner banner--warn" role="alert" data-testid="not-taken">
              {t('reason.not_taken')}
            </p>
          )}
          {receipt.willSync && receipt.totalPoints > 0 && (
            <p className="banner banner--warn" data-testid="will-sync">
              {t('receipt.willSync')}
            </p>
          )}
          <PrintState receipt={receipt} />
        </div>
        {voucher && (
          <div className="receipt__voucher" data-testid="voucher">
            <QrCode value={voucher.payload} size={300} label={t('receipt.voucherCode')} keyContent="voucher-qr" />
            <strong
              className="receipt__number"
              data-testid="voucher-number"
              data-key-content="voucher-number"
              data-number={voucher.number}
            >
              {groupNumber(voucher.number)}
            </strong>
            <span className="receipt__expiry" data-testid="voucher-expires">
              {t('receipt.validUntil', { date: formatTime(voucher.expiresAt, locale, timeZone, 'longDate') })}
            </span>
          </div>
        )}
      </section>
      <footer className="bottombar">
        <Countdown deadlineAt={deadlineAt} message="receipt.backIn" />
        <button
          type="button"
          className="touch-button touch-button--primary touch-button--wide"
          onClick={() => void api.deposit.done()}
        >
          {t('receipt.done')}
        </button>
      </footer>
    </main>
  );
}

function whoseKey({ identity, voucher }: Receipt, recipient: string | null): MessageKey {
  if (identity.kind === 'member') return identity.name ? 'receipt.member' : 'receipt.memberNoName';
  if (identity.kind === 'donation') return recipient ? 'receipt.donationTo' : 'receipt.donation';
  // No voucher words without a voucher (none is issued for 0 points).
  return voucher ? 'receipt.voucher' : 'receipt.guest';
}

/** This receipt's print: what the printer is doing, or the button that asks for one (only with a printer). */
function PrintState({ receipt }: { receipt: Receipt }) {
  const t = useT();
  const api = useApi();
  const locale = useKioskStore((s) => s.locale);
  const hasPrinter = useKioskStore((s) => s.catalogue?.receiptPrinter === true);
  const job = usePrintJobs((s) => s.jobs[receipt.sessionId]);
  const paper = receipt.voucher ? 'voucher' : 'receipt';
  if (job) {
    return (
      <p
        className={job.state === 'failed' ? 'receipt__print banner banner--warn' : 'receipt__print'}
        role="status"
        data-testid="print-state"
        data-state={job.state}
      >
        {t(`receipt.${job.state}.${paper}`)}
      </p>
    );
  }
  if (!hasPrinter) return null;
  const print = async () => {
    const { sessionId } = receipt;
    keepJob({ sessionId, state: 'printing', fault: null, detail: null });
    const r = await api.payout.printReceipt({ sessionId, locale });
    keepJob(r.ok ? r.value : { sessionId, state: 'failed', fault: null, detail: r.error.message });
  };
  return (
    <button
      type="button"
      className="touch-button touch-button--secondary receipt__print-button"
      data-testid="print-receipt"
      onClick={() => void print()}
    >
      {t('receipt.print')}
    </button>
  );
}

/** The last few print jobs by session, as payout.print reports them. */
const usePrintJobs = create<{ readonly jobs: Readonly<Record<string, PrintJob>> }>(() => ({ jobs: {} }));
const KEEP_JOBS = 8;

function keepJob(job: PrintJob): void {
  usePrintJobs.setState(({ jobs }) => {
    const others = Object.entries(jobs).filter(([id]) => id !== job.sessionId);
    return { jobs: Object.fromEntries([...others.slice(-(KEEP_JOBS - 1)), [job.sessionId, job]]) };
  });
}

/**
 * Follows payout.print into the receipt screen's job list. The screen watches while it shows; a
 * voucher's own print starts the moment the session ends, so the app should watch from the start too
 * (else a fast printer can finish before the screen is there to hear it). Returns the unsubscribe.
 */
export function watchPrintJobs(api: RvmApi): Unsubscribe {
  return api.payout.onPrint(keepJob);
}

/** 13 digits as 4-4-5 (1234 5678 90123): easy to read out and type at a till. */
export function groupNumber(number: string): string {
  return number.length === 13 ? `${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8)}` : number;
}
