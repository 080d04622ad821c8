import { useRef } from 'react';
import { useT } from '../i18n/use-t';

/** How long a finger must stay on the corner: customers tapping around never open the PIN pad. */
export const LONG_PRESS_MS = 2000;

/**
 * The technicians' way in: an invisible corner that opens the PIN pad after a long press. Nothing
 * shows on hover or tap (customers must not find it); letting go early cancels.
 */
export function HiddenCorner({ onOpen }: { onOpen: () => void }) {
  const t = useT();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cancel = () => {
    clearTimeout(timer.current);
    timer.current = undefined;
  };
  return (
    <button
      type="button"
      className="hidden-corner"
      aria-label={t('mt.open')}
      data-testid="maintenance-corner"
      tabIndex={-1}
      onPointerDown={() => {
        cancel();
        timer.current = setTimeout(onOpen, LONG_PRESS_MS);
      }}
      onPointerUp={cancel}
      onPointerLeave={cancel}
      onPointerCancel={cancel}
    />
  );
}
