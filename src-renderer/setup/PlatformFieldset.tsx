import type { ChangeEvent } from 'react';
import { Field } from './Field';
import { binder, type FieldsetProps } from './form';

/**
 * The platform this machine reports to: v1 takes the rvm-credentials.json an admin downloaded
 * (from a file or pasted), v2 a machine account. The connection can be tried before saving.
 */
export function PlatformFieldset(props: FieldsetProps & { busy: boolean; onTest: () => void }) {
  const { form, set, busy, onTest } = props;
  const bind = binder(props);
  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void file.text().then((text) => set('credentials', text));
  };
  return (
    <fieldset>
      <legend>Platform</legend>
      <Field label="Server generation">
        <select
          data-testid="setup-profile"
          value={form.profile}
          onChange={(e) => set('profile', e.target.value as 'v1' | 'v2')}
        >
          <option value="v1">MyRVM v1 (rvm-credentials.json)</option>
          <option value="v2">MyRVM v2 (machine account)</option>
        </select>
      </Field>
      <Field label="Server address">
        <input data-testid="setup-base-url" {...bind('baseUrl')} />
      </Field>
      {form.profile === 'v1' ? (
        <>
          <Field label="rvm-credentials.json (from a USB stick)">
            <input
              data-testid="setup-credentials-file"
              type="file"
              accept=".json,application/json"
              onChange={readFile}
            />
          </Field>
          <Field label="or paste its contents">
            <textarea data-testid="setup-credentials" rows={4} {...bind('credentials')} />
          </Field>
        </>
      ) : (
        <>
          <Field label="RVM id">
            <input data-testid="setup-rvm-id" inputMode="numeric" {...bind('rvmId')} />
          </Field>
          <Field label="Machine account e-mail">
            <input data-testid="setup-email" type="email" {...bind('email')} />
          </Field>
          <Field label="Password">
            <input data-testid="setup-password" type="password" {...bind('password')} />
          </Field>
          <Field label="Machine API key (optional)">
            <input data-testid="setup-api-key" type="password" {...bind('apiKey')} />
          </Field>
        </>
      )}
      <button type="button" data-testid="setup-test" disabled={busy} onClick={onTest}>
        Test connection
      </button>
    </fieldset>
  );
}
