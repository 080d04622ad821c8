import { useEffect, useState } from 'react';
import type { MaintenanceSession, PinPadState, UnlockResult } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useFormatTime } from '../i18n/format';
import { useT } from '../i18n/use-t';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Six digits, big keys; the PIN is sent once complete and never shown (dots only). */
export function PinPad({
  onClose,
  onUnlocked,
}: {
  onClose: () => void;
  onUnlocked: (session: MaintenanceSession) => void;
}) {
  const t = useT();
  const time = useFormatTime();
  const api = useApi();
  const [pin, setPin] = useState('');
  const [pad, setPad] = useState<PinPadState | undefined>(undefined);
  const [refusal, setRefusal] = useState<Extract<UnlockResult, { granted: false }>['reason'] | 'error' | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.maintenance.pad().then((r) => r.ok && setPad(r.value));
  }, [api]);

  const submit = async (full: string) => {
    setBusy(true);
    const result = await api.maintenance.unlock({ pin: full });
    setBusy(false);
    setPin('');
    if (!result.ok) return setRefusal('error');
    if (result.value.granted) return onUnlocked(result.value.session);
    setPad(result.value.pad);
    setRefusal(result.value.reason);
  };
  const press = (digit: string) => {
    if (busy || pin.length >= 6) return;
    const next = pin + digit;
    setPin(next);
    if (next.length === 6) void submit(next);
  };
  const locked = pad?.lockedUntil ?? null;
  const message =
    pad && !pad.configured
      ? t('mt.pin.notConfigured')
      : locked !== null
        ? t('mt.pin.locked', { time: time(locked, 'time') })
        : refusal === 'wrong_pin'
          ? t('mt.pin.wrong', { count: String(pad?.remainingAttempts ?? 0) })
          : refusal === 'error'
            ? t('mt.failed', { detail: 'PIN' })
            : t('mt.pin.hint');
  const disabled = busy || locked !== null || pad?.configured === false;
  return (
    <div className="pinpad-backdrop" role="dialog" aria-modal="true" aria-label={t('mt.pin.title')}>
      <section className="pinpad" data-testid="pin-pad">
        <h2>{t('mt.pin.title')}</h2>
        <p
          className={refusal || locked !== null ? 'pinpad__message pinpad__message--error' : 'pinpad__message'}
          role="status"
        >
          {message}
        </p>
        <div className="pinpad__dots" aria-hidden="true">
          {Array.from({ length: 6 }, (_, i) => (
            <span key={i} className={i < pin.length ? 'pinpad__dot pinpad__dot--on' : 'pinpad__dot'} />
          ))}
        </div>
        <div className="pinpad__keys">
          {DIGITS.map((d) => (
            <button
              key={d}
              type="button"
              className="touch-button pinpad__key"
              disabled={disabled}
              onClick={() => press(d)}
            >
              {d}
            </button>
          ))}
          <button
            type="button"
            className="touch-button pinpad__key pinpad__key--word"
            disabled={disabled}
            onClick={() => setPin('')}
          >
            {t('mt.pin.clear')}
          </button>
          <button type="button" className="touch-button pinpad__key" disabled={disabled} onClick={() => press('0')}>
            0
          </button>
          <button
            type="button"
            className="touch-button pinpad__key pinpad__key--word"
            disabled={disabled}
            onClick={() => setPin((p) => p.slice(0, -1))}
          >
            {t('mt.pin.back')}
          </button>
        </div>
        <button type="button" className="touch-button pinpad__cancel" onClick={onClose}>
          {t('mt.cancel')}
        </button>
      </section>
    </div>
  );
}
