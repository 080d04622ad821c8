import type { ChangeEvent } from 'react';
import { useT } from '../i18n/use-t';
import { Field, useFieldError } from './Field';
import { binder, type FieldsetProps } from './form';

/**
 * The platform this machine reports to: v1 takes the rvm-credentials.json an admin downloaded
 * (from a file or pasted), v2 a machine account. The connection can be tried before saving.
 */
export function PlatformFieldset(props: FieldsetProps & { busy: boolean; onTest: () => void }) {
  const { form, set, busy, onTest } = props;
  const t = useT();
  const bind = binder(props);
  const error = useFieldError(props.errors);
  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void file.text().then((text) => set('credentials', text));
  };
  return (
    <fieldset>
      <legend>{t('st.platform.legend')}</legend>
      <Field label={t('st.profile')}>
        <select
          data-testid="setup-profile"
          value={form.profile}
          onChange={(e) => set('profile', e.target.value as 'v1' | 'v2')}
        >
          <option value="v1">{t('st.profile.v1')}</option>
          <option value="v2">{t('st.profile.v2')}</option>
        </select>
      </Field>
      <Field label={t('st.baseUrl')} error={error('baseUrl')}>
        <input data-testid="setup-base-url" type="url" {...bind('baseUrl')} />
      </Field>
      {form.profile === 'v1' ? (
        <>
          <Field label={t('st.credentialsFile')}>
            <input
              data-testid="setup-credentials-file"
              type="file"
              accept=".json,application/json"
              onChange={readFile}
            />
          </Field>
          <Field label={t('st.credentials')} error={error('credentials')}>
            <textarea data-testid="setup-credentials" rows={4} {...bind('credentials')} />
          </Field>
        </>
      ) : (
        <>
          <Field label={t('st.rvmId')} error={error('rvmId')}>
            <input data-testid="setup-rvm-id" inputMode="numeric" {...bind('rvmId')} />
          </Field>
          <Field label={t('st.email')} error={error('email')}>
            <input data-testid="setup-email" type="email" {...bind('email')} />
          </Field>
          <Field label={t('st.password')} error={error('password')}>
            <input data-testid="setup-password" type="password" {...bind('password')} />
          </Field>
          <Field label={t('st.apiKey')} error={error('apiKey')}>
            <input data-testid="setup-api-key" type="password" {...bind('apiKey')} />
          </Field>
        </>
      )}
      <button
        type="button"
        className="touch-button touch-button--secondary"
        data-testid="setup-test"
        disabled={busy}
        onClick={onTest}
      >
        {t('st.test')}
      </button>
    </fieldset>
  );
}
