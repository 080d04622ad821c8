import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Alert, BackupInfo, MaintenanceSession, QuarantinedJob, Result } from '../../src-preload/contract';
import { HARDWARE_PARTS, MACHINE_STATUSES } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { useT } from '../i18n/use-t';
import { Dashboard } from './Dashboard';

type Tab = 'dashboard' | 'alerts' | 'controls' | 'deliveries' | 'backups' | 'logs';
const TABS: readonly Tab[] = ['dashboard', 'alerts', 'controls', 'deliveries', 'backups', 'logs'];
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
        <strong className="machine-name">{t('mt.open')}</strong>
        <span data-testid="technician">{t('mt.signedIn', { name: session.technician, source: session.source })}</span>
        <Countdown deadlineAt={session.idleUntil} message="mt.idle" />
        <button
          type="button"
          className="touch-button touch-button--primary"
          onClick={() => void api.maintenance.lock().then(() => onSession(null))}
        >
          {t('mt.exit')}
        </button>
      </header>
      <nav className="tabs" role="tablist">
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'touch-button touch-button--primary' : 'touch-button'}
            onClick={() => setTab(name)}
          >
            {name === 'alerts' ? t('mt.tab.alerts', { count: String(active.length) }) : t(`mt.tab.${name}`)}
          </button>
        ))}
      </nav>
      <section className="maintenance__body">
        {tab === 'dashboard' && <Dashboard />}
        {tab === 'alerts' && <Alerts alerts={alerts} onChange={loadAlerts} />}
        {tab === 'controls' && <Controls />}
        {tab === 'deliveries' && <Deliveries />}
        {tab === 'backups' && <Backups />}
        {tab === 'logs' && <Logs />}
      </section>
    </main>
  );
}

function Alerts({ alerts, onChange }: { alerts: Alert[]; onChange: () => Promise<void> }) {
  const t = useT();
  const api = useApi();
  if (!alerts.length) return <p>{t('mt.alerts.none')}</p>;
  return (
    <ul className="alerts" data-testid="alerts">
      {alerts.map((a) => (
        <li
          key={a.id}
          className={`alert alert--${a.severity} alert--${a.state}`}
          data-rule={a.rule}
          data-state={a.state}
        >
          <strong>{a.title}</strong>
          <span>
            {a.value} ({a.op} {a.threshold}) · {new Date(a.firedAt).toLocaleString()}
          </span>
          {a.state === 'resolved' && <span>{t('mt.alerts.resolved')}</span>}
          {a.acknowledgedBy ? (
            <span data-testid="acked">{t('mt.alerts.ackedBy', { name: a.acknowledgedBy })}</span>
          ) : (
            a.state === 'active' && (
              <Action onClick={() => void api.monitor.acknowledge({ id: a.id }).then(onChange)}>
                {t('mt.alerts.ack')}
              </Action>
            )
          )}
        </li>
      ))}
    </ul>
  );
}

/** Runs an action and shows its outcome; destructive ones ask first. */
function useAction() {
  const t = useT();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const [confirming, setConfirming] = useState<{ label: string; run: () => void } | undefined>();
  const run = async <T,>(call: () => Promise<Result<T>>, describe: (value: T) => string) => {
    const r = await call();
    setOutcome(
      r.ok
        ? { ok: true, text: t('mt.done', { detail: describe(r.value) }) }
        : { ok: false, text: t('mt.failed', { detail: r.error.message }) },
    );
    return r;
  };
  const confirm = (label: string, action: () => void) => setConfirming({ label, run: action });
  const view: ReactNode = (
    <>
      {outcome && (
        <p role="status" data-testid="outcome" className={outcome.ok ? 'outcome' : 'outcome outcome--error'}>
          {outcome.text}
        </p>
      )}
      {confirming && (
        <div className="confirm" role="alertdialog" data-testid="confirm">
          <p>{t('mt.confirm', { action: confirming.label })}</p>
          <button
            type="button"
            className="touch-button touch-button--primary"
            onClick={() => {
              confirming.run();
              setConfirming(undefined);
            }}
          >
            {t('mt.confirm.yes')}
          </button>
          <Action onClick={() => setConfirming(undefined)}>{t('mt.cancel')}</Action>
        </div>
      )}
    </>
  );
  return { run, confirm, view };
}

