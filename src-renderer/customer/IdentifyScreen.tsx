import { useState } from 'react';
import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { QrCode } from '../components/QrCode';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

/**
 * Who gets the points: scan the platform's code with the MyRVM app (the screen moves on by itself
 * when the claim arrives), or continue without an account — donate the points or take a voucher.
 */
export function IdentifyScreen() {
  const t = useT();
  const api = useApi();
  const deposit = useKioskStore((s) => s.deposit)!;
  const [choosing, setChoosing] = useState(false);
  const choose = (kind: 'donation' | 'voucher') => void api.deposit.identify({ kind });
  return (
    <main className="screen identify" data-screen="identify">
      <header className="topbar">
        <h1>{t('identify.title')}</h1>
        <Countdown deadlineAt={deposit.deadlineAt} />
      </header>
      <section className="identify__body">
        <div className="identify__qr" data-testid="qr-panel">
          {deposit.qr ? (
            <>
              <QrCode value={deposit.qr.content} size={360} label={t('identify.title')} />
              <p className="hint">{t('identify.hint')}</p>
              <Countdown deadlineAt={deposit.qr.expiresAt} message="identify.codeExpires" />
            </>
          ) : (
            <p className="hint hint--muted" data-testid="no-code">
              {t('identify.noCode')}
            </p>
          )}
        </div>
        <div className="identify__options">
          {choosing ? (
            <>
              <p className="identify__choose">{t('identify.chooseTitle')}</p>
              <button
                type="button"
                className="touch-button touch-button--primary option"
                onClick={() => choose('donation')}
              >
                {t('identify.donation')}
                <small>{t('identify.donationHint')}</small>
              </button>
              <button
                type="button"
                className="touch-button touch-button--primary option"
                onClick={() => choose('voucher')}
              >
                {t('identify.voucher')}
                <small>{t('identify.voucherHint')}</small>
              </button>
              <button type="button" className="touch-button touch-button--secondary" onClick={() => setChoosing(false)}>
                {t('common.back')}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="touch-button touch-button--secondary option"
              onClick={() => setChoosing(true)}
            >
              {t('identify.noAccount')}
            </button>
          )}
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
