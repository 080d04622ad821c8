import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { LanguageToggle } from '../components/LanguageToggle';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

/** The idle screen members of the public see: who this machine is, whether it can take items. */
export function AttractScreen() {
  const t = useT();
  const info = useKioskStore((s) => s.info);
  const status = useKioskStore((s) => s.heartbeat?.status);
  return (
    <main className="screen attract" data-screen="attract">
      <header className="topbar">
        <span className="machine-name" data-testid="machine-name">
          {info?.machineName ?? '…'}
        </span>
        <ConnectionIndicator />
      </header>
      <section className="attract__hero">
        <div className="attract__icons" aria-hidden="true">
          <BottleIcon />
          <CanIcon />
        </div>
        <h1>{t('attract.title')}</h1>
        <p className="attract__subtitle">{t('attract.subtitle')}</p>
        <StatusBanner status={status} />
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

function BottleIcon() {
  return (
    <svg viewBox="0 0 64 128" width="64" height="128">
      <rect x="24" y="4" width="16" height="12" rx="3" fill="#7dd3fc" />
      <path d="M22 16h20l6 22v78a8 8 0 0 1-8 8H24a8 8 0 0 1-8-8V38z" fill="#38bdf8" />
      <rect x="16" y="56" width="32" height="24" fill="#e0f2fe" />
    </svg>
  );
}

function CanIcon() {
  return (
    <svg viewBox="0 0 64 128" width="64" height="128">
      <rect x="10" y="20" width="44" height="96" rx="8" fill="#cbd5e1" />
      <rect x="10" y="44" width="44" height="44" fill="#f59e0b" />
      <ellipse cx="32" cy="20" rx="22" ry="6" fill="#94a3b8" />
    </svg>
  );
}
