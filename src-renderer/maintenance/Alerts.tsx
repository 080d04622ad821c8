import type { Alert } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useFormatTime } from '../i18n/format';
import { translate, type Locale, type MessageKey } from '../i18n/i18n';
import { en } from '../i18n/en';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { Action, useAction } from './actions';

/** Active and recent alerts; a technician acknowledges them (who and when are kept). */
export function Alerts({ alerts, onChange }: { alerts: Alert[]; onChange: () => Promise<void> }) {
  const t = useT();
  const api = useApi();
  const action = useAction();
  return (
    <>
      <div className="controls">
        <Action
          onClick={() =>
            void action.run(
              () => api.monitor.testAlert(),
              (r) => t('mt.alerts.testSent', { channels: r.channels.join(', ') }),
            )
          }
        >
          {t('mt.alerts.test')}
        </Action>
        {action.view}
      </div>
      {alerts.length ? <AlertList alerts={alerts} onChange={onChange} /> : <p>{t('mt.alerts.none')}</p>}
    </>
  );
}

function AlertList({ alerts, onChange }: { alerts: Alert[]; onChange: () => Promise<void> }) {
  const t = useT();
  const time = useFormatTime();
  const api = useApi();
  const locale = useKioskStore((s) => s.locale);
  return (
    <ul className="alerts" data-testid="alerts">
      {alerts.map((a) => (
        <li
          key={a.id}
          className={`alert alert--${a.severity} alert--${a.state}`}
          data-rule={a.rule}
          data-state={a.state}
        >
          <strong data-testid="alert-title">{alertTitle(a, locale)}</strong>
          <span>
            {a.value} ({a.op} {a.threshold}) · {time(a.firedAt)}
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

/**
 * A default rule's title in the technician's language (by rule id); a rule the configuration added, or
 * one whose title names its own detail (the refused config.json, a test alert), keeps its own title.
 */
export function alertTitle(alert: Pick<Alert, 'rule' | 'title'>, locale: Locale): string {
  const key = `mt.rule.${alert.rule}`;
  return isMessageKey(key) ? translate(locale, key) : alert.title;
}

const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);
