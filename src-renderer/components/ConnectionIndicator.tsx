import { useAvailability } from '../customer/availability';
import { useT } from '../i18n/use-t';
import { indicatorOf, useKioskStore } from '../stores/kiosk.store';
import { useNow } from './use-now';

/**
 * The customer's status word: ready, temporarily unavailable, or connecting. The link's technical
 * state (online, degraded, offline) stays in data-indicator for technicians and tests, never in words.
 */
export function ConnectionIndicator() {
  const t = useT();
  const now = useNow(1000);
  const indicator = useKioskStore((s) => indicatorOf(s, now));
  const { state } = useAvailability();
  return (
    <div
      className={`indicator indicator--${state}`}
      role="status"
      aria-live="polite"
      data-indicator={indicator}
      data-availability={state}
    >
      <span className="indicator__dot" aria-hidden="true" />
      <span>{t(`status.${state}`)}</span>
    </div>
  );
}
