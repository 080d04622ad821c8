import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alert, MaintenanceSession } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { LanguageToggle } from '../components/LanguageToggle';
import { useT } from '../i18n/use-t';
import { Alerts } from './Alerts';
import { Backups } from './Backups';
import { Controls } from './Controls';
import { Dashboard } from './Dashboard';
import { Deliveries } from './Deliveries';
import { Logs } from './Logs';
import { TrainingData } from './TrainingData';
import { Vouchers } from './Vouchers';

type Tab = 'dashboard' | 'alerts' | 'controls' | 'deliveries' | 'vouchers' | 'training' | 'backups' | 'logs';
const TABS: readonly Tab[] = [
  'dashboard',
  'alerts',
  'controls',
  'deliveries',
  'vouchers',
  'training',
  'backups',
  'logs',
];
/** Touches tell main the technician is still here, at most this often. */
const TOUCH_EVERY_MS = 20_000;

/** The technician's screen: who is signed in, the idle countdown, and the tabs. Exit ends the session. */
export function MaintenanceScreen({
  session,
  onSession,
}: {
  session: MaintenanceSession;
  onSession: (s: MaintenanceSession | null) => void;
}) {
  const t = useT();
  const api = useApi();
  const [tab, setTab] = useState<Tab>('dashboard');
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const lastTouch = useRef(0);

  const loadAlerts = useCallback(() => api.monitor.alerts().then((r) => void (r.ok && setAlerts(r.value))), [api]);
  useEffect(() => {
    void api.monitor.alerts().then((r) => r.ok && setAlerts(r.value));
    return api.monitor.onAlert(() => void loadAlerts());
  }, [api, loadAlerts]);

  const touch = () => {
    if (Date.now() - lastTouch.current < TOUCH_EVERY_MS) return;
    lastTouch.current = Date.now();
    void api.maintenance.touch().then((r) => r.ok && onSession(r.value));
  };
  const active = alerts.filter((a) => a.state === 'active');
  return (
    <main className="screen maintenance" data-screen="maintenance" onPointerDown={touch}>
      <header className="topbar">
        <h1 className="machine-name">{t('mt.open')}</h1>
        <span data-testid="technician">
          {t('mt.signedIn', { name: session.technician, source: t(`mt.source.${session.source}`) })}
        </span>
        <Countdown deadlineAt={session.idleUntil} message="mt.idle" />
        <LanguageToggle />
        <button
          type="button"
          className="touch-button touch-button--primary"
          onClick={() => void api.maintenance.lock().then(() => onSession(null))}
        >
          {t('mt.exit')}
        </button>
      </header>
      <nav className="tabs" role="tablist" aria-label={t('mt.open')}>
        {TABS.map((name) => (
          <button
            key={name}
            id={`tab-${name}`}
            type="button"
            role="tab"
            data-tab={name}
            aria-selected={tab === name}
            aria-controls="maintenance-panel"
            className={tab === name ? 'touch-button touch-button--primary' : 'touch-button'}
            onClick={() => setTab(name)}
          >
            {name === 'alerts' ? t('mt.tab.alerts', { count: String(active.length) }) : t(`mt.tab.${name}`)}
          </button>
        ))}
      </nav>
      {/* The one region that scrolls: the header and tabs stay on screen, the tab's content moves under them. */}
      <section
        className="maintenance__body"
        id="maintenance-panel"
        role="tabpanel"
        aria-labelledby={`tab-${tab}`}
        data-tab={tab}
        data-scroll-region
        tabIndex={0}
      >
        {tab === 'dashboard' && <Dashboard />}
        {tab === 'alerts' && <Alerts alerts={alerts} onChange={loadAlerts} />}
        {tab === 'controls' && <Controls />}
        {tab === 'deliveries' && <Deliveries />}
        {tab === 'vouchers' && <Vouchers />}
        {tab === 'training' && <TrainingData />}
        {tab === 'backups' && <Backups />}
        {tab === 'logs' && <Logs />}
      </section>
    </main>
  );
}
