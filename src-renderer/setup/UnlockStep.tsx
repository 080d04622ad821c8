import type { FormEvent } from 'react';
import { useT } from '../i18n/use-t';
import { Field } from './Field';
import { withCommands } from './SetupResult';

/** The step before the form: the one-time setup code from the kiosk's log. */
export function UnlockStep({
  code,
  error,
  onCode,
  onSubmit,
}: {
  code: string;
  /** What is wrong with the code typed, in words (undefined: nothing known). */
  error: string | undefined;
  onCode: (code: string) => void;
  onSubmit: (event: FormEvent) => void;
}) {
  const t = useT();
  // The commands stay as they are in both languages: the sentence is split around their placeholders.
  const help = withCommands(t('st.unlock.help'), {
    journal: 'journalctl -u rvm-kiosk | grep "setup code"',
    serve: 'npm run serve',
  });
  return (
    <>
      <p>{help}</p>
      <form onSubmit={onSubmit}>
        <Field label={t('st.unlock.code')} error={error}>
          <input
            data-testid="setup-code"
            name="code"
            inputMode="numeric"
            autoComplete="off"
            value={code}
            {...(error ? { 'aria-invalid': true } : {})}
            onChange={(e) => onCode(e.target.value)}
          />
        </Field>
        <button type="submit" className="touch-button touch-button--primary" data-testid="setup-unlock">
          {t('st.unlock.continue')}
        </button>
      </form>
    </>
  );
}
