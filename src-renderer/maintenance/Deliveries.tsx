import { useState } from 'react';
import type { QuarantinedJob } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useT } from '../i18n/use-t';
import { Action, useAction, useCall } from './actions';

/** Deliveries the platform refused for good (quarantined): retry, or discard with a reason. */
export function Deliveries() {
  const t = useT();
  const api = useApi();
  const { run, confirm, view } = useAction();
  const [jobs, load] = useCall(api.platform.quarantine, [] as QuarantinedJob[]);
  const [reason, setReason] = useState('');
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
