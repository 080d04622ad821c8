import { useT } from '../i18n/use-t';
import { indicatorOf, useKioskStore } from '../stores/kiosk.store';
import { useNow } from './use-now';

export function ConnectionIndicator() {
  const t = useT();
  const now = useNow(1000);
  const indicator = useKioskStore((s) => indicatorOf(s, now));
  return (
    <div className={`indicator indicator--${indicator}`} role="status" aria-live="polite" data-indicator={indicator}>
      <span className="indicator__dot" aria-hidden="true" />
      <span>{t(`link.${indicator}`)}</span>
    </div>
  );
}