function Controls() {
  const t = useT();
  const api = useApi();
  const { run, confirm, view } = useAction();
  const [status, setStatus] = useState<string | undefined>();
  const [targets, setTargets] = useState<Array<{ path: string; freeMb: number }>>([]);
  const loadTargets = useCallback(
    () => void api.maintenance.exportTargets().then((r) => r.ok && setTargets(r.value)),
    [api],
  );
  useEffect(() => {
    void api.maintenance.machineStatus().then((r) => r.ok && setStatus(r.value.status));
    loadTargets();
  }, [api, loadTargets]);
  return (
    <div className="controls" data-testid="controls">
      {view}
      <fieldset>
        <legend>{t('mt.controls.vision')}</legend>
        <Action
          onClick={() =>
            void run(
              () => api.maintenance.restartCamera(),
              (v) => v.detail,
            )
          }
        >
          {t('mt.controls.restartCamera')}
        </Action>
        <Action
          onClick={() =>
            void run(
              () => api.maintenance.restartWorker(),
              (v) => `restarts ${v.restarts}`,
            )
          }
        >
          {t('mt.controls.restartWorker')}
        </Action>
        <Action
          onClick={() =>
            confirm(
              t('mt.controls.rollbackModel'),
              () =>
                void run(
                  () => api.maintenance.rollbackModel(),
                  (v) => `model ${v.version ?? '(unversioned)'}`,
                ),
            )
          }
        >
          {t('mt.controls.rollbackModel')}
        </Action>
        <Action onClick={() => confirm(t('mt.controls.reloadUi'), () => void api.maintenance.reloadUi())}>
          {t('mt.controls.reloadUi')}
        </Action>
      </fieldset>
      <fieldset>
        <legend>{t('mt.controls.status')}</legend>
        {MACHINE_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            className={status === s ? 'touch-button touch-button--primary' : 'touch-button'}
            onClick={() =>
              confirm(
                t(`mt.status.${s}`),
                () =>
                  void run(
                    () => api.maintenance.setMachineStatus({ status: s }),
                    (v) => {
                      setStatus(v.status);
                      return t(`mt.status.${v.status}`);
                    },
                  ),
              )
            }
          >
            {t(`mt.status.${s}`)}
          </button>
        ))}
        <Action
          onClick={() =>
            confirm(
              t('mt.controls.resetBin'),
              () =>
                void run(
                  () => api.maintenance.resetBin(),
                  (v) => {
                    void api.maintenance.machineStatus().then((r) => r.ok && setStatus(r.value.status));
                    return `bin ${v.binLevelPercent} %`;
                  },
                ),
            )
          }
        >
          {t('mt.controls.resetBin')}
        </Action>
      </fieldset>
      <fieldset>
        <legend>{t('mt.controls.hardware')}</legend>
        {HARDWARE_PARTS.map((part) => (
          <Action
            key={part}
            onClick={() =>
              void run(
                () => api.maintenance.testHardware({ part }),
                (v) => `${v.ok ? 'OK' : 'FAULT'}: ${v.detail}`,
              )
            }
          >
            {t(`mt.part.${part}`)}
          </Action>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('mt.controls.export')}</legend>
        {targets.length === 0 && <p>{t('mt.controls.noDrive')}</p>}
        {targets.map((target) => (
          <Action
            key={target.path}
            onClick={() =>
              void run(
                () => api.maintenance.exportDiagnostics({ target: target.path }),
                (v) => `${v.path} (${v.files.length})`,
              )
            }
          >
            {t('mt.controls.exportTo', { path: target.path, free: String(target.freeMb) })}
          </Action>
        ))}
        <Action onClick={loadTargets}>{t('mt.controls.refresh')}</Action>
      </fieldset>
    </div>
  );
}

