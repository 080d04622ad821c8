import type { FormEvent } from 'react';
import { Field } from './Field';

/** The step before the form: the one-time setup code from the kiosk's log. */
export function UnlockStep({
  code,
  onCode,
  onSubmit,
}: {
  code: string;
  onCode: (code: string) => void;
  onSubmit: (event: FormEvent) => void;
}) {
  return (
    <>
      <p>
        Enter the 8-digit setup code. It is in the kiosk&apos;s log: on an installed kiosk{' '}
        <code>journalctl -u rvm-kiosk | grep &quot;setup code&quot;</code>, under <code>npm run serve</code> the
        terminal it runs in.
      </p>
      <form onSubmit={onSubmit}>
        <Field label="Setup code">
          <input
            data-testid="setup-code"
            inputMode="numeric"
            autoComplete="off"
            value={code}
            onChange={(e) => onCode(e.target.value)}
          />
        </Field>
        <button type="submit" data-testid="setup-unlock">
          Continue
        </button>
      </form>
    </>
  );
}
