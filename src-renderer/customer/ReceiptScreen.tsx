import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { QrCode } from '../components/QrCode';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

/** The session's result: totals, whose points they are (or the voucher), then back to attract. */
export function ReceiptScreen() {
  const t = useT();
  const api = useApi();
  const receipt = useKioskStore((s) => s.deposit?.receipt);
  const deadlineAt = useKioskStore((s) => s.deposit?.deadlineAt ?? null);
  // The session ended because the machine could not take the last item in: say so, and that it earned nothing.
  const notTaken = useKioskStore((s) => s.deposit?.lastItem?.reason === 'not_taken');
  if (!receipt) return null;
  const { identity } = receipt;
  const whose =
    identity.kind === 'member'
      ? identity.name
        ? t('receipt.member', { name: identity.name })
        : t('receipt.memberNoName')
      : identity.kind === 'donation'
        ? t('receipt.donation')
        : identity.kind === 'voucher'
          ? t('receipt.voucher')
          : t('receipt.guest');
  return (
    <main className="screen receipt" data-screen="receipt">
      <header className="topbar">
        <h1>{t('receipt.title')}</h1>
      </header>
      <section className="receipt__body">
        <div className="receipt__totals">
          <strong data-testid="receipt-points">{t('receipt.points', { points: String(receipt.totalPoints) })}</strong>
          <span data-testid="receipt-items">{t('receipt.items', { count: String(receipt.acceptedCount) })}</span>
        </div>
        <p className="receipt__whose" data-testid="receipt-whose">
          {whose}
        </p>
        {notTaken && (
          <p className="banner banner--warn" role="alert" data-testid="not-taken">
            {t('reason.not_taken')}
          </p>
        )}
        {receipt.voucher && <QrCode value={receipt.voucher.payload} size={300} label={receipt.voucher.id} />}
        {receipt.voucher && <code className="receipt__voucher-id">{receipt.voucher.id}</code>}
        {receipt.willSync && receipt.totalPoints > 0 && (
          <p className="banner banner--warn" data-testid="will-sync">
            {t('receipt.willSync')}
          </p>
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
