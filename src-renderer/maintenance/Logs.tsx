import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api-context';
import { useT } from '../i18n/use-t';
import { Action } from './actions';

/** The newest lines of the kiosk log. */
export function Logs() {
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
      <pre data-testid="log-lines" tabIndex={0}>
        {lines.join('\n')}
      </pre>
    </div>
  );
}
