import type { BackupInfo, ExportTarget } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useFormatTime } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { Action, useAction, useCall } from './actions';

/** Backups: make one now, verify, restore (asks first), copy to a drive. */
export function Backups() {
  const t = useT();
  const time = useFormatTime();
  const api = useApi();
  const { run, confirm, view } = useAction();
  const [list, load] = useCall(api.backup.list, [] as BackupInfo[]);
  const [targets] = useCall(api.maintenance.exportTargets, [] as ExportTarget[]);
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
              {time(b.createdAt)} · {b.kind}
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
                    t('mt.backup.restoreConfirm', { time: time(b.createdAt) }),
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
