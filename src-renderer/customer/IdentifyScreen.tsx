import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { QrCode } from '../components/QrCode';
import type { MessageKey } from '../i18n/i18n';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

type Choice = 'donation' | 'voucher' | 'guest';
const CHOICES: ReadonlyArray<{ kind: Choice; title: MessageKey; hint: MessageKey }> = [
  { kind: 'donation', title: 'identify.donation', hint: 'identify.donationHint' },
  { kind: 'voucher', title: 'identify.voucher', hint: 'identify.voucherHint' },
  { kind: 'guest', title: 'identify.guest', hint: 'identify.guestHint' },
];

/**
 * Who gets the points, in one step: scan the platform's code with the MyRVM app (the screen moves on
 * by itself when the claim arrives; the code renews itself), or choose donate, voucher or just recycle.
 * One countdown: the screen's own.
 */
export function IdentifyScreen() {
  const t = useT();
  const recipient = useKioskStore((s) => s.catalogue?.donationRecipient ?? null);
  const api = useApi();
  const deposit = useKioskStore((s) => s.deposit)!;
  return (
    <main className="screen identify" data-screen="identify">
      <header className="topbar">
        <h1>{t('identify.title')}</h1>
        <Countdown deadlineAt={deposit.deadlineAt} />
      </header>
      <section className="identify__body">
        <div className={deposit.qr ? 'identify__qr' : 'identify__qr identify__qr--none'} data-testid="qr-panel">
          {deposit.qr ? (
            <QrCode value={deposit.qr.content} size={360} label={t('identify.title')} keyContent="member-qr" />
          ) : (
            <p className="hint" data-testid="no-code">
              {t('identify.noCode')}
            </p>
          )}
        </div>
        <div className="identify__side">
          {deposit.qr && <p className="identify__hint">{t('identify.hint')}</p>}
          <p className="identify__app">{t('identify.getApp')}</p>
          <div className="identify__options" role="group" aria-labelledby="identify-choose">
            <h2 id="identify-choose">{t('identify.choose')}</h2>
            {CHOICES.map(({ kind, title, hint }) => (
              <button
                key={kind}
                type="button"
                className="touch-button touch-button--secondary option"
                data-choice={kind}
                onClick={() => void api.deposit.identify({ kind })}
              >
                {t(title)}{' '}
                <small>
                  {kind === 'donation' && recipient ? t('identify.donationTo', { name: recipient }) : t(hint)}
                </small>
              </button>
            ))}
          </div>
        </div>
      </section>
      <footer className="bottombar">
        <button
          type="button"
          className="touch-button touch-button--secondary"
          onClick={() => void api.deposit.cancel()}
        >
          {t('common.cancel')}
        </button>
      </footer>
    </main>
  );
}