function Deliveries() {
  const t = useT();
  const api = useApi();
  const { run, confirm, view } = useAction();
  const [jobs, setJobs] = useState<QuarantinedJob[]>([]);
  const [reason, setReason] = useState('');
  const load = useCallback(() => void api.platform.quarantine().then((r) => r.ok && setJobs(r.value)), [api]);
  useEffect(load, [load]);
  return (
    <div data-testid="deliveries">
      {view}
      {jobs.length === 0 && <p>{t('mt.deliveries.none')}</p>}
      {jobs.length > 0 && (
        <label className="reason">
          {t('mt.deliveries.reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </label>
      )}
      <ul className="jobs">
        {jobs.map((job) => (
          <li key={job.id}>
            <strong>
              #{job.id} {job.kind}
            </strong>
            <span>{job.lastError}</span>
            <Action
              onClick={() =>
                void run(
                  () => api.platform.retry({ id: job.id }),
                  () => `#${job.id}`,
                ).then(load)
              }
            >
              {t('mt.deliveries.retry')}
            </Action>
            <Action
              onClick={() =>
                confirm(
                  `${t('mt.deliveries.discard')} #${job.id}`,
                  () =>
                    void run(
                      () => api.platform.discard({ id: job.id, reason }),
                      () => `#${job.id}`,
                    ).then(load),
                )
              }
            >
              {t('mt.deliveries.discard')}
            </Action>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Backups() {
  const t = useT();
  const api = useApi();
  const { run, confirm, view } = useAction();
  const [list, setList] = useState<BackupInfo[]>([]);
  const [targets, setTargets] = useState<Array<{ path: string; freeMb: number }>>([]);
  const load = useCallback(() => void api.backup.list().then((r) => r.ok && setList(r.value)), [api]);
  useEffect(() => {
    load();
    void api.maintenance.exportTargets().then((r) => r.ok && setTargets(r.value));
  }, [api, load]);
  return (
    <div data-testid="backups">
      {view}
      <Action
        onClick={() =>
          void run(
            () => api.backup.create({ kind: 'database' }),
            (v) => v.id,
          ).then(load)
        }
      >
        {t('mt.backup.now')}
      </Action>
      {list.length === 0 && <p>{t('mt.backup.none')}</p>}
      <ul className="jobs">
        {list.map((b) => (
          <li key={b.id} data-backup={b.id}>
            <strong>
              {new Date(b.createdAt).toLocaleString()} · {b.kind}
            </strong>
            <span>
              {(b.sizeBytes / 2 ** 20).toFixed(1)} MB ·{' '}
              {b.verified
                ? b.verified.ok
                  ? t('mt.backup.verified')
                  : `${t('mt.backup.failed')}: ${b.verified.detail}`
                : t('mt.backup.unverified')}
            </span>
            <Action
              onClick={() =>
                void run(
                  () => api.backup.verify({ id: b.id }),
                  (v) => v.verified?.detail ?? '',
                ).then(load)
              }
            >
              {t('mt.backup.verify')}
            </Action>
            {b.kind !== 'logs' && (
              <Action
                onClick={() =>
                  confirm(
                    t('mt.backup.restoreConfirm', { time: new Date(b.createdAt).toLocaleString() }),
                    () =>
                      void run(
                        () => api.backup.restore({ id: b.id }),
                        (v) => v.detail,
                      ),
                  )
                }
              >
                {t('mt.backup.restore')}
              </Action>
            )}
            {targets.map((target) => (
              <Action
                key={target.path}
                onClick={() =>
                  void run(
                    () => api.backup.copyToDrive({ id: b.id, target: target.path }),
                    (v) => v.path,
                  )
                }
              >
                {t('mt.backup.copy', { path: target.path })}
              </Action>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Logs() {
  const t = useT();
  const api = useApi();
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(
    () =>
      void api.maintenance.logs({ lines: 300 }).then((r) => {
        if (r.ok) setLines(r.value.lines);
        else setError(r.error.message);
      }),
    [api],
  );
  useEffect(load, [load]);
  return (
    <div className="logs">
      <Action onClick={load}>{t('mt.logs.refresh')}</Action>
      {error && <p className="outcome outcome--error">{t('mt.failed', { detail: error })}</p>}
      <pre data-testid="log-lines">{lines.join('\n')}</pre>
    </div>
  );
}

/** A plain touch button (64 px high, no hover-only affordance). */
function Action({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="touch-button" onClick={onClick}>
      {children}
    </button>
  );
}
