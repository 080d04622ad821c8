import type { FormEvent } from 'react';
import { useT } from '../i18n/use-t';
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
  const t = useT();
  // The commands stay as they are in both languages: the sentence is split around their placeholders.
  const help = t('st.unlock.help')
    .split(/(\{journal\}|\{serve\})/)
    .map((part, i) =>
      part === '{journal}' ? (
        <code key={i}>journalctl -u rvm-kiosk | grep &quot;setup code&quot;</code>
      ) : part === '{serve}' ? (
        <code key={i}>npm run serve</code>
      ) : (
        part
      ),
    );
  return (
    <>
      <p>{help}</p>
      <form onSubmit={onSubmit}>
        <Field label={t('st.unlock.code')}>
          <input
            data-testid="setup-code"
            inputMode="numeric"
            autoComplete="off"
            value={code}
            onChange={(e) => onCode(e.target.value)}
          />
        </Field>
        <button type="submit" data-testid="setup-unlock">
          {t('st.unlock.continue')}
        </button>
      </form>
    </>
  );
}
