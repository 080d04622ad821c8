import { useApi } from '../api-context';
import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { LanguageToggle } from '../components/LanguageToggle';
import { MaterialIcon } from '../components/MaterialIcon';
import { money } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { materialKey } from './materials';
import { plainReason } from './out-of-service';

/** The idle screen members of the public see: who this machine is, what it takes, whether it can. */
export function AttractScreen() {
  const t = useT();
  const api = useApi();
  const info = useKioskStore((s) => s.info);
  const status = useKioskStore((s) => s.heartbeat?.status);
  const deposit = useKioskStore((s) => s.deposit);
  const catalogue = useKioskStore((s) => s.catalogue);
  const locale = useKioskStore((s) => s.locale);
  const outOfService = deposit?.state === 'out_of_service';
  const reasons = [...new Set((deposit?.outOfService ?? []).map(plainReason))];
  return (
    <main className="screen attract" data-screen={outOfService ? 'out-of-service' : 'attract'}>
      <header className="topbar">
        <span className="machine-name" data-testid="machine-name">
          {info?.machineName ?? '…'}
        </span>
        <ConnectionIndicator />
      </header>
      <section className="attract__hero">
        <h1>{t('attract.title')}</h1>
        <p className="attract__subtitle">{t('attract.subtitle')}</p>
        {catalogue && (
          <ul className="catalogue" aria-label={t('attract.accepts')}>
            {catalogue.materials.map((m) => (
              <li key={m.material} className="catalogue__item" data-material={m.material}>
                <MaterialIcon material={m.material} />
                <span className="catalogue__name">{t(materialKey(m.material))}</span>
                <strong className="catalogue__points">{t('attract.pointsEach', { points: String(m.points) })}</strong>
              </li>
            ))}
          </ul>
        )}
        {catalogue?.pointValue && (
          <p className="catalogue__value">{t('attract.pointValue', { value: money(catalogue.pointValue, locale) })}</p>
        )}
        {outOfService ? (
          <div className="banner banner--stop" role="alert" data-testid="status-banner">
            <strong>{t('attract.outOfService')}</strong>
            {reasons.map((key) => (
              <span key={key}>{t(key)}</span>
            ))}
            <span>{t('attract.outOfServiceHint')}</span>
          </div>
        ) : (
          <>
            <StatusBanner status={status} />
            <button
              type="button"
              className="touch-button touch-button--primary touch-button--huge"
              disabled={deposit?.state !== 'idle'}
              onClick={() => void api.deposit.start()}
            >
              {t('attract.start')}
            </button>
          </>
        )}
      </section>
      <footer className="bottombar">
        <LanguageToggle />
        {info && <span className="version">{t('footer.version', { version: info.version })}</span>}
      </footer>
    </main>
  );
}

function StatusBanner({ status }: { status: 'ok' | 'degraded' | 'out_of_service' | undefined }) {
  const t = useT();
  if (status === 'out_of_service') {
    return (
      <div className="banner banner--stop" role="alert" data-testid="status-banner">
        <strong>{t('attract.outOfService')}</strong>
        <span>{t('attract.outOfServiceHint')}</span>
      </div>
    );
  }
  if (status === 'degraded') {
    return (
      <div className="banner banner--warn" data-testid="status-banner">
        {t('attract.degraded')}
      </div>
    );
  }
  return (
    <div className="banner banner--ok" data-testid="status-banner">
      {status === 'ok' ? t('attract.ready') : t('link.connecting')}
    </div>
  );
}
