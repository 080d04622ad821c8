import { useApi } from '../api-context';
import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { LanguageToggle } from '../components/LanguageToggle';
import { MaterialIcon } from '../components/MaterialIcon';
import { money } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { useAvailability } from './availability';
import { InsertGuide } from './InsertGuide';
import { materialKey } from './materials';

/**
 * The idle screen members of the public see: who this machine is, what it takes, and Start — only
 * when it can take items now. Otherwise "temporarily unavailable" with the causes in plain words.
 */
export function AttractScreen() {
  const t = useT();
  const info = useKioskStore((s) => s.info);
  const availability = useAvailability();
  const unavailable = availability.state === 'unavailable';
  return (
    <main
      className={unavailable ? 'screen attract attract--unavailable' : 'screen attract'}
      data-screen={unavailable ? 'out-of-service' : 'attract'}
    >
      <header className="topbar">
        <span className="machine-name" data-testid="machine-name">
          {info?.machineName ?? '…'}
        </span>
        <ConnectionIndicator />
      </header>
      <section className="attract__hero">
        <h1>{t('attract.title')}</h1>
        {unavailable ? (
          <div className="banner banner--stop" role="alert" data-testid="status-banner">
            <strong>{t('attract.outOfService')}</strong>
            {availability.reasons.map((key) => (
              <span key={key} data-key-content="out-of-service-reason">
                {t(key)}
              </span>
            ))}
            <span>{t('attract.outOfServiceHint')}</span>
          </div>
        ) : (
          <Offer ready={availability.state === 'ready'} />
        )}
      </section>
      <footer className="bottombar">
        <LanguageToggle />
        {info && <span className="version">{t('footer.version', { version: info.version })}</span>}
      </footer>
    </main>
  );
}

/** What the machine takes and pays, and Start (disabled until the machine answers). */
function Offer({ ready }: { ready: boolean }) {
  const t = useT();
  const api = useApi();
  const catalogue = useKioskStore((s) => s.catalogue);
  const locale = useKioskStore((s) => s.locale);
  const idle = useKioskStore((s) => s.deposit?.state === 'idle');
  return (
    <>
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
      <InsertGuide />
      <button
        type="button"
        className="touch-button touch-button--primary touch-button--huge"
        data-key-content="start"
        disabled={!ready || !idle}
        onClick={() => void api.deposit.start()}
      >
        {t('attract.start')}
      </button>
    </>
  );
}
