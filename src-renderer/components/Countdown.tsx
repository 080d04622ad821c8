import { useT } from '../i18n/use-t';
import type { MessageKey } from '../i18n/i18n';
import { useNow } from './use-now';

/** Seconds left until `deadlineAt`, visible, so a timeout never surprises anyone. */
export function Countdown({
  deadlineAt,
  message = 'common.secondsLeft',
}: {
  deadlineAt: number | null;
  message?: MessageKey;
}) {
  const t = useT();
  const now = useNow(250);
  if (deadlineAt === null) return null;
  const seconds = Math.max(0, Math.ceil((deadlineAt - now) / 1000));
  return (
    <span className="countdown" data-testid="countdown" data-seconds={seconds}>
      {t(message, { seconds: String(seconds) })}
    </span>
  );
}
